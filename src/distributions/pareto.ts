/** The Pareto (type I) distribution on [scale, ∞). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { standardExponential } from "./exponential.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const SCALE_ALPHA = [positiveParam("scale"), positiveParam("alpha")];

/**
 * Pareto(s, α) with scale s > 0 and shape α > 0: density α s^α / x^{α+1} on x ≥ s. Mean
 * αs/(α − 1) (Infinity for α ≤ 1), variance s²α / ((α − 1)²(α − 2)) (Infinity for α ≤ 2), entropy
 * log(s/α) + 1 + 1/α. Sampling: s · e^{E/α} with E a standard exponential (inverse CDF).
 * @example new Pareto(1, 3).mean(); // 1.5
 */
export class Pareto extends ScalarFamily {
  readonly family = "Pareto";
  /** Scale s > 0 (the lower end of the support), flat over the batch. */
  readonly scale: Float64Array;
  /** Shape (tail index) α > 0, flat over the batch. */
  readonly alpha: Float64Array;

  /** `scale` and `alpha` positive and finite; they broadcast to a batch. */
  constructor(scale: ArrayInput, alpha: ArrayInput, options?: DistributionOptions) {
    super([scale, alpha], SCALE_ALPHA, options);
    [this.scale, this.alpha] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Pareto {
    return new Pareto(o.scale as ArrayInput, o.alpha as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.alpha[i];
      return a <= 1 ? Infinity : (a * this.scale[i]) / (a - 1);
    });
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.alpha[i];
      const s = this.scale[i];
      return a <= 2 ? Infinity : (s * s * a) / ((a - 1) * (a - 1) * (a - 2));
    });
  }

  /** log α + α log s − (α + 1) log x for x ≥ s, −Infinity below. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < this.scale[i]) return -Infinity;
      const a = this.alpha[i];
      return Math.log(a) + a * Math.log(this.scale[i]) - (a + 1) * Math.log(v);
    });
  }

  /** log(s/α) + 1 + 1/α. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.log(this.scale[i] / this.alpha[i]) + 1 + 1 / this.alpha[i]);
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.scale.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.scale[i] * Math.exp(standardExponential(rng) / this.alpha[i]);
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
