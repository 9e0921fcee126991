/** The Weibull distribution on [0, ∞). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { EULER_GAMMA, lgamma } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { standardExponential } from "./exponential.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const SCALE_CONCENTRATION = [positiveParam("scale"), positiveParam("concentration")];

/**
 * Weibull(λ, k) with scale λ > 0 and concentration (shape) k > 0, PyTorch's argument order:
 * density (k/λ)(x/λ)^{k−1} e^{−(x/λ)^k} on x ≥ 0. Mean λ Γ(1 + 1/k), variance
 * λ² [Γ(1 + 2/k) − Γ(1 + 1/k)²], entropy γ(1 − 1/k) + log(λ/k) + 1.
 * Sampling: inverse CDF, λ E^{1/k} with E a standard exponential.
 * @example new Weibull(1, 1).mean(); // 1 (the standard exponential)
 */
export class Weibull extends ScalarFamily {
  readonly family = "Weibull";
  /** Scale λ > 0, flat over the batch. */
  readonly scale: Float64Array;
  /** Shape k > 0, flat over the batch. */
  readonly concentration: Float64Array;

  /** `scale` and `concentration` positive and finite; they broadcast to a batch. */
  constructor(scale: ArrayInput, concentration: ArrayInput, options?: DistributionOptions) {
    super([scale, concentration], SCALE_CONCENTRATION, options);
    [this.scale, this.concentration] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Weibull {
    return new Weibull(o.scale as ArrayInput, o.concentration as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.scale[i] * Math.exp(lgamma(1 + 1 / this.concentration[i])));
  }

  /** λ² e^{2 lgamma(1 + 1/k)} expm1(lgamma(1 + 2/k) − 2 lgamma(1 + 1/k)). */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const k = this.concentration[i];
      const l1 = lgamma(1 + 1 / k);
      const l2 = lgamma(1 + 2 / k);
      return this.scale[i] * this.scale[i] * Math.exp(2 * l1) * Math.expm1(l2 - 2 * l1);
    });
  }

  /** log(k/λ) + (k − 1) log(x/λ) − (x/λ)^k for x ≥ 0 (the limit at 0), −Infinity for x < 0. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < 0) return -Infinity;
      const k = this.concentration[i];
      const lz = Math.log(v / this.scale[i]);
      return Math.log(k / this.scale[i]) + (k === 1 ? 0 : (k - 1) * lz) - Math.exp(k * lz);
    });
  }

  /** γ(1 − 1/k) + log(λ/k) + 1. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const k = this.concentration[i];
      return EULER_GAMMA * (1 - 1 / k) + Math.log(this.scale[i] / k) + 1;
    });
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.scale.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.scale[i] * Math.pow(standardExponential(rng), 1 / this.concentration[i]);
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
