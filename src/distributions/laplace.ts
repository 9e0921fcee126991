/** The Laplace (double exponential) distribution. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { checkSampleCount, mapBatch, mapScalarEvent, type SampleOptions } from "./base.js";
import { LocationScale } from "./location-scale.js";
import { standardExponential } from "./exponential.js";

/**
 * Laplace(μ, b): density exp(−|x − μ|/b) / (2b) on ℝ. Mean μ, variance 2b², entropy
 * 1 + log(2b). Sampling: μ + b (E₁ − E₂), the difference of two independent standard
 * exponentials (each by inverse CDF) being standard Laplace.
 * @example new Laplace(0, 1).entropy(); // 1 + log 2 = 1.6931471805599454
 */
export class Laplace extends LocationScale {
  readonly family = "Laplace";

  static fromJSON(o: Record<string, unknown>): Laplace {
    return new Laplace(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.loc[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 2 * this.scale[i] * this.scale[i]);
  }

  /** −log(2b) − |x − μ|/b. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(
      x,
      this.batchShape,
      (v, i) => -Math.log(2 * this.scale[i]) - Math.abs(v - this.loc[i]) / this.scale[i],
    );
  }

  /** 1 + log(2b). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 1 + Math.log(2 * this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.loc[i] + this.scale[i] * (standardExponential(rng) - standardExponential(rng));
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
