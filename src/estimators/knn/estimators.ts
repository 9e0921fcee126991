import { digamma } from "../../core/special.js";
import { Random } from "../../core/random.js";
import { CompensatedSum } from "../../core/numerics.js";
import { type ArrayInput } from "../../core/array.js";
import { KullbackError, invalidParameter } from "../../core/errors.js";
import { KDTree } from "../../linalg/kdtree.js";
import { knnSquared, sqDist } from "../knn-search.js";
import { SampleMatrix, checkK, checkSizes, normaliseScale, readSamples } from "./input.js";
import { NeighbourMethod, resolveMethod } from "./search.js";
import { logUnitBallVolume } from "./special.js";

// ---------------------------------------------------------------------------------------------
// Estimators
// ---------------------------------------------------------------------------------------------

/** What to do with points whose k-NN distance is zero; see the module comment. */
export type DuplicatePolicy = "error" | "skip" | "infinity";

/** Options of {@link knnKl}. */
export interface KnnKlOptions {
  /** Neighbour order k ≥ 1 (default 1). */
  k?: number;
  /** Confidence level in (0, 1) of an interval by subsampling (e.g. 0.95); omitted: no interval. */
  ci?: number;
  /** Number of subsamples for the interval (default 200). */
  bootstrap?: number;
  /** Seed of the subsampling generator (default 0). */
  seed?: number;
  /** Duplicate policy (default `"error"`). */
  onDuplicates?: DuplicatePolicy;
  /** Neighbour-search back-end (default `"auto"`). */
  method?: NeighbourMethod;
}

/** Result of {@link knnKl} and {@link knnKlPerezCruz}. */
export interface KnnKlResult {
  /** The divergence estimate, nats. */
  estimate: number;
  k: number;
  n: number;
  m: number;
  d: number;
  kind: "estimate";
  /** Number of degenerate points (ρ_k = 0 or ν_k = 0), see the duplicate policy. */
  duplicates: number;
  /** Back-end used. */
  method: "kdtree" | "brute";
  /** Confidence interval (only when `ci` was given). */
  ci?: [number, number];
  /** Standard error from the subsamples (only when `ci` was given). */
  standardError?: number;
}

export function checkPolicy(p: unknown): DuplicatePolicy {
  const v = p ?? "error";
  if (v !== "error" && v !== "skip" && v !== "infinity") {
    throw invalidParameter("onDuplicates", '"error", "skip" or "infinity"', v);
  }
  return v;
}

export function degenerateError(
  which: "x" | "y",
  row: number,
  k: number,
  count: number,
  n: number,
): KullbackError {
  const what =
    which === "x"
      ? `x row ${row} has ${k} or more exact copies among the other rows of x, so its k-NN distance rho_k is 0`
      : `x row ${row} coincides with ${k} or more rows of y, so its k-NN distance nu_k in y is 0`;
  return new KullbackError(
    "InvalidParameter",
    `${what}; ${count} of ${n} points have a zero k-NN distance (duplicates: ${count}). ` +
      `Increase k, jitter the data, or pass onDuplicates: "skip" or "infinity".`,
    { argument: which, index: [row], value: count },
  );
}

/** Core WKV estimate on prepared (validated, scaled) data. @internal */
export function wkvCore(
  x: Float64Array,
  n: number,
  y: Float64Array,
  m: number,
  d: number,
  k: number,
  policy: DuplicatePolicy,
  method: "kdtree" | "brute",
): { estimate: number; duplicates: number } {
  let rho: Float64Array;
  let nu: Float64Array;
  if (method === "kdtree") {
    const tx = new KDTree(x, n, d);
    const order = tx.treeOrder();
    rho = knnSquared(x, n, x, n, d, k, true, method, { tree: tx, order });
    nu = knnSquared(y, m, x, n, d, k, false, method, { order });
  } else {
    rho = knnSquared(x, n, x, n, d, k, true, method);
    nu = knnSquared(y, m, x, n, d, k, false, method);
  }
  return wkvFinish(rho, nu, n, m, d, k, policy);
}

/**
 * The WKV estimate from the squared k-th distances ρ² (within x) and ν² (in y) of the n points
 * of x, with the duplicate policy applied (shared by {@link knnKl} and its threaded form).
 * @internal
 */
export function wkvFinish(
  rho: Float64Array,
  nu: Float64Array,
  n: number,
  m: number,
  d: number,
  k: number,
  policy: DuplicatePolicy,
): { estimate: number; duplicates: number } {
  let dup = 0;
  let firstBad = -1;
  let firstWhich: "x" | "y" = "x";
  for (let i = 0; i < n; i++) {
    if (rho[i] === 0 || nu[i] === 0) {
      if (firstBad < 0) {
        firstBad = i;
        firstWhich = rho[i] === 0 ? "x" : "y";
      }
      dup++;
    }
  }
  if (dup > 0 && policy === "error") throw degenerateError(firstWhich, firstBad, k, dup, n);
  const sum = new CompensatedSum();
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (policy === "skip" && (rho[i] === 0 || nu[i] === 0)) continue;
    sum.add(Math.log(Math.sqrt(nu[i])) - Math.log(Math.sqrt(rho[i])));
    used++;
  }
  if (used === 0) {
    throw new KullbackError(
      "InvalidParameter",
      `x: every point has a zero k-NN distance (duplicates: ${dup}); nothing left after skipping`,
      {
        argument: "x",
        value: dup,
      },
    );
  }
  const estimate = (d / used) * sum.value + Math.log(m / (n - 1));
  return { estimate, duplicates: dup };
}

/** Partial Fisher–Yates: `size` distinct indices of {0…n−1}, in random order. */
export function sampleWithoutReplacement(rng: Random, n: number, size: number, perm: Int32Array): void {
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
}

export function gatherRows(src: Float64Array, d: number, idx: Int32Array, size: number): Float64Array {
  const out = new Float64Array(size * d);
  for (let i = 0; i < size; i++) out.set(src.subarray(idx[i] * d, idx[i] * d + d), i * d);
  return out;
}

/** Sample quantile, linear interpolation between order statistics (type 7, R's default). */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * k-nearest-neighbour estimate of D(P ‖ Q) (nats) from samples x ~ P (n × d) and y ~ Q (m × d),
 * Wang, Kulkarni and Verdú (2009), eq. (5):
 *
 *   D̂ = (d/n) Σ_i log(ν_k(i) / ρ_k(i)) + log(m / (n − 1)),
 *
 * with ρ_k(i), ν_k(i) the Euclidean k-NN distances of x_i within x (excluding itself) and in y.
 * For k = 1 this is also the estimator of Pérez-Cruz (2008). It is asymptotically unbiased and
 * mean-square consistent for fixed k as n, m → ∞ (densities continuous, mild tail conditions); for
 * finite samples it is biased, mostly in high d. Invariant under common translations, rotations and
 * scalings of x and y.
 *
 * Requirements: x and y 2-D with the same d (`InvalidShape` otherwise), n ≥ k + 1, m ≥ k, all entries
 * finite (`InvalidParameter` naming the argument, row and value). Zero distances follow the
 * `onDuplicates` policy described in the module comment (default: throw).
 *
 * Confidence interval (`ci: 0.95`): subsampling (Politis and Romano 1994), as in the R package
 * kldest's `kld_ci_subsampling`. The ordinary bootstrap is unusable here, since resampling with
 * replacement creates exact ties and zero distances. B = `bootstrap` (default 200) subsamples of
 * sizes b_n = max(k + 1, ⌊n^(2/3)⌋) and b_m = max(k, ⌊m^(2/3)⌋) are drawn without replacement with
 * {@link Random}(`seed`); with D̂_b their estimates, b = min(b_n, b_m) and N = min(n, m), the
 * interval is [D̂ − q_(1+c)/2 / √N, D̂ − q_(1−c)/2 / √N] where q are quantiles (type 7) of
 * √b (D̂_b − D̂); `standardError` = sd(D̂_b) √(b/N). Assumes the √N rate of convergence. Non-finite
 * replicates (possible only with `onDuplicates: "infinity"`) are ignored; if the estimate itself is
 * not finite the interval and standard error are NaN.
 *
 * @example
 * ```ts
 * const r = knnKl(x, y, { k: 3 });            // r.estimate ≈ D(P‖Q)
 * const s = knnKl(x, y, { ci: 0.95, seed: 1 }); // s.ci = [lo, hi]
 * ```
 */
export function knnKl(x: ArrayInput, y: ArrayInput, options: KnnKlOptions = {}): KnnKlResult {
  const s = knnKlSetup(x, y, options);
  const core = wkvCore(s.xs.data, s.n, s.ys.data, s.m, s.d, s.k, s.policy, s.method);
  return knnKlFinish(s, core, options);
}

/** Validated knnKl inputs (fresh copies, scaled by a common power of two). @internal */
export interface KnnKlSetup {
  xs: SampleMatrix;
  ys: SampleMatrix;
  n: number;
  m: number;
  d: number;
  k: number;
  policy: DuplicatePolicy;
  method: "kdtree" | "brute";
  ciLevel: number | undefined;
  B: number;
  seed: number;
}

/**
 * Argument checks and scaling of {@link knnKl}; `denseThreads` false for the async workers'
 * split (see {@link KD_TREE_MAX_DIM_THREADED}). @internal
 */
export function knnKlSetup(
  x: ArrayInput,
  y: ArrayInput,
  options: KnnKlOptions,
  denseThreads = true,
): KnnKlSetup {
  const k = checkK(options.k ?? 1);
  const policy = checkPolicy(options.onDuplicates);
  const xs = readSamples(x, "x");
  const ys = readSamples(y, "y");
  checkSizes(xs, ys, k);
  const { n, d } = xs;
  const m = ys.n;
  const method = resolveMethod(options.method, d, Math.max(n, m), denseThreads);
  let ciLevel: number | undefined;
  let B = 200;
  if (options.ci !== undefined) {
    ciLevel = options.ci;
    if (typeof ciLevel !== "number" || !(ciLevel > 0 && ciLevel < 1))
      throw invalidParameter("ci", "a number in (0, 1)", ciLevel);
    B = options.bootstrap ?? 200;
    if (!Number.isInteger(B) || B < 2) throw invalidParameter("bootstrap", "an integer ≥ 2", B);
  }
  const seed = options.seed ?? 0;
  normaliseScale([xs.data, ys.data]);
  return { xs, ys, n, m, d, k, policy, method, ciLevel, B, seed };
}

/** The result of {@link knnKl} from the estimate on the full samples, with the optional CI. @internal */
export function knnKlFinish(
  s: KnnKlSetup,
  core: { estimate: number; duplicates: number },
  options: KnnKlOptions,
): KnnKlResult {
  const { xs, ys, n, m, d, k, policy, method, ciLevel, B } = s;
  const rng = ciLevel !== undefined ? new Random(s.seed) : null;
  const result: KnnKlResult = {
    estimate: core.estimate,
    k,
    n,
    m,
    d,
    kind: "estimate",
    duplicates: core.duplicates,
    method,
  };
  if (ciLevel === undefined || rng === null) return result;

  if (!Number.isFinite(core.estimate)) {
    result.ci = [NaN, NaN];
    result.standardError = NaN;
    return result;
  }
  const bn = Math.min(n, Math.max(k + 1, Math.floor(Math.pow(n, 2 / 3))));
  const bm = Math.min(m, Math.max(k, Math.floor(Math.pow(m, 2 / 3))));
  const b = Math.min(bn, bm);
  const N = Math.min(n, m);
  const permX = new Int32Array(n);
  const permY = new Int32Array(m);
  const reps: number[] = [];
  for (let r = 0; r < B; r++) {
    sampleWithoutReplacement(rng, n, bn, permX);
    sampleWithoutReplacement(rng, m, bm, permY);
    const sx = gatherRows(xs.data, d, permX, bn);
    const sy = gatherRows(ys.data, d, permY, bm);
    const est = wkvCore(
      sx,
      bn,
      sy,
      bm,
      d,
      k,
      policy,
      resolveMethod(options.method, d, Math.max(bn, bm)),
    ).estimate;
    if (Number.isFinite(est)) reps.push(est);
  }
  if (reps.length < 2) {
    result.ci = [NaN, NaN];
    result.standardError = NaN;
    return result;
  }
  const z = Float64Array.from(reps, (v) => Math.sqrt(b) * (v - core.estimate)).sort();
  const alpha = 1 - ciLevel;
  const qHi = quantileSorted(z, 1 - alpha / 2);
  const qLo = quantileSorted(z, alpha / 2);
  result.ci = [core.estimate - qHi / Math.sqrt(N), core.estimate - qLo / Math.sqrt(N)];
  let mean = 0;
  for (const v of reps) mean += v;
  mean /= reps.length;
  let ss = 0;
  for (const v of reps) ss += (v - mean) * (v - mean);
  result.standardError = Math.sqrt(ss / (reps.length - 1)) * Math.sqrt(b / N);
  return result;
}

/**
 * The 1-nearest-neighbour estimator of Pérez-Cruz (2008):
 *
 *   D̂ = (d/n) Σ_i log(s_1(x_i) / r_1(x_i)) + log(m / (n − 1)),
 *
 * r_1 the distance from x_i to its nearest other x, s_1 to its nearest y. It coincides with
 * {@link knnKl} at k = 1 (kldest's `kld_est_1nn` is the same estimator); provided under its own name
 * for discoverability. Options other than `k` are those of {@link knnKl} (intervals, duplicate
 * policy, back-end).
 *
 * @example
 * ```ts
 * knnKlPerezCruz(x, y).estimate === knnKl(x, y, { k: 1 }).estimate; // true
 * ```
 */
export function knnKlPerezCruz(
  x: ArrayInput,
  y: ArrayInput,
  options: Omit<KnnKlOptions, "k"> = {},
): KnnKlResult {
  return knnKl(x, y, { ...options, k: 1 });
}

/** Options of {@link knnKlAdaptive}. */
export interface KnnKlAdaptiveOptions {
  /** Base neighbour order defining the radius ε(i) (default 1). */
  k?: number;
  onDuplicates?: DuplicatePolicy;
  method?: NeighbourMethod;
}

/** Result of {@link knnKlAdaptive}. */
export interface KnnKlAdaptiveResult {
  estimate: number;
  k: number;
  n: number;
  m: number;
  d: number;
  kind: "estimate";
  duplicates: number;
  method: "kdtree" | "brute";
  /** Mean of the adaptive orders l_i (neighbours counted in x) and k_i (in y). */
  meanL: number;
  meanK: number;
}

export function radiusStats(
  method: "kdtree" | "brute",
  tree: KDTree | null,
  ref: Float64Array,
  nRef: number,
  query: Float64Array,
  i: number,
  d: number,
  r2: number,
  exclude: number,
): { count: number; maxDist: number } {
  if (method === "kdtree" && tree) return tree.radiusRaw(query, i * d, r2, exclude, false);
  let count = 0;
  let maxDist = -Infinity;
  for (let j = 0; j < nRef; j++) {
    if (j === exclude) continue;
    const s = sqDist(query, i * d, ref, j * d, d);
    if (s <= r2) {
      count++;
      if (s > maxDist) maxDist = s;
    }
  }
  return { count, maxDist };
}

/**
 * Bias-reduced k-NN estimator with adaptive neighbour orders, Wang, Kulkarni and Verdú (2009),
 * the generalised estimator eq. (17) with the adaptive choice of Section IV (kldest:
 * `kld_est_brnn`). For each x_i:
 *
 * - ε(i) = max(ρ_k(i), ν_k(i)) with the base order k (default 1);
 * - l_i = #{j ≠ i : ‖x_j − x_i‖ ≤ ε(i)} and k_i = #{j : ‖y_j − x_i‖ ≤ ε(i)} (both ≥ k), so that
 *   the radii ρ_{l_i}(i) and ν_{k_i}(i) both approximately equal ε(i), and the bias from the
 *   non-uniformity of the densities over the two balls largely cancels;
 *
 *   D̂ = (d/n) Σ_i log(ν_{k_i}(i) / ρ_{l_i}(i)) + (1/n) Σ_i [ψ(l_i) − ψ(k_i)] + log(m / (n − 1)),
 *
 * ψ the digamma function. Neighbour counts are exact (no cap on l_i, k_i). Same input requirements
 * and duplicate policy as {@link knnKl} (a point is degenerate when ρ_{l_i} or ν_{k_i} is 0).
 *
 * @example
 * ```ts
 * knnKlAdaptive(x, y).estimate; // ≈ D(P‖Q), usually less biased than knnKl at k = 1
 * ```
 */
export function knnKlAdaptive(
  x: ArrayInput,
  y: ArrayInput,
  options: KnnKlAdaptiveOptions = {},
): KnnKlAdaptiveResult {
  const k = checkK(options.k ?? 1);
  const policy = checkPolicy(options.onDuplicates);
  const xs = readSamples(x, "x");
  const ys = readSamples(y, "y");
  checkSizes(xs, ys, k);
  const { n, d } = xs;
  const m = ys.n;
  const method = resolveMethod(options.method, d, Math.max(n, m));
  normaliseScale([xs.data, ys.data]);
  const X = xs.data;
  const Y = ys.data;
  const tx = method === "kdtree" ? new KDTree(X, n, d) : null;
  const ty = method === "kdtree" ? new KDTree(Y, m, d) : null;
  const rho = knnSquared(X, n, X, n, d, k, true, method, tx ? { tree: tx } : {});
  const nu = knnSquared(Y, m, X, n, d, k, false, method, ty && tx ? { tree: ty, order: tx.treeOrder() } : {});
  const rhoL = new Float64Array(n);
  const nuK = new Float64Array(n);
  const psiSum = new CompensatedSum();
  let sumL = 0;
  let sumK = 0;
  const skipMask = new Uint8Array(n);
  let dup = 0;
  let firstBad = -1;
  let firstWhich: "x" | "y" = "x";
  for (let i = 0; i < n; i++) {
    const eps2 = Math.max(rho[i], nu[i]);
    const sx = radiusStats(method, tx, X, n, X, i, d, eps2, i);
    const sy = radiusStats(method, ty, Y, m, X, i, d, eps2, -1);
    rhoL[i] = sx.maxDist;
    nuK[i] = sy.maxDist;
    if (sx.maxDist === 0 || sy.maxDist === 0) {
      skipMask[i] = 1;
      if (firstBad < 0) {
        firstBad = i;
        firstWhich = sx.maxDist === 0 ? "x" : "y";
      }
      dup++;
      if (policy === "skip") continue;
    }
    sumL += sx.count;
    sumK += sy.count;
    psiSum.add(digamma(sx.count) - digamma(sy.count));
  }
  if (dup > 0 && policy === "error") throw degenerateError(firstWhich, firstBad, k, dup, n);
  const logSum = new CompensatedSum();
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (policy === "skip" && skipMask[i]) continue;
    logSum.add(Math.log(Math.sqrt(nuK[i])) - Math.log(Math.sqrt(rhoL[i])));
    used++;
  }
  if (used === 0) {
    throw new KullbackError(
      "InvalidParameter",
      `x: every point has a zero neighbour distance (duplicates: ${dup})`,
      {
        argument: "x",
        value: dup,
      },
    );
  }
  const estimate = (d / used) * logSum.value + psiSum.value / used + Math.log(m / (n - 1));
  return {
    estimate,
    k,
    n,
    m,
    d,
    kind: "estimate",
    duplicates: dup,
    method,
    meanL: sumL / used,
    meanK: sumK / used,
  };
}

/** Options of {@link knnKlOneSample}. */
export interface KnnKlOneSampleOptions {
  /** Neighbour order (default 1). */
  k?: number;
  onDuplicates?: DuplicatePolicy;
  method?: NeighbourMethod;
}

/** Result of {@link knnKlOneSample}. */
export interface KnnKlOneSampleResult {
  estimate: number;
  /** The Kozachenko–Leonenko entropy estimate Ĥ(P), nats. */
  entropy: number;
  /** Mean of log q over the (used) sample points: the cross-entropy estimate is its negative. */
  meanLogQ: number;
  k: number;
  n: number;
  d: number;
  kind: "estimate";
  duplicates: number;
  method: "kdtree" | "brute";
}

/**
 * One-sample estimate of D(P ‖ Q) from samples x ~ P (n × d) and the log-density of Q:
 *
 *   D̂ = −Ĥ_KL(P) − (1/n) Σ_i log q(x_i),
 *   Ĥ_KL(P) = ψ(n) − ψ(k) + log V_d + (d/n) Σ_i log ρ_k(i)    (Kozachenko–Leonenko, as in
 *   Kraskov, Stögbauer and Grassberger 2004, eq. 20),
 *
 * V_d = π^{d/2} / Γ(d/2 + 1) the volume of the Euclidean unit ball and ρ_k(i) the distance from x_i
 * to its k-th nearest other x. (kldest's one-sample `kld_est_nn` uses log(n − 1) in place of ψ(n);
 * the two differ by O(1/n).)
 *
 * `logDensityQ` is called once per row with a fresh Float64Array copy of the row (it may keep or
 * modify it). It must return a number that is finite or −∞: −∞ (x_i outside the support of Q) makes
 * the estimate +∞, which is the correct value of D(P‖Q) when P is not absolutely continuous with
 * respect to Q. NaN or +∞ throws `InvalidParameter` naming `logDensityQ` and the row. The duplicate
 * policy of {@link knnKl} applies to ρ_k = 0 (a skipped point is dropped from both averages).
 *
 * @example
 * ```ts
 * // x ~ N(0, I₂) against Q = N(0, I₂): estimate ≈ 0
 * const logq = (r: Float64Array) => -Math.log(2 * Math.PI) - 0.5 * (r[0] * r[0] + r[1] * r[1]);
 * knnKlOneSample(x, logq, { k: 3 }).estimate;
 * ```
 */
export function knnKlOneSample(
  x: ArrayInput,
  logDensityQ: (row: Float64Array) => number,
  options: KnnKlOneSampleOptions = {},
): KnnKlOneSampleResult {
  const k = checkK(options.k ?? 1);
  const policy = checkPolicy(options.onDuplicates);
  if (typeof logDensityQ !== "function") throw invalidParameter("logDensityQ", "a function", logDensityQ);
  const xs = readSamples(x, "x");
  checkSizes(xs, null, k);
  const { n, d } = xs;
  const logQ = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = logDensityQ(xs.data.slice(i * d, i * d + d));
    if (typeof v !== "number" || Number.isNaN(v) || v === Infinity) {
      throw new KullbackError(
        "InvalidParameter",
        `logDensityQ(x row ${i}) must return a finite number or -Infinity; got ${String(v)}`,
        {
          argument: "logDensityQ",
          index: [i],
          value: v,
        },
      );
    }
    logQ[i] = v;
  }
  const method = resolveMethod(options.method, d, n);
  const X = xs.data.slice();
  const e = normaliseScale([X]);
  const rho = knnSquared(X, n, X, n, d, k, true, method);
  let dup = 0;
  let firstBad = -1;
  for (let i = 0; i < n; i++) {
    if (rho[i] === 0) {
      if (firstBad < 0) firstBad = i;
      dup++;
    }
  }
  if (dup > 0 && policy === "error") throw degenerateError("x", firstBad, k, dup, n);
  const logRho = new CompensatedSum();
  const lq = new CompensatedSum();
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (policy === "skip" && rho[i] === 0) continue;
    logRho.add(Math.log(Math.sqrt(rho[i])));
    lq.add(logQ[i]);
    used++;
  }
  if (used === 0) {
    throw new KullbackError(
      "InvalidParameter",
      `x: every point has a zero k-NN distance (duplicates: ${dup})`,
      { argument: "x", value: dup },
    );
  }
  // undo the power-of-two scaling: log ρ_original = log ρ_scaled + e·ln 2
  const meanLogRho = logRho.value / used + e * Math.LN2;
  const entropy = digamma(n) - digamma(k) + logUnitBallVolume(d) + d * meanLogRho;
  const meanLogQ = lq.value / used;
  return {
    estimate: -entropy - meanLogQ,
    entropy,
    meanLogQ,
    k,
    n,
    d,
    kind: "estimate",
    duplicates: dup,
    method,
  };
}
