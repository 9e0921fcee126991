/** The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem & Cunningham 2019). */
import { NDArray, asArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { langevin, langevinPrime, logSinhc } from "../core/special.js";
import {
  check,
  checkSampleCount,
  finite,
  mapBatch,
  mapScalarEvent,
  shouldValidate,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { ScalarFamily, paramSpec } from "./scalar-family.js";

const PROBS = [paramSpec("probs", "in the open interval (0, 1)", (v) => v > 0 && v < 1)];

/**
 * log of the normaliser ∫₀¹ e^{ηx} dx = expm1(η)/η, written as η/2 + log(sinh(η/2)/(η/2)) so it
 * is accurate near η = 0 and does not overflow for large |η|.
 */
export function cbLogNormalizer(eta: number): number {
  return 0.5 * eta + logSinhc(0.5 * eta);
}

/** Mean of the continuous Bernoulli with natural parameter η: ½ + ½ (coth(η/2) − 2/η). */
export function cbMean(eta: number): number {
  return 0.5 + 0.5 * langevin(0.5 * eta);
}

/**
 * ContinuousBernoulli(λ) with `probs` λ ∈ (0, 1), as in PyTorch: density
 * C(λ) λ^x (1 − λ)^{1−x} on [0, 1]. Equivalently an exponential family in the natural parameter
 * η = logit λ: p(x) = e^{ηx − A(η)} with A(η) = log(expm1(η)/η). Mean A′(η) = ½ + ½ L(η/2)
 * (L the Langevin function), variance A″(η) = ¼ L′(η/2), entropy A(η) − η·mean; all computed by
 * series near η = 0 (λ = ½), where PyTorch switches to a Taylor expansion inside (0.499, 0.501).
 * Sampling: inverse CDF, x = log1p(U expm1(η))/η (written as 1 + log(U + (1 − U)e^{−η})/η for
 * η ≥ 1, and x = U at η = 0). `probs` of exactly 0 or 1 (point masses) are rejected.
 * @example new ContinuousBernoulli(0.5).mean(); // 0.5
 */
export class ContinuousBernoulli extends ScalarFamily {
  readonly family = "ContinuousBernoulli";
  /** λ ∈ (0, 1), flat over the batch. */
  readonly probs: Float64Array;
  /** η = log λ − log(1 − λ), flat over the batch. */
  readonly logits: Float64Array;

  /** `probs` strictly between 0 and 1; it may be batched. See also {@link ContinuousBernoulli.fromLogits}. */
  constructor(probs: ArrayInput, options?: DistributionOptions) {
    super([probs], PROBS, options);
    [this.probs] = this.paramValues;
    this.logits = this.probs.map((p) => Math.log(p) - Math.log1p(-p));
  }

  /**
   * From logits η = logit λ (any finite real).
   * @example ContinuousBernoulli.fromLogits(0).probs[0]; // 0.5
   */
  static fromLogits(logits: ArrayInput, options?: DistributionOptions): ContinuousBernoulli {
    const a = asArray(logits, "logits");
    if (shouldValidate(options)) check(a.data, a.shape, "logits", "finite", finite);
    const probs = a.data.map((t) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t))));
    const d = new ContinuousBernoulli({ data: probs, shape: a.shape }, { validate: false });
    d.logits.set(a.data);
    return d;
  }

  /** `{probs}` or `{logits}`. */
  static fromJSON(o: Record<string, unknown>): ContinuousBernoulli {
    if (o.probs === undefined && o.logits !== undefined)
      return ContinuousBernoulli.fromLogits(o.logits as ArrayInput);
    return new ContinuousBernoulli(o.probs as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => cbMean(this.logits[i]));
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 0.25 * langevinPrime(0.5 * this.logits[i]));
  }

  /** ηx − A(η) on [0, 1], −Infinity outside. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < 0 || v > 1) return -Infinity;
      const eta = this.logits[i];
      return eta * v - cbLogNormalizer(eta);
    });
  }

  /** A(η) − η·mean. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const eta = this.logits[i];
      return cbLogNormalizer(eta) - eta * cbMean(eta);
    });
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.probs.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++) {
        const u = rng.uniform();
        const eta = this.logits[i];
        let x: number;
        if (eta === 0) x = u;
        else if (eta >= 1) x = 1 + Math.log(u + (1 - u) * Math.exp(-eta)) / eta;
        else x = Math.log1p(u * Math.expm1(eta)) / eta;
        out[s * nb + i] = Math.min(1, Math.max(0, x));
      }
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
