/** The Kumaraswamy distribution on [0, 1]. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { EULER_GAMMA, digamma, lbeta, log1mexp } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { uniformOpen } from "./exponential.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const CONCENTRATIONS = [positiveParam("concentration1"), positiveParam("concentration0")];

/**
 * Kumaraswamy(a, b) with `concentration1` a > 0 and `concentration0` b > 0 (PyTorch's names):
 * density a b x^{a−1} (1 − x^a)^{b−1} on [0, 1] (Kumaraswamy 1980). X^a ~ Beta(1, b), so the raw
 * moments are E[X^n] = b B(1 + n/a, b); entropy (1 − 1/b) + (1 − 1/a) H_b − log(ab) with the
 * harmonic number H_b = ψ(b + 1) + γ. Sampling: inverse CDF, X = (1 − U^{1/b})^{1/a}, evaluated
 * as exp(log1mexp(log(U)/b)/a) for accuracy at both ends.
 * @example new Kumaraswamy(1, 1).mean(); // 0.5 (the uniform)
 */
export class Kumaraswamy extends ScalarFamily {
  readonly family = "Kumaraswamy";
  /** a > 0 (the exponent of x), flat over the batch. */
  readonly concentration1: Float64Array;
  /** b > 0 (the exponent of 1 − x^a), flat over the batch. */
  readonly concentration0: Float64Array;

  /** Both concentrations positive and finite; they broadcast to a batch. */
  constructor(concentration1: ArrayInput, concentration0: ArrayInput, options?: DistributionOptions) {
    super([concentration1, concentration0], CONCENTRATIONS, options);
    [this.concentration1, this.concentration0] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Kumaraswamy {
    return new Kumaraswamy(o.concentration1 as ArrayInput, o.concentration0 as ArrayInput);
  }

  /** log E[X^n] = log b + log B(1 + n/a, b). */
  private logMoment(i: number, n: number): number {
    const b = this.concentration0[i];
    return Math.log(b) + lbeta(1 + n / this.concentration1[i], b);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.exp(this.logMoment(i, 1)));
  }

  /** E[X²] − E[X]², as E[X²] · (−expm1(2 log E[X] − log E[X²])). */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const l1 = this.logMoment(i, 1);
      const l2 = this.logMoment(i, 2);
      return -Math.exp(l2) * Math.expm1(2 * l1 - l2);
    });
  }

  /** log a + log b + (a − 1) log x + (b − 1) log(1 − x^a) on [0, 1], −Infinity outside. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < 0 || v > 1) return -Infinity;
      const a = this.concentration1[i];
      const b = this.concentration0[i];
      const lx = Math.log(v);
      const t1 = a === 1 ? 0 : (a - 1) * lx;
      const t0 = b === 1 ? 0 : (b - 1) * log1mexp(a * lx);
      return Math.log(a) + Math.log(b) + t1 + t0;
    });
  }

  /** (1 − 1/b) + (1 − 1/a)(ψ(b + 1) + γ) − log(ab). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.concentration1[i];
      const b = this.concentration0[i];
      return 1 - 1 / b + (1 - 1 / a) * (digamma(b + 1) + EULER_GAMMA) - Math.log(a) - Math.log(b);
    });
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.concentration1.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++) {
        const lu = Math.log(uniformOpen(rng));
        out[s * nb + i] = Math.exp(log1mexp(lu / this.concentration0[i]) / this.concentration1[i]);
      }
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
