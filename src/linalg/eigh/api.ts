import { invalidShape, notPositiveDefinite } from "../../core/errors.js";
import {
  EPS,
  PSD_RTOL,
  SCALE_HI,
  SCALE_LO,
  checkFiniteLower,
  checkOffset,
  checkOrder,
  checkSpace,
  overlaps,
  scaleExponent,
  timesPow2,
} from "./checks.js";
import { gemmAdd } from "./psd-product.js";
import { sortAscending, transposeInPlace, tridiagonalQl } from "./ql.js";
import { accumulate, tridiagonalizeFast } from "./tridiagonal.js";

// ---------------------------------------------------------------------------------------------
// Public kernels
// ---------------------------------------------------------------------------------------------

/**
 * Eigenvalues and (optionally) eigenvectors of a real symmetric n×n matrix, in place.
 *
 * Computes A = V diag(w) Vᵀ with w ascending and V orthogonal.
 *
 * - Input: only the lower triangle (entries `a[aOff + i*n + j]` with j ≤ i, diagonal included)
 *   is read; the strictly upper triangle is never read nor written, so it may hold anything
 *   (even NaN).
 * - `a` is overwritten: on return its lower triangle holds the Householder vectors of the
 *   tridiagonal reduction (workspace; its contents are unspecified).
 * - `w[wOff .. wOff+n)` receives the eigenvalues in ascending order.
 * - If `v` is non-null, `v[vOff .. vOff+n*n)` receives the orthonormal eigenvectors as COLUMNS
 *   (row-major, so `v[vOff + i*n + j]` is component i of the eigenvector of `w[wOff + j]`).
 *   Pass `null` to compute eigenvalues only (about 3–5× faster for large n). The eigenvalues
 *   are bitwise identical with and without eigenvectors.
 * - `v` and `w` must not overlap `a` or each other (checked).
 *
 * Algorithm: Householder reduction to tridiagonal form (rows scaled against overflow),
 * accumulation of the reflectors, then the QL algorithm with implicit Wilkinson shifts
 * (tred2/tql2), rotations applied to the transposed eigenvector matrix for contiguous access.
 * Cost ≈ 4n³/3 flops without vectors, ≈ 9n³ with. Backward stable: eigenvalues are accurate
 * to a small multiple of ε‖A‖, and the eigenvectors are orthonormal to working precision.
 * Matrices whose largest entry is outside [2^-600, 2^600] are first rescaled by an exact
 * power of two (the eigenvalues are scaled back), so huge and tiny inputs neither overflow
 * nor underflow.
 *
 * Edge cases: n = 0 does nothing; n = 1 gives w = [a₀₀], v = [1]; the zero matrix gives zero
 * eigenvalues and V = I; diagonal (and already tridiagonal) input skips the trivial
 * reflectors; repeated eigenvalues get an orthonormal basis of their eigenspace (the basis
 * itself is not unique, nor are the signs of the eigenvectors).
 *
 * Errors: `KullbackError` with code `"InvalidParameter"` and argument `"matrix"` when a
 * lower-triangle entry is NaN or ±Infinity (the message names the entry and value), or when
 * the QL iteration needs more than 30·n sweeps in total (never observed in practice);
 * `"InvalidParameter"` for a bad `n` or offset, `"InvalidShape"` when a buffer is too short
 * or buffers overlap.
 *
 * @example
 * const a = Float64Array.of(2, 0, 1, 2); // [[2, 1], [1, 2]], lower triangle read
 * const w = new Float64Array(2);
 * const v = new Float64Array(4);
 * eighInPlace(2, a, 0, w, 0, v, 0);
 * // w = [1, 3]; column 0 of v = ±[1, -1]/√2, column 1 = ±[1, 1]/√2
 */
export function eighInPlace(
  n: number,
  a: Float64Array,
  aOff: number,
  w: Float64Array,
  wOff: number,
  v: Float64Array | null,
  vOff: number,
): void {
  checkOrder(n);
  checkOffset("aOff", aOff);
  checkOffset("wOff", wOff);
  checkSpace("a", a, aOff, n * n);
  checkSpace("w", w, wOff, n);
  if (v !== null) {
    checkOffset("vOff", vOff);
    checkSpace("v", v, vOff, n * n);
    if (overlaps(v, vOff, n * n, a, aOff, n * n)) throw invalidShape("v", "must not overlap a");
    if (overlaps(v, vOff, n * n, w, wOff, n)) throw invalidShape("v", "must not overlap w");
  }
  if (overlaps(w, wOff, n, a, aOff, n * n)) throw invalidShape("w", "must not overlap a");
  if (n === 0) return;

  const amax = checkFiniteLower("matrix", n, a, aOff);
  if (n === 1 || amax === 0) {
    // 1×1, or the zero matrix: already diagonal.
    for (let i = 0; i < n; i++) w[wOff + i] = a[aOff + i * n + i];
    if (v !== null) {
      v.fill(0, vOff, vOff + n * n);
      for (let i = 0; i < n; i++) v[vOff + i * n + i] = 1;
    }
    return;
  }

  const k = scaleExponent(amax, SCALE_LO, SCALE_HI);
  if (k !== 0) {
    for (let i = 0; i < n; i++) {
      const ri = aOff + i * n;
      for (let j = 0; j <= i; j++) a[ri + j] = timesPow2(a[ri + j], k);
    }
  }

  const work = new Float64Array(4 * n);
  const e = work.subarray(0, n);
  const hh = work.subarray(n, 2 * n);
  tridiagonalizeFast(n, a, aOff, w, wOff, e, hh, work.subarray(2 * n, 3 * n), work.subarray(3 * n, 4 * n));
  if (v !== null) accumulate(n, a, aOff, hh, v, vOff);
  tridiagonalQl(n, w, wOff, e, v, vOff);
  sortAscending(n, w, wOff, v, vOff);
  if (v !== null) transposeInPlace(n, v, vOff);

  if (k !== 0) for (let i = 0; i < n; i++) w[wOff + i] = timesPow2(w[wOff + i], -k);
}

/**
 * Eigendecomposition of a real symmetric n×n matrix given row-major: A = V diag(values) Vᵀ.
 *
 * A convenience wrapper around {@link eighInPlace} that copies its input (which is never
 * mutated) and allocates the outputs. Only the lower triangle of `a` is read.
 *
 * Returns `values` (length n, ascending) and `vectors` (n×n row-major, eigenvectors as
 * columns: `vectors[i*n + j]` is component i of eigenvector j).
 *
 * Errors: `InvalidShape` (argument `"matrix"`) when `a.length !== n*n`; otherwise as
 * {@link eighInPlace} (non-finite entries: `InvalidParameter`, argument `"matrix"`).
 *
 * @example
 * const { values, vectors } = eigh(2, [2, 1, 1, 2]);
 * // values = [1, 3]; vectors columns ±[1, -1]/√2 and ±[1, 1]/√2
 */
export function eigh(n: number, a: ArrayLike<number>): { values: Float64Array; vectors: Float64Array } {
  checkOrder(n);
  if (a.length !== n * n) {
    throw invalidShape("matrix", `expected ${n * n} entries for n = ${n}, got ${a.length}`, a.length);
  }
  const work = a instanceof Float64Array ? a.slice() : Float64Array.from(a);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  eighInPlace(n, work, 0, values, 0, vectors, 0);
  return { values, vectors };
}

/**
 * The PSD clamp policy, applied to ascending eigenvalues λ of an order-n symmetric matrix with
 * λ* = max|λᵢ|:
 *
 * - |λ| ≤ 4·n·ε·λ* is indistinguishable from round-off of the eigensolver (which is accurate
 *   to about ε‖A‖) and is treated as exactly 0, whatever its sign, so singular PSD matrices
 *   are handled exactly instead of picking up √(round-off) ≈ 1e-8 spurious terms;
 * - -2^-26·λ* ≤ λ < 0 (2^-26 = √ε ≈ 1.49e-8) is round-off of a PSD input (e.g. a covariance
 *   accumulated in floating point) and is clamped to 0;
 * - λ < -2^-26·λ*: the matrix is not positive semi-definite; throws NotPositiveDefinite naming
 *   `argument`, with that eigenvalue as value.
 *
 * Returns the index of the first eigenvalue kept (all later ones are > 4·n·ε·λ*).
 */
export function clampPsd(argument: string, n: number, lam: Float64Array): number {
  if (n === 0) return 0;
  const lo = lam[0];
  const top = Math.max(-lo, Math.abs(lam[n - 1]));
  const tol = PSD_RTOL * top;
  if (lo < -tol) {
    throw notPositiveDefinite(
      argument,
      `it has the eigenvalue ${lo}, below the round-off tolerance -${tol} (2^-26 × max |eigenvalue|)`,
      undefined,
      lo,
    );
  }
  const zero = 4 * n * EPS * top;
  let first = 0;
  while (first < n && !(lam[first] > zero)) first++;
  return first;
}

/**
 * The symmetric positive semi-definite square root S = A^{1/2} = V diag(√max(λ, 0)) Vᵀ of a
 * symmetric PSD n×n matrix, written in full (both triangles, exactly symmetric) to
 * `out[outOff .. outOff+n*n)`.
 *
 * Only the lower triangle of `a` (row-major from `aOff`) is read, and `a` is not modified;
 * `out` may be the same region as `a` (the input is copied first).
 *
 * Algorithm: eigendecomposition A = V diag(λ) Vᵀ by {@link eighInPlace}, then
 * S[i][k] = Σ_j V[i][j] √λ_j V[k][j] over the kept eigenvalues λ_j > 0 (a blocked product;
 * lower triangle computed, mirrored). Cost ≈ 9n³ + n²r flops for rank r. S is the unique PSD square root, S·S = A to about ε‖A‖.
 *
 * Clamp policy, with λ* = max|λᵢ|: eigenvalues with |λ| ≤ 4·n·ε·λ* are below the accuracy of
 * the eigensolver and are set to exactly 0 (whatever their sign), so a singular PSD matrix
 * gets an exactly singular root rather than √(round-off) ≈ 1e-8 noise terms; eigenvalues in
 * [-2^-26·λ*, 0) (2^-26 = √ε ≈ 1.49e-8) are round-off of a PSD input and are clamped to 0;
 * an eigenvalue below -2^-26·λ* throws `NotPositiveDefinite` (argument `"matrix"`, value =
 * that eigenvalue). A genuine eigenvalue below 4·n·ε·λ* is thus dropped, an error of at most
 * √(4nε·λ*) in S, the same order as the effect of rounding A itself. The zero matrix and
 * n = 0 are fine (S = 0).
 *
 * Errors: as {@link eighInPlace} for non-finite entries (`InvalidParameter`, `"matrix"`),
 * bad `n`/offsets or short buffers; `NotPositiveDefinite` as above.
 *
 * @example
 * const s = new Float64Array(4);
 * psdSqrtm(2, Float64Array.of(1, 1, 1, 1), 0, s, 0); // singular PSD [[1,1],[1,1]]
 * // s ≈ [[1,1],[1,1]] / √2
 */
export function psdSqrtm(
  n: number,
  a: ArrayLike<number>,
  aOff: number,
  out: Float64Array,
  outOff: number,
): void {
  checkOrder(n);
  checkOffset("aOff", aOff);
  checkOffset("outOff", outOff);
  checkSpace("a", a, aOff, n * n);
  checkSpace("out", out, outOff, n * n);
  if (n === 0) return;

  const nn = n * n;
  const work = new Float64Array(nn);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) work[ri + j] = a[aOff + ri + j];
  }
  const lam = new Float64Array(n);
  const vec = new Float64Array(nn);
  eighInPlace(n, work, 0, lam, 0, vec, 0);
  const first = clampPsd("matrix", n, lam);

  // Keep the r columns with λ > 0: g = V₊ diag(√λ₊) (n×r) and vt = V₊ᵀ (r×n), row-major.
  const r = n - first;
  const g = work; // reuse as n×r
  const vt = new Float64Array(r * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) {
      const x = vec[i * n + first + t];
      vt[t * n + i] = x;
      g[i * r + t] = x * Math.sqrt(lam[first + t]);
    }
  }
  // S = g vt (lower triangle, into vec), then copied out and mirrored.
  const sm = vec;
  sm.fill(0);
  gemmAdd(n, n, r, g, vt, sm, true);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      const x = sm[i * n + k];
      out[outOff + i * n + k] = x;
      out[outOff + k * n + i] = x;
    }
  }
}

/**
 * tr( (A^{1/2} B A^{1/2})^{1/2} ) for symmetric positive semi-definite n×n matrices A and B
 * (row-major, only their lower triangles are read, neither is modified). This is the cross
 * term of the Fréchet / squared 2-Wasserstein distance between Gaussians,
 * W₂² = ‖μ₁ - μ₂‖² + tr A + tr B - 2 tr((A^{1/2} B A^{1/2})^{1/2}). It is symmetric in A and B
 * and equals Σ √(aᵢbᵢ) when A and B are diagonal.
 *
 * Algorithm (eigendecompositions only, no complex arithmetic): A = V diag(λ) Vᵀ; with
 * D = diag(√λ) restricted to the r eigenvalues λ > 0 (V₊ the matching columns),
 * A^{1/2} B A^{1/2} = V₊ (D V₊ᵀ B V₊ D) V₊ᵀ is orthogonally similar (up to zero eigenvalues) to
 * the r×r matrix M = Gᵀ B G, G = V₊ D (two blocked products). Only the lower triangle of M
 * is formed, so the operand of the second eigendecomposition is exactly symmetric; its
 * eigenvalues μ are computed without vectors, and the result is Σ √μ over the μ above the
 * round-off threshold below (the others count as 0). Null directions of A are dropped
 * exactly, so singular A or B (e.g. rank-deficient covariances) are handled exactly. A and B
 * are first rescaled by exact powers of two (the result is √(αβ)-homogeneous), so extreme
 * magnitudes neither overflow nor underflow. Cost ≈ 9n³ + 2n²r + n r² + 4r³/3 flops.
 *
 * Clamp policy: the eigenvalues of A follow {@link psdSqrtm} (|λ| ≤ 4nε·max|λ| is exactly 0;
 * [-2^-26·max|λ|, 0) is clamped to 0; below that throws `NotPositiveDefinite`, argument `"a"`).
 * The eigenvalues μ of M are judged on the scale s = λmax(A)·‖B‖_F, the size of the round-off
 * in M: μ ≤ 4nε·s counts as exactly 0 (singular products contribute exactly nothing), and
 * μ < -2^-26·s shows B is not PSD: `NotPositiveDefinite`, argument `"b"` (an indefinite B whose
 * negative part is invisible through A is not detected; the result is then still the value
 * of the formula).
 *
 * Edge cases: n = 0 gives 0; A = 0 or B = 0 gives exactly 0; B = A gives tr A.
 *
 * Errors: `InvalidParameter` for a bad n, or a non-finite lower-triangle entry (argument
 * `"a"` or `"b"`); `InvalidShape` when a length is not n*n; `NotPositiveDefinite` as above.
 *
 * @example
 * traceSqrtProduct(2, [4, 0, 0, 1], [9, 0, 0, 16]); // √36 + √16 = 10
 */
export function traceSqrtProduct(n: number, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkOrder(n);
  const nn = n * n;
  if (a.length !== nn)
    throw invalidShape("a", `expected ${nn} entries for n = ${n}, got ${a.length}`, a.length);
  if (b.length !== nn)
    throw invalidShape("b", `expected ${nn} entries for n = ${n}, got ${b.length}`, b.length);
  const amax = checkFiniteLower("a", n, a, 0);
  const bmax = checkFiniteLower("b", n, b, 0);
  if (amax === 0 || bmax === 0) return 0;

  // Exact power-of-two scaling to unit largest entry: t(αA, βB) = √(αβ) t(A, B).
  const ka = scaleExponent(amax, 1, 1);
  const kb = scaleExponent(bmax, 1, 1);

  const work = new Float64Array(nn);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) work[ri + j] = timesPow2(a[ri + j], ka);
  }
  const lam = new Float64Array(n);
  const vec = new Float64Array(nn);
  eighInPlace(n, work, 0, lam, 0, vec, 0);
  const first = clampPsd("a", n, lam);
  const r = n - first;
  if (r === 0) return 0;

  // Full symmetric (scaled) B from its lower triangle, into `work`, and its Frobenius norm.
  const bs = work;
  let bss = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const x = timesPow2(b[ri + j], kb);
      bs[ri + j] = x;
      bs[j * n + i] = x;
      bss += j === i ? x * x : 2 * x * x;
    }
  }
  const bnorm = Math.sqrt(bss);
  // g = V₊ D (n×r) with D = diag(√λ₊), so that M = gᵀ B g.
  const g = new Float64Array(n * r);
  for (let t = 0; t < r; t++) {
    const dt = Math.sqrt(lam[first + t]);
    for (let i = 0; i < n; i++) g[i * r + t] = vec[i * n + first + t] * dt;
  }
  // y = B g (n×r), into vec.
  const y = vec;
  y.fill(0, 0, n * r);
  gemmAdd(n, r, n, bs, g, y, false);
  // gt = gᵀ (r×n), into work (B is no longer needed).
  const gt = work;
  for (let i = 0; i < n; i++) for (let t = 0; t < r; t++) gt[t * n + i] = g[i * r + t];
  // M = gᵀ y (r×r, lower triangle), into g (no longer needed).
  const cm = g;
  cm.fill(0, 0, r * r);
  gemmAdd(r, r, n, gt, y, cm, true);
  const mu = new Float64Array(r);
  eighInPlace(r, cm, 0, mu, 0, null, 0);

  // Round-off in M is about ε·n·λmax(A)·‖B‖: clamp as in clampPsd, with that scale.
  const mscale = lam[n - 1] * bnorm;
  if (mu[0] < -PSD_RTOL * mscale) {
    const value = timesPow2(mu[0], -ka - kb);
    throw notPositiveDefinite(
      "b",
      `A^{1/2} B A^{1/2} has the eigenvalue ${value}, below the round-off tolerance (B is indefinite)`,
      undefined,
      value,
    );
  }
  const zero = 4 * n * EPS * mscale;
  let sum = 0;
  for (let t = 0; t < r; t++) if (mu[t] > zero) sum += Math.sqrt(mu[t]);
  // Undo the scaling: multiply by 2^{-(ka+kb)/2}.
  const kk = -(ka + kb);
  if (kk % 2 === 0) return timesPow2(sum, kk / 2);
  return timesPow2(sum * Math.SQRT2, (kk - 1) / 2);
}
