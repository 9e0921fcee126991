/** The Poisson distribution on {0, 1, 2, …} with mean `rate`. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { lgamma } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { bulkRange, entropyBySum, klCell, logConcaveBulk, stirlerr } from "./binomial.js";
import { ScalarFamily, nonNegativeParam } from "./scalar-family.js";

/**
 * log P(X = x) = x log λ − λ − log x!, with 0 · log 0 = 0 (λ = 0 is the point mass at 0), in
 * C. Loader's saddle-point form −stirlerr(x) − t(x, λ) − ½ log(2πx), t(a, b) = a log(a/b) − a + b,
 * so large x and λ keep full relative accuracy (no cancellation of x log λ against log x!).
 */
export function poissonLogMass(x: number, rate: number): number {
  if (Number.isNaN(x) || Number.isNaN(rate)) return NaN;
  if (!Number.isInteger(x) || x < 0) return -Infinity;
  if (x === 0) return -rate;
  if (rate === 0) return -Infinity;
  return -stirlerr(x) - klCell(x, rate, Math.log(x), Math.log(rate)) - 0.5 * (LOG_2PI + Math.log(x));
}

const LOG_2PI = 1.8378770664093453;

const RATE = [nonNegativeParam("rate")];

/**
 * Poisson(λ): P(X = k) = λ^k e^{−λ} / k!, k = 0, 1, … (PyTorch `Poisson`). KL pairs:
 * Poisson; Bernoulli/Binomial as p; Bernoulli/Binomial as q (+∞ unless λ = 0).
 * @example kl(new Poisson(2), new Poisson(1)); // 2 log 2 − 1
 */
export class Poisson extends ScalarFamily {
  readonly family = "Poisson";
  /** The rate λ (mean), flat over the batch. */
  readonly rate: Float64Array;

  /**
   * Poisson(λ) with λ ≥ 0 finite (λ = 0 is the point mass at 0, as in PyTorch).
   * @example new Poisson(3).variance(); // 3
   */
  constructor(rate: ArrayInput, options?: DistributionOptions) {
    super([rate], RATE, options);
    [this.rate] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Poisson {
    return new Poisson(o.rate as ArrayInput);
  }

  /** E[X] = λ. */
  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.rate[i]);
  }

  /** Var[X] = λ. */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.rate[i]);
  }

  /** log P(X = x) = x log λ − λ − log x!; −∞ off the non-negative integers. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => poissonLogMass(v, this.rate[i]));
  }

  /** Log mass at integer k for batch element i. */
  logMass(k: number, i: number): number {
    return poissonLogMass(k, this.rate[i]);
  }

  /** Smallest point of the support: 0. */
  supportMin(): number {
    return 0;
  }

  /** Largest point of the support: ∞ (0 when λ = 0). */
  supportMax(i: number): number {
    return this.rate[i] > 0 ? Infinity : 0;
  }

  /** Integers outside which element i has mass below 2·e^{logEps} (log-concave tail bound). */
  bulk(i: number, logEps: number): [number, number] {
    const r = this.rate[i];
    if (r === 0) return [0, 0];
    return logConcaveBulk((k) => poissonLogMass(k, r), Math.floor(r), 0, Infinity, logEps);
  }

  /**
   * H = −Σ_k P(k) log P(k), summed exactly over the bulk of the distribution (no representable
   * mass left out, see `bulkRange`). For λ > 1e7 the asymptotic series
   * ½ log(2πeλ) − 1/(12λ) − 1/(24λ²) − 19/(360λ³) is used (next term O(λ⁻⁴) < 1e-28).
   */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const r = this.rate[i];
      if (Number.isNaN(r)) return NaN;
      if (r === 0) return 0;
      if (r > 1e7) return poissonEntropyAsymptotic(r);
      const [a, b] = bulkRange(this, i);
      return entropyBySum((k) => poissonLogMass(k, r), a, b);
    });
  }

  /**
   * Draws by inversion for λ < 10 and by Hörmann's PTRS transformed rejection for λ ≥ 10
   * (W. Hörmann, "The transformed rejection method for generating Poisson random variables",
   * Insurance: Math. Econ. 12, 1993); both exact.
   */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.rate.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = samplePoisson(rng, this.rate[i]);
    return new NDArray(out, [n, ...this.batchShape]);
  }
}

/** Large-λ expansion of the Poisson entropy (see {@link Poisson.entropy}). */
export function poissonEntropyAsymptotic(r: number): number {
  const x = 1 / r;
  return 0.5 * Math.log(2 * Math.PI * Math.E * r) - x * (1 / 12 + x * (1 / 24 + x * (19 / 360)));
}

/** One Poisson(λ) draw. */
export function samplePoisson(rng: Random, rate: number): number {
  if (rate === 0) return 0;
  if (rate < 10) {
    let pk = Math.exp(-rate);
    let u = rng.uniform();
    let k = 0;
    while (u > pk) {
      u -= pk;
      k++;
      pk *= rate / k;
      if (pk === 0) break;
    }
    return k;
  }
  const slam = Math.sqrt(rate);
  const loglam = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -rate + k * loglam - lgamma(k + 1))
      return k;
  }
}
