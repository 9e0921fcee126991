/**
 * The binomial distribution: the number of successes in `totalCount` independent trials of
 * success probability `probs` (or `logits`).
 *
 * This file also holds the summation helpers of the integer-valued families: the "bulk" of a
 * log-concave mass function (the integers outside which the remaining mass is provably below a
 * bound) and compensated summation, used for the entropies and the exact sums of the discrete
 * divergences.
 */
import { CompensatedSum } from "../core/numerics.js";
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
import { BINARY_PARAMS, binaryParts, pickForm, type BinaryForm, type ProbsOrLogits } from "./bernoulli.js";
import { ScalarFamily, paramSpec } from "./scalar-family.js";

/** Upper limit on the number of terms an exact sum over a support may take. */
export const MAX_SUM_TERMS = 10_000_000;

/**
 * The bulk [a, b] of a log-concave mass function on the integers [lo, hi] (hi may be ∞) with
 * its mode at `mode`: the mass below a plus the mass above b is at most 2·e^{logEps}.
 *
 * Bound used (log-concavity): beyond the mode the ratio r_k = P(k+1)/P(k) is non-increasing and
 * below 1, so P(X > k) ≤ P(k) r_k / (1 − r_k); the same holds downwards. The smallest such k is
 * found by doubling then bisection (O(log) evaluations of `logMass`).
 */
export function logConcaveBulk(
  logMass: (k: number) => number,
  mode: number,
  lo: number,
  hi: number,
  logEps: number,
): [number, number] {
  // log of the tail bound beyond k in direction `dir` (+1 upward, −1 downward)
  const tail = (k: number, dir: number): number => {
    const lk = logMass(k);
    const ln = logMass(k + dir);
    if (lk === -Infinity || ln === -Infinity) return -Infinity;
    const lr = ln - lk;
    if (lr >= 0) return Infinity;
    return lk + lr - Math.log(-Math.expm1(lr));
  };
  const search = (dir: number, limit: number): number => {
    if (mode === limit) return limit;
    if (tail(mode, dir) < logEps) return mode;
    let step = 1;
    let good = mode + dir * step;
    let bad = mode;
    for (;;) {
      if (dir > 0 ? good >= limit : good <= limit) return limit;
      if (tail(good, dir) < logEps) break;
      bad = good;
      step *= 2;
      good = mode + dir * step;
      if (dir > 0 ? good > limit : good < limit) good = limit;
    }
    while (Math.abs(good - bad) > 1) {
      const mid = bad + dir * Math.floor(Math.abs(good - bad) / 2);
      if (tail(mid, dir) < logEps) good = mid;
      else bad = mid;
    }
    return good;
  };
  return [search(-1, lo), search(1, hi)];
}

/**
 * Shannon entropy −Σ P(k) log P(k) over the integers [a, b] (terms with P(k) = 0 contribute 0),
 * by compensated summation.
 */
export function entropyBySum(logMass: (k: number) => number, a: number, b: number): number {
  if (b - a + 1 > MAX_SUM_TERMS) return NaN;
  const s = new CompensatedSum();
  for (let k = a; k <= b; k++) {
    const l = logMass(k);
    if (l > -Infinity) s.add(-Math.exp(l) * l);
  }
  return Math.max(0, s.value);
}

const LOG_2PI = 1.8378770664093453;

/** (1 + d) log(1 + d) − d for |d| < ¼, by its series Σ_{n≥2} (−d)^n / (n (n − 1)). */
function phiSeries(d: number): number {
  let s = 0;
  let pow = -d; // (−1)^n d^n at n = 1
  for (let n = 2; n < 60; n++) {
    pow *= -d;
    const t = pow / (n * (n - 1));
    s += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(s)) break;
  }
  return s;
}

/**
 * One generalised-KL cell t(a, b) = a log(a/b) − a + b ≥ 0 (the Bregman divergence of x log x;
 * Loader's `bd0`), from the masses a, b and their logs la, lb (which may be more accurate than
 * log a, log b, and stay finite where a or b underflow). t(0, b) = b; t(a, 0) = +Infinity for
 * a > 0. When a/b is within 25 % of 1 the series of (1 + d) log(1 + d) − d, d = (a − b)/b, is
 * used, so nearly equal masses lose no digits; `diff` = a − b may be passed when the caller knows
 * it more accurately than the subtraction of the rounded masses.
 */
export function klCell(a: number, b: number, la: number, lb: number, diff: number = a - b): number {
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(la) || Number.isNaN(lb)) return NaN;
  if (la === -Infinity) return b;
  if (lb === -Infinity) return Infinity;
  if (a > 0 && b > 0 && b < Infinity) {
    const d = diff / b;
    if (Math.abs(d) < 0.25) return Math.max(0, b * phiSeries(d));
  }
  return Math.max(0, a * (la - lb) - a + b);
}

/**
 * Stirling's error log Γ(n + 1) − [(n + ½) log n − n + ½ log 2π] (Loader 2000), equal to
 * log Γ(n) − [(n − ½) log n − n + ½ log 2π], for real n > 0: its asymptotic series above 15
 * (error < 3e-16 absolute), the direct difference below.
 */
export function stirlerr(n: number): number {
  if (n > 15) {
    const x2 = 1 / (n * n);
    return (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 / 1188)))) / n;
  }
  return lgamma(n + 1) - (n + 0.5) * Math.log(n) + n - 0.5 * LOG_2PI;
}

/**
 * log P(X = x) of Binomial(n, p) (p, c = 1 − p and their logs), with 0 · log 0 = 0, by
 * C. Loader's saddle-point form ("Fast and accurate computation of binomial probabilities",
 * 2000): stirlerr(n) − stirlerr(x) − stirlerr(n − x) − t(x, np) − t(n − x, nc)
 * − ½ log(2π x (n − x)/n), accurate to a few ulps for any n (no cancellation of n log p terms).
 */
export function binomialLogMass(x: number, n: number, p: number, c: number, lp: number, lc: number): number {
  if (Number.isNaN(x) || Number.isNaN(n) || Number.isNaN(lp) || Number.isNaN(lc)) return NaN;
  if (!Number.isInteger(x) || x < 0 || x > n) return -Infinity;
  if (x === 0) return n === 0 ? 0 : n * lc;
  if (x === n) return n * lp;
  if (lp === -Infinity || lc === -Infinity) return -Infinity;
  const ln = Math.log(n);
  const lc1 = stirlerr(n) - stirlerr(x) - stirlerr(n - x);
  const t1 = klCell(x, n * p, Math.log(x), ln + lp);
  const t2 = klCell(n - x, n * c, Math.log(n - x), ln + lc);
  return lc1 - t1 - t2 - 0.5 * (LOG_2PI + Math.log(x) + Math.log1p(-x / n));
}

/**
 * Tail bounds of the exact sums: the bulk leaves out mass below e^{−745} (≈ 5e-324, the smallest
 * double: nothing representable is dropped) when that range has at most {@link MAX_SUM_TERMS}
 * integers, below e^{−80} ≈ 1.8e-35 otherwise.
 */
export const LOG_EPS_FINE = -745;
/** The coarse tail bound (see {@link LOG_EPS_FINE}). */
export const LOG_EPS_BULK = -80;

/** The bulk of an integer law at the finest tail bound whose range fits {@link MAX_SUM_TERMS}. */
export function bulkRange(
  d: { bulk(i: number, logEps: number): [number, number] },
  i: number,
): [number, number] {
  const fine = d.bulk(i, LOG_EPS_FINE);
  return fine[1] - fine[0] + 1 <= MAX_SUM_TERMS ? fine : d.bulk(i, LOG_EPS_BULK);
}

const TOTAL_COUNT = paramSpec("totalCount", "a non-negative integer", (v) => Number.isInteger(v) && v >= 0);

/** The parameters of a Binomial: `totalCount` (default 1) and one of `probs`, `logits`. */
export interface BinomialParams extends ProbsOrLogits {
  totalCount?: ArrayInput;
}

/**
 * Binomial(n, p): P(X = k) = C(n, k) p^k (1 − p)^{n−k}, k = 0…n (PyTorch `Binomial`).
 * KL pairs: Binomial (any totalCounts), Bernoulli, Geometric, Poisson.
 * @example new Binomial({ totalCount: 4, probs: 0.5 }).logProb(2); // log(6/16)
 */
export class Binomial extends ScalarFamily {
  readonly family = "Binomial";
  readonly form: BinaryForm;
  /** Number of trials n, flat over the batch. */
  readonly totalCount: Float64Array;
  /** Success probability p. */
  readonly probs: Float64Array;
  /** 1 − p (accurate from logits). */
  readonly probs0: Float64Array;
  /** log p. */
  readonly logProbs1: Float64Array;
  /** log(1 − p). */
  readonly logProbs0: Float64Array;

  /**
   * Binomial(n, p): `{ totalCount, probs }` or `{ totalCount, logits }`; totalCount a
   * non-negative integer (default 1), broadcast with the probabilities.
   * @example new Binomial({ totalCount: 10, probs: 0.3 }).mean(); // 3
   */
  constructor(params: BinomialParams, options?: DistributionOptions) {
    const { form, value } = pickForm("Binomial", params);
    super([params.totalCount ?? 1, value], [TOTAL_COUNT, BINARY_PARAMS[form]], options);
    const parts = binaryParts(this.paramValues[1], form);
    this.form = form;
    this.totalCount = this.paramValues[0];
    this.probs = parts.p;
    this.probs0 = parts.c;
    this.logProbs1 = parts.lp;
    this.logProbs0 = parts.lc;
  }

  static fromJSON(o: Record<string, unknown>): Binomial {
    return new Binomial({
      totalCount: o.totalCount as ArrayInput | undefined,
      probs: o.probs as ArrayInput,
      logits: o.logits as ArrayInput,
    });
  }

  /** E[X] = n p. */
  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.totalCount[i] * this.probs[i]);
  }

  /** Var[X] = n p (1 − p). */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.totalCount[i] * this.probs[i] * this.probs0[i]);
  }

  /** log P(X = x) = log C(n, x) + x log p + (n − x) log(1 − p); −∞ off {0, …, n}. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => this.logMass(v, i));
  }

  /** Log mass at integer k for batch element i. */
  logMass(k: number, i: number): number {
    return binomialLogMass(
      k,
      this.totalCount[i],
      this.probs[i],
      this.probs0[i],
      this.logProbs1[i],
      this.logProbs0[i],
    );
  }

  /** Smallest point of the support of element i (0, or n when p = 1). */
  supportMin(i: number): number {
    return this.probs0[i] > 0 ? 0 : this.totalCount[i];
  }

  /** Largest point of the support of element i (n, or 0 when p = 0). */
  supportMax(i: number): number {
    return this.probs[i] > 0 ? this.totalCount[i] : 0;
  }

  /** Integers outside which element i has mass below 2·e^{logEps} (see {@link logConcaveBulk}). */
  bulk(i: number, logEps: number): [number, number] {
    const n = this.totalCount[i];
    if (this.probs[i] === 0) return [0, 0];
    if (this.probs0[i] === 0) return [n, n];
    const mode = Math.min(n, Math.floor((n + 1) * this.probs[i]));
    return logConcaveBulk((k) => this.logMass(k, i), mode, 0, n, logEps);
  }

  /**
   * H = −Σ_k P(k) log P(k), summed exactly over the bulk of the distribution (see
   * {@link bulkRange}: no representable mass is left out unless the range exceeds 10^7 terms). When n p (1 − p) > 1e10 the normal
   * approximation ½ log(2πe n p (1 − p)) is used instead (error O(1/(n p (1 − p))) < 1e-10).
   */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const v = this.totalCount[i] * this.probs[i] * this.probs0[i];
      if (Number.isNaN(v)) return NaN;
      if (v > 1e10) return 0.5 * Math.log(2 * Math.PI * Math.E * v);
      const [a, b] = bulkRange(this, i);
      return entropyBySum((k) => this.logMass(k, i), a, b);
    });
  }

  /**
   * Draws by inversion (sequential search from 0) when n·min(p, 1−p) < 10, else by Hörmann's
   * BTRS transformed rejection (W. Hörmann, "The generation of binomial random variates",
   * J. Stat. Comput. Simul. 46, 1993); both exact.
   */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.probs.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = sampleBinomial(rng, this.totalCount[i], this.probs[i], this.probs0[i]);
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}

/** One Binomial(n, p) draw; `c` = 1 − p. */
export function sampleBinomial(rng: Random, n: number, p: number, c: number): number {
  if (n === 0 || p === 0) return 0;
  if (c === 0) return n;
  const flip = p > 0.5;
  const pp = flip ? c : p;
  const qq = flip ? p : c;
  const k = n * pp < 10 ? binomialInversion(rng, n, pp, qq) : binomialBtrs(rng, n, pp, qq);
  return flip ? n - k : k;
}

function binomialInversion(rng: Random, n: number, p: number, q: number): number {
  const ratio = p / q;
  let pk = Math.exp(n * Math.log1p(-p));
  let u = rng.uniform();
  let k = 0;
  while (u > pk && k < n) {
    u -= pk;
    pk *= ((n - k) / (k + 1)) * ratio;
    k++;
    if (pk === 0) break;
  }
  return k;
}

function binomialBtrs(rng: Random, n: number, p: number, q: number): number {
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = lgamma(m + 1) + lgamma(n - m + 1);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    const lv = Math.log((v * alpha) / (a / (us * us) + b));
    if (lv <= h - lgamma(k + 1) - lgamma(n - k + 1) + (k - m) * lpq) return k;
  }
}
