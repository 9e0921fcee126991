/**
 * Kernel and distance-based two-sample statistics (maximum mean discrepancy, energy distance) and
 * the Kraskov–Stögbauer–Grassberger mutual-information estimator.
 *
 * Samples are n × d matrices, one sample per row (nested arrays, `{data, shape}` or NDArray; always
 * copied, never mutated). Entries must be finite (`InvalidParameter` naming the argument and row);
 * both samples must have the same number of columns (`InvalidShape`).
 */
import type { ArrayInput } from "../core/array.js";
import { KullbackError, invalidParameter, invalidShape } from "../core/errors.js";
import { KDTree } from "../linalg/kdtree.js";
import { digamma } from "../core/special.js";
import { readSamples, type SampleMatrix } from "./knn.js";
import { Random } from "../core/random.js";

/** A positive-definite kernel on rows. Must not modify its arguments. */
export type KernelFunction = (a: Float64Array, b: Float64Array) => number;

/** Options of {@link mmd2}. */
export interface Mmd2Options {
  /**
   * `"gaussian"` (default) or a user kernel k(a, b). With a user kernel, `bandwidth` is ignored.
   */
  kernel?: "gaussian" | KernelFunction;
  /** Gaussian bandwidth σ > 0; default: the median heuristic ({@link medianHeuristic}). */
  bandwidth?: number;
  /** Unbiased U-statistic (default true) or biased V-statistic. */
  unbiased?: boolean;
}

function pairSamples(x: ArrayInput, y: ArrayInput, minRows: number): [SampleMatrix, SampleMatrix] {
  const xs = readSamples(x, "x");
  const ys = readSamples(y, "y");
  if (xs.d !== ys.d) {
    throw invalidShape("x/y", `samples must have the same dimension; x has d = ${xs.d}, y has d = ${ys.d}`, [
      xs.d,
      ys.d,
    ]);
  }
  if (xs.n < minRows) throw invalidParameter("x", `a sample with at least ${minRows} rows`, xs.n);
  if (ys.n < minRows) throw invalidParameter("y", `a sample with at least ${minRows} rows`, ys.n);
  return [xs, ys];
}

function sqDistRows(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const g = a[ao + t] - b[bo + t];
    s += g * g;
  }
  return s;
}

/** Pooled rows [x; y] as one flat array. */
function pool(xs: SampleMatrix, ys: SampleMatrix): Float64Array {
  const z = new Float64Array((xs.n + ys.n) * xs.d);
  z.set(xs.data, 0);
  z.set(ys.data, xs.n * xs.d);
  return z;
}

/** Largest pooled sample for which the median heuristic uses every pair. */
export const MEDIAN_HEURISTIC_MAX_POINTS = 2000;

/**
 * Median heuristic for the Gaussian bandwidth: σ = median of the Euclidean distances ‖z_i − z_j‖
 * over all unordered pairs i < j of the pooled sample z = [x; y] (zero distances included; for an
 * even number of pairs, the mean of the two middle values). When the pooled sample has more than
 * {@link MEDIAN_HEURISTIC_MAX_POINTS} = 2000 rows, the pairs are taken among the 2000 rows
 * z_⌊t·N/2000⌋, t = 0…1999 (a deterministic, evenly strided subsample), to bound time and memory.
 *
 * This is the variant of Gretton et al. (2012) with the kernel written exp(−‖a − b‖² / (2σ²)), σ the
 * median distance itself (not its square, not divided by √2).
 *
 * Throws `InvalidParameter` (argument `bandwidth`) when the median is 0 (more than half the pairs
 * are exact ties): pass an explicit bandwidth then.
 *
 * @example
 * ```ts
 * medianHeuristic([[0], [1]], [[3]]); // distances 1, 3, 2 → σ = 2
 * ```
 */
export function medianHeuristic(x: ArrayInput, y: ArrayInput): number {
  const [xs, ys] = pairSamples(x, y, 1);
  return medianPooled(pool(xs, ys), xs.n + ys.n, xs.d);
}

function medianPooled(z: Float64Array, N: number, d: number): number {
  let rows: Int32Array;
  if (N > MEDIAN_HEURISTIC_MAX_POINTS) {
    rows = new Int32Array(MEDIAN_HEURISTIC_MAX_POINTS);
    for (let t = 0; t < MEDIAN_HEURISTIC_MAX_POINTS; t++)
      rows[t] = Math.floor((t * N) / MEDIAN_HEURISTIC_MAX_POINTS);
  } else {
    rows = Int32Array.from({ length: N }, (_, i) => i);
  }
  const R = rows.length;
  if (R < 2) throw invalidParameter("x/y", "at least two pooled samples for the median heuristic", R);
  const dist = new Float64Array((R * (R - 1)) / 2);
  let p = 0;
  for (let i = 0; i < R; i++) {
    for (let j = i + 1; j < R; j++) dist[p++] = Math.sqrt(sqDistRows(z, rows[i] * d, z, rows[j] * d, d));
  }
  dist.sort();
  const L = dist.length;
  const med = L % 2 === 1 ? dist[(L - 1) / 2] : 0.5 * (dist[L / 2 - 1] + dist[L / 2]);
  if (!(med > 0)) {
    throw invalidParameter(
      "bandwidth",
      "given explicitly: the median pairwise distance (median heuristic) is 0",
      med,
    );
  }
  return med;
}

/** Full pooled kernel matrix (N × N, symmetric). */
function kernelMatrix(
  z: Float64Array,
  N: number,
  d: number,
  kernel: "gaussian" | KernelFunction,
  sigma: number,
): Float64Array {
  const K = new Float64Array(N * N);
  if (kernel === "gaussian") {
    const c = -1 / (2 * sigma * sigma);
    for (let i = 0; i < N; i++) {
      K[i * N + i] = 1;
      for (let j = i + 1; j < N; j++) {
        const v = Math.exp(c * sqDistRows(z, i * d, z, j * d, d));
        K[i * N + j] = v;
        K[j * N + i] = v;
      }
    }
    return K;
  }
  const rows: Float64Array[] = [];
  for (let i = 0; i < N; i++) rows.push(z.slice(i * d, i * d + d));
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      const v = kernel(rows[i], rows[j]);
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new KullbackError(
          "InvalidParameter",
          `kernel(row ${i}, row ${j}) of the pooled sample must be a finite number; got ${String(v)}`,
          {
            argument: "kernel",
            index: [i, j],
            value: v,
          },
        );
      }
      K[i * N + j] = v;
      K[j * N + i] = v;
    }
  }
  return K;
}

/**
 * MMD² from a pooled kernel matrix and a labelling: `inX[i]` is 1 when pooled row i belongs to the
 * first sample. Sums in a fixed order so that identical labellings give identical values.
 */
function mmdFromMatrix(K: Float64Array, N: number, inX: Uint8Array, n: number, unbiased: boolean): number {
  const m = N - n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let dxx = 0;
  let dyy = 0;
  for (let i = 0; i < N; i++) {
    const row = i * N;
    const xi = inX[i];
    if (xi) dxx += K[row + i];
    else dyy += K[row + i];
    let rx = 0;
    let ry = 0;
    for (let j = i + 1; j < N; j++) {
      if (inX[j]) rx += K[row + j];
      else ry += K[row + j];
    }
    if (xi) {
      sxx += rx;
      sxy += ry;
    } else {
      syy += ry;
      sxy += rx;
    }
  }
  if (unbiased) return (2 * sxx) / (n * (n - 1)) + (2 * syy) / (m * (m - 1)) - (2 * sxy) / (n * m);
  return (2 * sxx + dxx) / (n * n) + (2 * syy + dyy) / (m * m) - (2 * sxy) / (n * m);
}

function resolveKernel(
  options: Mmd2Options,
  z: Float64Array,
  N: number,
  d: number,
): { kernel: "gaussian" | KernelFunction; sigma: number } {
  const kernel = options.kernel ?? "gaussian";
  if (kernel !== "gaussian" && typeof kernel !== "function") {
    throw invalidParameter("kernel", '"gaussian" or a function (a, b) => number', kernel);
  }
  if (kernel !== "gaussian") return { kernel, sigma: NaN };
  if (options.bandwidth !== undefined) {
    const bw = options.bandwidth;
    if (typeof bw !== "number" || !(bw > 0) || !Number.isFinite(bw))
      throw invalidParameter("bandwidth", "a finite number > 0", bw);
    return { kernel, sigma: bw };
  }
  return { kernel, sigma: medianPooled(z, N, d) };
}

/**
 * Squared maximum mean discrepancy between the distributions of x (n × d) and y (m × d),
 * Gretton et al. (2012):
 *
 * - unbiased U-statistic (default, eq. 3 of the paper):
 *   MMD²_u = Σ_{i≠j} k(x_i,x_j) / (n(n−1)) + Σ_{i≠j} k(y_i,y_j) / (m(m−1)) − 2 Σ_{i,j} k(x_i,y_j) / (nm)
 *   (unbiased for MMD², hence can be slightly negative; ≈ 0 when both samples come from one law);
 * - biased V-statistic (`unbiased: false`): the same with the diagonal terms included and divisors
 *   n², m² (always ≥ 0 for a positive-definite kernel).
 *
 * Kernel: Gaussian k(a, b) = exp(−‖a − b‖² / (2σ²)) with σ = `bandwidth` or, by default, the median
 * heuristic ({@link medianHeuristic}, documented there); or any user kernel `(a, b) => number`
 * (called with row copies; should be symmetric positive definite). Squared distances are computed as
 * Σ(a_t − b_t)² (no cancellation). Cost O((n + m)² d) time and O((n + m)²) memory.
 *
 * Requires n, m ≥ 2 (`InvalidParameter`).
 *
 * @example
 * ```ts
 * mmd2(x, y);                          // Gaussian kernel, median heuristic, unbiased
 * mmd2(x, y, { bandwidth: 1, unbiased: false });
 * mmd2(x, y, { kernel: (a, b) => Math.exp(-Math.abs(a[0] - b[0])) });
 * ```
 */
export function mmd2(x: ArrayInput, y: ArrayInput, options: Mmd2Options = {}): number {
  const [xs, ys] = pairSamples(x, y, 2);
  const N = xs.n + ys.n;
  const z = pool(xs, ys);
  const { kernel, sigma } = resolveKernel(options, z, N, xs.d);
  const unbiased = options.unbiased ?? true;
  const K = kernelMatrix(z, N, xs.d, kernel, sigma);
  const inX = new Uint8Array(N);
  inX.fill(1, 0, xs.n);
  return mmdFromMatrix(K, N, inX, xs.n, unbiased);
}

/** Options of {@link mmdPermutationTest}. */
export interface MmdPermutationOptions extends Mmd2Options {
  /** Number of random permutations (default 1000). */
  permutations?: number;
  /** Seed of the permutation generator (default 0). */
  seed?: number;
}

/** Result of {@link mmdPermutationTest}. */
export interface MmdPermutationResult {
  /** Observed MMD² (same variant as {@link mmd2} with the same options). */
  mmd2: number;
  /** Permutation p-value (1 + #{T_b ≥ T_obs}) / (1 + B). */
  pValue: number;
  /** Number of permutations B. */
  permutations: number;
  /** Gaussian bandwidth used (NaN for a user kernel). */
  bandwidth: number;
}

/**
 * Two-sample permutation test of P = Q with the MMD² statistic. The pooled kernel matrix is
 * computed once (the bandwidth, from the pooled sample, does not depend on the labelling); each of
 * B permutations shuffles the pooled rows with {@link Random}(`seed`) (Fisher–Yates), assigns the
 * first n to x, and recomputes MMD². p-value = (1 + #{b : T_b ≥ T_obs}) / (1 + B), which is a valid
 * (slightly conservative) p-value, never 0.
 *
 * Cost O(B (n + m)²) time, O((n + m)²) memory.
 *
 * @example
 * ```ts
 * const { mmd2, pValue } = mmdPermutationTest(x, y, { permutations: 500, seed: 1 });
 * ```
 */
export function mmdPermutationTest(
  x: ArrayInput,
  y: ArrayInput,
  options: MmdPermutationOptions = {},
): MmdPermutationResult {
  const [xs, ys] = pairSamples(x, y, 2);
  const B = options.permutations ?? 1000;
  if (!Number.isInteger(B) || B < 1) throw invalidParameter("permutations", "a positive integer", B);
  const rng = new Random(options.seed ?? 0);
  const n = xs.n;
  const N = n + ys.n;
  const z = pool(xs, ys);
  const { kernel, sigma } = resolveKernel(options, z, N, xs.d);
  const unbiased = options.unbiased ?? true;
  const K = kernelMatrix(z, N, xs.d, kernel, sigma);
  const inX = new Uint8Array(N);
  inX.fill(1, 0, n);
  const observed = mmdFromMatrix(K, N, inX, n, unbiased);
  const perm = Int32Array.from({ length: N }, (_, i) => i);
  let exceed = 0;
  for (let b = 0; b < B; b++) {
    for (let i = N - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    inX.fill(0);
    for (let i = 0; i < n; i++) inX[perm[i]] = 1;
    if (mmdFromMatrix(K, N, inX, n, unbiased) >= observed) exceed++;
  }
  return { mmd2: observed, pValue: (1 + exceed) / (1 + B), permutations: B, bandwidth: sigma };
}

/**
 * Energy distance (Székely and Rizzo) between the distributions of x (n × d) and y (m × d):
 *
 *   E = 2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖   (Euclidean norms).
 *
 * Default: V-statistics (all ordered pairs, the i = j zeros included, divisors n², nm, m²), which
 * is exactly the energy distance between the two empirical distributions and hence always ≥ 0.
 * `unbiased: true`: U-statistics for the within-sample terms (divisors n(n−1), m(m−1); needs
 * n, m ≥ 2), unbiased for E but possibly negative. This is the squared form: SciPy's 1-D
 * `scipy.stats.energy_distance` returns √E (V-statistic). Cost O((n + m)² d).
 *
 * @example
 * ```ts
 * energyDistance([[0], [1]], [[0], [1]]); // 0
 * energyDistance([[0]], [[2]]);           // 2·2 − 0 − 0 = 4
 * ```
 */
export function energyDistance(x: ArrayInput, y: ArrayInput, options: { unbiased?: boolean } = {}): number {
  const unbiased = options.unbiased ?? false;
  const [xs, ys] = pairSamples(x, y, unbiased ? 2 : 1);
  const { n, d } = xs;
  const m = ys.n;
  const X = xs.data;
  const Y = ys.data;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < m; j++) r += Math.sqrt(sqDistRows(X, i * d, Y, j * d, d));
    sxy += r;
  }
  const within = (A: Float64Array, k: number): number => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      let r = 0;
      for (let j = i + 1; j < k; j++) r += Math.sqrt(sqDistRows(A, i * d, A, j * d, d));
      s += r;
    }
    return 2 * s; // ordered pairs
  };
  const sxx = within(X, n);
  const syy = within(Y, m);
  if (unbiased) return (2 * sxy) / (n * m) - sxx / (n * (n - 1)) - syy / (m * (m - 1));
  return (2 * sxy) / (n * m) - sxx / (n * n) - syy / (m * m);
}

/**
 * Mutual information I(X; Y) in nats by the first estimator of Kraskov, Stögbauer and Grassberger
 * (2004), eq. (8):
 *
 *   Î = ψ(k) + ψ(N) − (1/N) Σ_i [ψ(n_x(i) + 1) + ψ(n_y(i) + 1)],
 *
 * where each row of `xy` (N × D) is one joint sample z_i = (x_i, y_i) with x_i the first `dx`
 * columns and y_i the remaining D − dx; distances are maximum norms (in the joint space
 * ‖z − z'‖ = max(‖x − x'‖_∞, ‖y − y'‖_∞)); ε_i is the distance from z_i to its k-th nearest other
 * joint sample; n_x(i) = #{j ≠ i : ‖x_j − x_i‖_∞ < ε_i} (strictly) and likewise n_y(i). ψ is the
 * digamma function. Neighbour searches are exact (k-d trees, Chebyshev metric).
 *
 * The estimate is nearly unbiased for independent variables (≈ 0, may be slightly negative) and
 * consistent as N → ∞ for continuous distributions. Ties (repeated rows or discrete coordinates)
 * make ε_i or the counts degenerate; KSG recommend adding noise of tiny amplitude — this function
 * does not, so that results are deterministic.
 *
 * Requirements: `xy` 2-D with D ≥ 2 columns, `dx` an integer in [1, D − 1], `k` a positive integer
 * (default 3), N ≥ k + 1, entries finite.
 *
 * @example
 * ```ts
 * // bivariate normal with correlation r: I = −½ ln(1 − r²)
 * ksgMutualInformation(xy, 1, { k: 3 });
 * ```
 */
export function ksgMutualInformation(xy: ArrayInput, dx: number, options: { k?: number } = {}): number {
  const zs = readSamples(xy, "xy");
  const k = options.k ?? 3;
  if (!Number.isInteger(k) || k < 1) throw invalidParameter("k", "a positive integer", k);
  const { n: N, d: D } = zs;
  if (D < 2) throw invalidShape("xy", `needs at least 2 columns (x and y); got ${D}`, [N, D]);
  if (!Number.isInteger(dx) || dx < 1 || dx > D - 1)
    throw invalidParameter("dx", `an integer in [1, ${D - 1}]`, dx);
  if (N < k + 1) throw invalidParameter("xy", `a sample with at least k + 1 = ${k + 1} rows`, N);
  const dy = D - dx;
  const Z = zs.data;
  const Xm = new Float64Array(N * dx);
  const Ym = new Float64Array(N * dy);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < dx; t++) Xm[i * dx + t] = Z[i * D + t];
    for (let t = 0; t < dy; t++) Ym[i * dy + t] = Z[i * D + dx + t];
  }
  const tz = new KDTree(Z, N, D, { metric: "chebyshev" });
  const txm = new KDTree(Xm, N, dx, { metric: "chebyshev" });
  const tym = new KDTree(Ym, N, dy, { metric: "chebyshev" });
  const buf = new Float64Array(k);
  let acc = 0;
  for (let i = 0; i < N; i++) {
    tz.knnRaw(Z, i * D, k, i, buf);
    const eps = buf[k - 1];
    const nx = txm.radiusRaw(Xm, i * dx, eps, i, true).count;
    const ny = tym.radiusRaw(Ym, i * dy, eps, i, true).count;
    acc += digamma(nx + 1) + digamma(ny + 1);
  }
  return digamma(k) + digamma(N) - acc / N;
}
