/** The exponential distribution Exp(rate) on [0, ∞). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const RATE = [positiveParam("rate")];

/** A uniform draw in the open interval (0, 1) (redraws the rare exact 0). */
export function uniformOpen(rng: Random): number {
  let u = rng.uniform();
  while (u === 0) u = rng.uniform();
  return u;
}

/** A standard exponential draw, −log U with U uniform on (0, 1) (inverse CDF). */
export function standardExponential(rng: Random): number {
  return -Math.log(uniformOpen(rng));
}

/**
 * Exp(λ): density λ e^{−λx} for x ≥ 0. Mean 1/λ, variance 1/λ², entropy 1 − log λ.
 * Sampling: inverse CDF, x = −log(U)/λ with U uniform on (0, 1).
 * @example new Exponential(2).entropy(); // 1 − log 2 = 0.3068528194400547
 */
export class Exponential extends ScalarFamily {
  readonly family = "Exponential";
  /** Rate λ > 0, flat over the batch. */
  readonly rate: Float64Array;

  /** `rate` must be positive and finite; it may be batched. */
  constructor(rate: ArrayInput, options?: DistributionOptions) {
    super([rate], RATE, options);
    [this.rate] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Exponential {
    return new Exponential(o.rate as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 1 / this.rate[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 1 / (this.rate[i] * this.rate[i]));
  }

  /** log λ − λx for x ≥ 0, −Infinity for x < 0. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) =>
      v < 0 ? -Infinity : Math.log(this.rate[i]) - this.rate[i] * v,
    );
  }

  /** 1 − log λ. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 1 - Math.log(this.rate[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.rate.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = standardExponential(rng) / this.rate[i];
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
