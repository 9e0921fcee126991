/**
 * Dense float64 kernels in LAPACK's shape: row-major n×n blocks addressed by (array, offset),
 * no allocation in the hot loops. These are the plain-TypeScript kernels; the `Kernels`
 * interface in `./kernels.ts` is what the rest of the library calls.
 */

/**
 * In-place lower Cholesky factorisation A = L Lᵀ (LAPACK `dpotf2`, row-major). Only the lower
 * triangle of `a` is read; on return it holds L and the strict upper triangle is zeroed.
 * Returns 0 on success, or the 1-based order `k` of the first leading minor that is not
 * positive (the pivot value then is left in `a[aOff + (k-1)*(n+1)]`).
 *
 * @example
 * const a = Float64Array.of(4, 0, 2, 5); // [[4, 2], [2, 5]], lower triangle read
 * potrf(2, a, 0); // 0; a = [2, 0, 1, 2]
 */
export function potrf(n: number, a: Float64Array, aOff: number): number {
  // dot products with four partial sums: the single-accumulator loop is bound by the latency of
  // the dependent subtractions (about 3× slower at n = 32)
  for (let j = 0; j < n; j++) {
    const rj = aOff + j * n;
    const s = a[rj + j] - dot4(a, rj, rj, j);
    if (!(s > 0) || !Number.isFinite(s)) {
      a[rj + j] = s;
      return j + 1;
    }
    const ljj = Math.sqrt(s);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = aOff + i * n;
      a[ri + j] = (a[ri + j] - dot4(a, ri, rj, j)) * inv;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return 0;
}

/** Σ_{k<len} a[x+k]·a[y+k] with four partial sums (combined as (s0 + s1) + (s2 + s3), then the tail). */
function dot4(a: Float64Array, x: number, y: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[x + k] * a[y + k];
    s1 += a[x + k + 1] * a[y + k + 1];
    s2 += a[x + k + 2] * a[y + k + 2];
    s3 += a[x + k + 3] * a[y + k + 3];
  }
  let s = s0 + s1 + (s2 + s3);
  for (; k < len; k++) s += a[x + k] * a[y + k];
  return s;
}

/**
 * Solves L X = B in place for lower-triangular L (n×n at `lOff`) and B (n×m at `bOff`, row-major),
 * by forward substitution (BLAS `dtrsm`, side = left, lower, no transpose).
 */
export function trsmLower(
  n: number,
  m: number,
  l: Float64Array,
  lOff: number,
  b: Float64Array,
  bOff: number,
): void {
  for (let i = 0; i < n; i++) {
    const ri = lOff + i * n;
    const bi = bOff + i * m;
    for (let k = 0; k < i; k++) {
      const lik = l[ri + k];
      if (lik === 0) continue;
      const bk = bOff + k * m;
      for (let c = 0; c < m; c++) b[bi + c] -= lik * b[bk + c];
    }
    const inv = 1 / l[ri + i];
    for (let c = 0; c < m; c++) b[bi + c] *= inv;
  }
}

/** Solves Lᵀ X = B in place (back substitution), L lower-triangular n×n, B n×m. */
export function trsmLowerTrans(
  n: number,
  m: number,
  l: Float64Array,
  lOff: number,
  b: Float64Array,
  bOff: number,
): void {
  for (let i = n - 1; i >= 0; i--) {
    const bi = bOff + i * m;
    const inv = 1 / l[lOff + i * n + i];
    for (let c = 0; c < m; c++) b[bi + c] *= inv;
    for (let k = 0; k < i; k++) {
      const lik = l[lOff + i * n + k];
      if (lik === 0) continue;
      const bk = bOff + k * m;
      for (let c = 0; c < m; c++) b[bk + c] -= lik * b[bi + c];
    }
  }
}

/** Solves L x = b in place for one vector (stride 1). */
export function trsvLower(n: number, l: Float64Array, lOff: number, x: Float64Array, xOff: number): void {
  for (let i = 0; i < n; i++) {
    const ri = lOff + i * n;
    let s = x[xOff + i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * x[xOff + k];
    x[xOff + i] = s / l[ri + i];
  }
}

/** Σ log L_ii: half the log-determinant of A = L Lᵀ. */
export function logDiagSum(n: number, l: Float64Array, lOff: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[lOff + i * n + i]);
  return s;
}

/**
 * Lower-triangular solve M = Lq⁻¹ Lp of two lower-triangular factors (result lower triangular),
 * exploiting the triangular structure of the right-hand side: O(n³/6).
 */
export function trilSolveTril(
  n: number,
  lq: Float64Array,
  qOff: number,
  lp: Float64Array,
  pOff: number,
  out: Float64Array,
): void {
  // row i of M: (Lp[i, :] − Σ_{k<i} Lq[i, k] M[k, :]) / Lq[i, i]; row k of M is zero past column k,
  // so every update is a contiguous axpy over columns 0..k
  for (let i = 0; i < n; i++) {
    const ro = i * n;
    const rp = pOff + i * n;
    for (let j = 0; j <= i; j++) out[ro + j] = lp[rp + j];
    for (let j = i + 1; j < n; j++) out[ro + j] = 0;
    const rq = qOff + i * n;
    for (let k = 0; k < i; k++) {
      const a = lq[rq + k];
      if (a === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) out[ro + j] -= a * out[rk + j];
    }
    // division (not multiplication by 1/lii) so that Lq⁻¹Lq is exactly I
    const lii = lq[rq + i];
    for (let j = 0; j <= i; j++) out[ro + j] /= lii;
  }
}

/**
 * Σ_{i>j} M_ij² (the strictly lower part) of M = Lq⁻¹ Lp, the off-diagonal half of the trace
 * term of KL between full-covariance Gaussians, summed row by row in column order. `scratch`
 * (n² entries) receives M here; faster kernels may leave it untouched.
 */
export function trilSolveTrilOffSq(
  n: number,
  lq: Float64Array,
  qOff: number,
  lp: Float64Array,
  pOff: number,
  scratch: Float64Array,
): number {
  trilSolveTril(n, lq, qOff, lp, pOff, scratch);
  return strictLowerSq(n, scratch, 0);
}

/** Σ_{i>j} m[o + i·n + j]², row by row in column order. */
export function strictLowerSq(n: number, m: Float64Array, o: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const r = o + i * n;
    for (let j = 0; j < i; j++) s += m[r + j] * m[r + j];
  }
  return s;
}
