/** The Cauchy (Lorentz) distribution. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { checkSampleCount, mapBatch, mapScalarEvent, type SampleOptions } from "./base.js";
import { LocationScale } from "./location-scale.js";
import { uniformOpen } from "./exponential.js";

/**
 * Cauchy(μ, γ): density 1 / (πγ (1 + ((x − μ)/γ)²)) on ℝ. The mean is undefined (NaN, as in
 * PyTorch) and the variance infinite; entropy log(4πγ). Sampling: inverse CDF,
 * μ + γ tan(π (U − ½)) with U uniform on (0, 1).
 * @example new Cauchy(0, 1).entropy(); // log 4π = 2.5310242469692907
 */
export class Cauchy extends LocationScale {
  readonly family = "Cauchy";

  static fromJSON(o: Record<string, unknown>): Cauchy {
    return new Cauchy(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  /** Undefined for the Cauchy distribution: NaN (PyTorch's convention). */
  mean(): number | NDArray {
    return mapBatch(this.batchShape, () => NaN);
  }

  /** Infinite. */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, () => Infinity);
  }

  /** −log(πγ) − log1p(((x − μ)/γ)²). */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      const z = (v - this.loc[i]) / this.scale[i];
      return -Math.log(Math.PI * this.scale[i]) - Math.log1p(z * z);
    });
  }

  /** log(4πγ). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.log(4 * Math.PI * this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.loc[i] + this.scale[i] * Math.tan(Math.PI * (uniformOpen(rng) - 0.5));
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
