/**
 * Monte Carlo estimates of divergences for any pair of distributions that can be sampled and
 * have log densities: sample means of a per-draw term, with the standard error s/√n (s the
 * sample standard deviation, n − 1 denominator).
 *
 * Machinery shared by every estimator here:
 * - draws are made in chunks (at most 8192 draws and about 2^18 numbers per chunk), so memory
 *   stays bounded for any sample count (10^7 draws use the same few MB as 10^4);
 * - chunk c draws with seed `s_c`, where s_0, s_1, … are successive `nextU32()` outputs of
 *   `new Random(seed)`: a seed gives the same estimate on every platform;
 * - means and variances are merged chunk by chunk (Chan, Golub & LeVeque's pairwise update), so
 *   no cancellation in Σx² − n x̄²;
 * - batched distributions are supported: p's draws have p's batch shape, are evaluated under q
 *   with NumPy broadcasting, and estimates and standard errors come back with the broadcast batch
 *   shape (a `number` for unbatched pairs);
 * - an event shape [] on one side and [1] on the other are aligned (a Normal against a
 *   one-dimensional mixture), any other mismatch is `InvalidShape`;
 * - a draw whose term is +Infinity (q(x) = 0 where p(x) > 0: the divergence is infinite) makes
 *   the estimate +Infinity with standard error 0; a draw where the sampled density itself is 0
 *   (a measure-zero event) contributes 0.
 *
 * The estimates are unbiased and are NOT clamped: near 0 they can be slightly negative; read them
 * together with the standard error.
 */
import { compensatedAdd } from "../core/numerics.js";
import { NDArray, broadcastMap, broadcastShapes, result, sizeOf } from "../core/array.js";
import { invalidParameter, invalidShape } from "../core/errors.js";
import { Random } from "../core/random.js";
import type { Distribution } from "../distributions/base.js";

export interface MonteCarloOptions {
  /** Number of draws (an integer ≥ 2; default 10 000). For `jsMonteCarlo`, per side. */
  samples?: number;
  /** Seed of the generator (default: `Random`'s default seed, so results are reproducible). */
  seed?: number;
}

export interface MonteCarloResult {
  /** The estimate: a number for an unbatched pair, else an NDArray of the broadcast batch shape. */
  estimate: number | NDArray;
  /** Standard error of the estimate (same shape). */
  standardError: number | NDArray;
  /** Number of draws used (per side for JS). */
  samples: number;
  kind: "monteCarlo";
}

/** Draws per chunk are at most this... */
const MAX_CHUNK_DRAWS = 8192;
/** ...and a chunk holds about this many numbers (draws × batch × event). */
const CHUNK_NUMBERS = 1 << 18;
const LN2 = Math.LN2;

function readOptions(options: MonteCarloOptions): { n: number; seed: number | undefined } {
  const n = options.samples ?? 10000;
  if (!Number.isInteger(n) || n < 2) throw invalidParameter("samples", "an integer ≥ 2", n);
  const seed = options.seed;
  if (seed !== undefined && !Number.isFinite(seed)) throw invalidParameter("seed", "a finite number", seed);
  return { n, seed };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** How the other side reads a draw's event: as is, with a trailing 1 added, or with it dropped. */
function eventAlignment(
  src: Distribution,
  other: Distribution,
  otherName: string,
): "same" | "add1" | "drop1" {
  const a = src.eventShape;
  const b = other.eventShape;
  if (sameShape(a, b)) return "same";
  if (a.length === 0 && sameShape(b, [1])) return "add1";
  if (b.length === 0 && sameShape(a, [1])) return "drop1";
  throw invalidShape(
    otherName,
    `event shape [${b.join(", ")}] does not match the sampled side's event shape [${a.join(", ")}]`,
    [a, b],
  );
}

interface Accumulated {
  mean: Float64Array;
  se: Float64Array;
  shape: number[];
}

/**
 * Runs one Monte Carlo average of `term(logSrc(x), logOther(x))` over x ~ src, batched.
 * `seedStream` supplies the chunk seeds.
 */
function average(
  src: Distribution,
  srcName: string,
  other: Distribution,
  otherName: string,
  n: number,
  seedStream: Random,
  term: (ls: number, lo: number) => number,
): Accumulated {
  const align = eventAlignment(src, other, otherName);
  const shape = broadcastShapes([src.batchShape, other.batchShape], [srcName, otherName]);
  const nb = sizeOf(shape);
  const srcBatch = src.batchShape;
  const ones = new Array<number>(shape.length - srcBatch.length).fill(1);
  const srcEvent = src.eventShape;
  const otherEvent = align === "same" ? srcEvent : align === "add1" ? [1] : [];
  const evSize = Math.max(1, sizeOf(srcEvent));
  const chunk = Math.max(1, Math.min(MAX_CHUNK_DRAWS, Math.floor(CHUNK_NUMBERS / Math.max(1, nb * evSize))));
  // running sums are compensated (Neumaier), so a constant term averages to itself
  const tSum = new Float64Array(nb);
  const tComp = new Float64Array(nb);
  const m2 = new Float64Array(nb);
  const posInf = new Uint8Array(nb);
  const negInf = new Uint8Array(nb);
  const nan = new Uint8Array(nb);
  const cSum = new Float64Array(nb);
  const cComp = new Float64Array(nb);
  const cMean = new Float64Array(nb);
  const cM2 = new Float64Array(nb);
  const terms = new Float64Array(chunk * nb);
  let done = 0;
  while (done < n) {
    const c = Math.min(chunk, n - done);
    const x = src.sample(c, { seed: seedStream.nextU32() });
    const xs = new NDArray(x.data, [c, ...ones, ...srcBatch, ...srcEvent]);
    const xo = new NDArray(x.data, [c, ...ones, ...srcBatch, ...otherEvent]);
    const ls = asND(src.logProb(xs));
    const lo = asND(other.logProb(xo));
    const full = [c, ...shape];
    const ms = mapInto(ls.shape, full, `${srcName}.logProb`);
    const mo = mapInto(lo.shape, full, `${otherName}.logProb`);
    // per element: chunk mean, then chunk M2 (two passes over the stored terms), then merge
    cSum.fill(0);
    cComp.fill(0);
    cM2.fill(0);
    for (let t = 0; t < c * nb; t++) {
      const b = t % nb;
      const ps = ls.data[ms ? ms[t] : t];
      const v = ps === -Infinity ? 0 : term(ps, lo.data[mo ? mo[t] : t]);
      terms[t] = v;
      if (v === Infinity) posInf[b] = 1;
      else if (v === -Infinity) negInf[b] = 1;
      else if (Number.isNaN(v)) nan[b] = 1;
      else compensatedAdd(cSum, cComp, b, v);
    }
    for (let b = 0; b < nb; b++) cMean[b] = (cSum[b] + cComp[b]) / c;
    for (let t = 0; t < c * nb; t++) {
      const v = terms[t];
      if (Number.isFinite(v)) {
        const e = v - cMean[t % nb];
        cM2[t % nb] += e * e;
      }
    }
    for (let b = 0; b < nb; b++) {
      // Chan et al.: M2 = M2_a + M2_b + δ² n_a n_b / (n_a + n_b), δ = mean_b − mean_a
      const prevMean = done > 0 ? (tSum[b] + tComp[b]) / done : 0;
      const delta = cMean[b] - prevMean;
      m2[b] += cM2[b] + (delta * delta * done * c) / (done + c);
      compensatedAdd(tSum, tComp, b, cSum[b]);
      compensatedAdd(tSum, tComp, b, cComp[b]);
    }
    done += c;
  }
  const se = new Float64Array(nb);
  const mean = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    mean[b] = (tSum[b] + tComp[b]) / n;
    if (nan[b] || (posInf[b] && negInf[b])) {
      mean[b] = NaN;
      se[b] = NaN;
    } else if (posInf[b] || negInf[b]) {
      mean[b] = posInf[b] ? Infinity : -Infinity;
      se[b] = 0;
    } else {
      se[b] = Math.sqrt(m2[b] / (n - 1) / n);
    }
  }
  return { mean, se, shape };
}

/** broadcastMap from a logProb result shape to [draws, ...batch], checking it broadcasts. */
function mapInto(shape: readonly number[], full: readonly number[], name: string): Int32Array | null {
  const b = broadcastShapes([shape, full], [name, "draws"]);
  if (!sameShape(b, full))
    throw invalidShape(
      name,
      `result shape [${shape.join(", ")}] does not fit the draws [${full.join(", ")}]`,
      shape,
    );
  return broadcastMap(shape, full);
}

function asND(v: number | NDArray): NDArray {
  return typeof v === "number" ? new NDArray(Float64Array.of(v), []) : v;
}

function finish(acc: Accumulated, n: number): MonteCarloResult {
  return {
    estimate: result(acc.mean, acc.shape),
    standardError: result(acc.se, acc.shape),
    samples: n,
    kind: "monteCarlo",
  };
}

/**
 * Monte Carlo estimate of KL(p ‖ q) = E_{x~p}[log p(x) − log q(x)], from `samples` draws of p,
 * with standard error s/√n. Works for any pair where p can `sample` and both have `logProb`,
 * including pairs with no closed form (mixtures, cross-family pairs); batched pairs give
 * estimates of the broadcast batch shape. The estimate is unbiased and unclamped.
 *
 * @example
 * klMonteCarlo(new Normal(0, 1), new Normal(1, 2), { samples: 100000, seed: 1 });
 * // { estimate ≈ 0.443, standardError ≈ 0.002, samples: 100000, kind: "monteCarlo" }
 */
export function klMonteCarlo(
  p: Distribution,
  q: Distribution,
  options: MonteCarloOptions = {},
): MonteCarloResult {
  const { n, seed } = readOptions(options);
  return finish(
    average(p, "p", q, "q", n, new Random(seed), (lp, lq) => lp - lq),
    n,
  );
}

/**
 * Monte Carlo estimate of the cross-entropy H(p, q) = −E_{x~p}[log q(x)] (nats), from draws of
 * p. With q = p it estimates the entropy H(p) (e.g. of a Gaussian mixture, which has no closed form).
 * @example crossEntropyMonteCarlo(mix, mix, { samples: 100000 }).estimate; // ≈ H(mix)
 */
export function crossEntropyMonteCarlo(
  p: Distribution,
  q: Distribution,
  options: MonteCarloOptions = {},
): MonteCarloResult {
  const { n, seed } = readOptions(options);
  return finish(
    average(p, "p", q, "q", n, new Random(seed), (_lp, lq) => -lq),
    n,
  );
}

/** softplus(t) = log(1 + eᵗ) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Monte Carlo estimate of the Jensen–Shannon divergence
 * JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2 (nats, 0 ≤ JS ≤ log 2), drawing `samples`
 * points from each of p and q. log m is taken by log-sum-exp: for x ~ p the term is
 * log p − log m = log 2 − softplus(log q − log p), bounded above by log 2 (and symmetrically for
 * x ~ q). Standard error ½ √(se_p² + se_q²). The two sides draw from independent chunk seeds of
 * the same seed stream.
 * @example jsMonteCarlo(new Normal(0, 1), new Normal(0, 1)).estimate; // 0 up to noise (exactly 0 here)
 */
export function jsMonteCarlo(
  p: Distribution,
  q: Distribution,
  options: MonteCarloOptions = {},
): MonteCarloResult {
  const { n, seed } = readOptions(options);
  const rng = new Random(seed);
  const rngP = new Random(rng.nextU32());
  const rngQ = new Random(rng.nextU32());
  const term = (ls: number, lo: number): number => (lo === -Infinity ? LN2 : LN2 - softplus(lo - ls));
  const a = average(p, "p", q, "q", n, rngP, term);
  const b = average(q, "q", p, "p", n, rngQ, term);
  const nb = a.mean.length;
  const mean = new Float64Array(nb);
  const se = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    mean[i] = 0.5 * (a.mean[i] + b.mean[i]);
    se[i] = 0.5 * Math.hypot(a.se[i], b.se[i]);
  }
  return finish({ mean, se, shape: a.shape }, n);
}

/**
 * Monte Carlo estimate of an f-divergence D_f(p ‖ q) = E_{x~q}[f(p(x)/q(x))], drawing from q.
 * The generator is given on the log-ratio: `f(t)` must return f(eᵗ) for t = log p(x) − log q(x)
 * (working in t avoids overflowing the ratio). Examples: KL(p ‖ q) is `t => t * Math.exp(t)`,
 * reverse KL(q ‖ p) is `t => -t`, squared Hellinger ½∫(√p − √q)² is `t => 0.5 * Math.expm1(t / 2) ** 2`,
 * total variation is `t => 0.5 * Math.abs(Math.expm1(t))`. Mass of p where q = 0 is never
 * drawn, so the estimate covers only the part of p absolutely continuous w.r.t. q; `f` must
 * accept t = −Infinity (p(x) = 0).
 * @example fDivergenceMonteCarlo(p, q, (t) => -t, { samples: 100000 }).estimate; // ≈ KL(q ‖ p)
 */
export function fDivergenceMonteCarlo(
  p: Distribution,
  q: Distribution,
  f: (logRatio: number) => number,
  options: MonteCarloOptions = {},
): MonteCarloResult {
  if (typeof f !== "function") throw invalidParameter("f", "a function of the log-ratio log p − log q", f);
  const { n, seed } = readOptions(options);
  return finish(
    average(q, "q", p, "p", n, new Random(seed), (lq, lp) => f(lp - lq)),
    n,
  );
}
