/** The gamma distribution Gamma(concentration, rate) on (0, ∞). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { digamma, lgamma } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { uniformOpen } from "./exponential.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const CONCENTRATION_RATE = [positiveParam("concentration"), positiveParam("rate")];

/**
 * log of a Gamma(α, 1) draw, by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3): for α ≥ 1, d = α − 1/3, c = 1/√(9d); draw z ~ N(0, 1) and
 * U ~ U(0, 1), v = (1 + cz)³, accept d·v when v > 0 and log U < z²/2 + d − dv + d log v. For
 * α < 1 the boost G(α) = G(α + 1) · U^{1/α} is applied in log space (so tiny α does not underflow).
 */
export function logStandardGamma(rng: Random, alpha: number): number {
  if (alpha < 1) return logStandardGamma(rng, alpha + 1) + Math.log(uniformOpen(rng)) / alpha;
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = uniformOpen(rng);
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return Math.log(d) + Math.log(v);
  }
}

/** A Gamma(α, 1) draw (Marsaglia–Tsang, see {@link logStandardGamma}). */
export function standardGamma(rng: Random, alpha: number): number {
  return Math.exp(logStandardGamma(rng, alpha));
}

/**
 * Gamma(α, β) with concentration α > 0 and rate β > 0: density β^α x^{α−1} e^{−βx} / Γ(α) on
 * x > 0. Mean α/β, variance α/β², entropy α − log β + log Γ(α) + (1 − α) ψ(α).
 * Sampling: Marsaglia–Tsang (see {@link logStandardGamma}), divided by β.
 * @example new Gamma(2, 3).mean(); // 0.6666666666666666
 */
export class Gamma extends ScalarFamily {
  readonly family: string = "Gamma";
  /** Concentration (shape) α > 0, flat over the batch. */
  readonly concentration: Float64Array;
  /** Rate (inverse scale) β > 0, flat over the batch. */
  readonly rate: Float64Array;

  /** `concentration` and `rate` must be positive and finite; they broadcast to a batch. */
  constructor(concentration: ArrayInput, rate: ArrayInput, options?: DistributionOptions) {
    super([concentration, rate], CONCENTRATION_RATE, options);
    [this.concentration, this.rate] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Gamma {
    return new Gamma(o.concentration as ArrayInput, o.rate as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.concentration[i] / this.rate[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.concentration[i] / (this.rate[i] * this.rate[i]));
  }

  /**
   * α log β + (α − 1) log x − βx − log Γ(α) for x > 0; at x = 0 the limit (+Infinity for α < 1,
   * log β for α = 1, −Infinity for α > 1); −Infinity for x < 0.
   */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < 0) return -Infinity;
      const a = this.concentration[i];
      const b = this.rate[i];
      const xterm = a === 1 ? 0 : (a - 1) * Math.log(v);
      return a * Math.log(b) + xterm - b * v - lgamma(a);
    });
  }

  /** α − log β + log Γ(α) + (1 − α) ψ(α). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.concentration[i];
      return a - Math.log(this.rate[i]) + lgamma(a) + (1 - a) * digamma(a);
    });
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.rate.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = Math.exp(logStandardGamma(rng, this.concentration[i]) - Math.log(this.rate[i]));
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
