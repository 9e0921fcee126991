/** The Gumbel (type-I extreme value, maximum) distribution. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { EULER_GAMMA } from "../core/special.js";
import { checkSampleCount, mapBatch, mapScalarEvent, type SampleOptions } from "./base.js";
import { LocationScale } from "./location-scale.js";
import { standardExponential } from "./exponential.js";

/**
 * Gumbel(μ, β): density exp(−z − e^{−z}) / β with z = (x − μ)/β, on ℝ. Mean μ + γβ (γ the
 * Euler–Mascheroni constant), variance π²β²/6, entropy log β + γ + 1. Sampling: inverse CDF,
 * μ − β log E with E a standard exponential draw.
 * @example new Gumbel(0, 1).mean(); // γ = 0.5772156649015329
 */
export class Gumbel extends LocationScale {
  readonly family = "Gumbel";

  static fromJSON(o: Record<string, unknown>): Gumbel {
    return new Gumbel(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.loc[i] + EULER_GAMMA * this.scale[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => (Math.PI * Math.PI * this.scale[i] * this.scale[i]) / 6);
  }

  /** −log β − z − e^{−z}, z = (x − μ)/β. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      const z = (v - this.loc[i]) / this.scale[i];
      return -Math.log(this.scale[i]) - z - Math.exp(-z);
    });
  }

  /** log β + γ + 1. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.log(this.scale[i]) + EULER_GAMMA + 1);
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.loc[i] - this.scale[i] * Math.log(standardExponential(rng));
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
