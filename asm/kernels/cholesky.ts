// Cholesky (part of the kernels module: asm/kernels.ts is the index)
import { gemmCore } from "./gemm";
import { Fused, dot } from "./simd";
import { NB_TRSM } from "./trsm";

/** Panel width (measured: 48…128 within 5% of each other at n = 256…2000; 64 best). */
export const NB_CHOL: i32 = 64;

/**
 * Unblocked lower Cholesky of the kb×kb block at `a` (leading dimension lda), left-looking by
 * dot products. Returns 0 or the 1-based failing pivot (whose value is left on the diagonal).
 */
export function potf2(kb: i32, a: usize, lda: i32): i32 {
  const ld = <usize>(lda * 8);
  for (let j = 0; j < kb; j++) {
    const rj = a + <usize>j * ld;
    const djj = rj + (<usize>j << 3);
    const s = load<f64>(djj) - dot(rj, rj, j);
    if (!(s > 0) || !isFinite<f64>(s)) {
      store<f64>(djj, s);
      return j + 1;
    }
    const ljj = Math.sqrt(s);
    store<f64>(djj, ljj);
    const inv = 1 / ljj;
    for (let i = j + 1; i < kb; i++) {
      const ri = a + <usize>i * ld;
      const q = ri + (<usize>j << 3);
      store<f64>(q, (load<f64>(q) - dot(ri, rj, j)) * inv);
    }
  }
  return 0;
}

/*
 * The blocked Cholesky in steps, so that the threaded build can share one factorisation between
 * threads (src/linalg/threaded.ts): for each panel k0 of width kb, the diagonal block
 * ({@link potrfDiag}, one thread), then the panel rows below it ({@link potrfPanel}, any row
 * split), then the trailing update ({@link potrfUpdate}, any row split). Every entry receives
 * the same operations in the same order whatever the split, so a threaded factorisation has the
 * bits of {@link potrf}.
 */

/** Unblocked factorisation of the diagonal block at (k0, k0), kb wide. Returns 0 or the 1-based failing pivot of the whole matrix. */
export function potrfDiag(n: i32, a: usize, k0: i32, kb: i32): i32 {
  const info = potf2(kb, a + <usize>k0 * <usize>(n * 8) + (<usize>k0 << 3), n);
  return info != 0 ? k0 + info : 0;
}

/** Panel rows [r0, r1) (all below the diagonal block): A[i, k0:k0+kb] ← A[i, k0:k0+kb] · L11⁻ᵀ. */
export function potrfPanel(n: i32, a: usize, k0: i32, kb: i32, r0: i32, r1: i32): void {
  const ld = <usize>(n * 8);
  const diag = a + <usize>k0 * ld + (<usize>k0 << 3);
  for (let i = r0; i < r1; i++) {
    const ri = a + <usize>i * ld + (<usize>k0 << 3);
    for (let j = 0; j < kb; j++) {
      const rj = diag + <usize>j * ld;
      const q = ri + (<usize>j << 3);
      const ljj = load<f64>(rj + (<usize>j << 3));
      store<f64>(q, (load<f64>(q) - dot(ri, rj, j)) * (1 / ljj));
    }
  }
}

/**
 * Trailing update of rows [r0, r1) (r0 ≥ k0 + kb): A[i, j] −= A[i, panel] · A[j, panel] for
 * k0 + kb ≤ j ≤ i, as a rectangle left of row r0's diagonal and a triangle on it.
 */
export function potrfUpdate(n: i32, a: usize, k0: i32, kb: i32, r0: i32, r1: i32): void {
  if (r1 <= r0) return;
  const ld = <usize>(n * 8);
  const c0 = k0 + kb;
  const a21 = a + <usize>c0 * ld + (<usize>k0 << 3); // panel, from row c0
  const ai = a + <usize>r0 * ld + (<usize>k0 << 3); // panel, from row r0
  if (r0 > c0) gemmCore<Fused>(0, 1, r1 - r0, r0 - c0, kb, -1.0, ai, n, a21, n, a + <usize>r0 * ld + (<usize>c0 << 3), n, 0);
  gemmCore<Fused>(0, 1, r1 - r0, r1 - r0, kb, -1.0, ai, n, ai, n, a + <usize>r0 * ld + (<usize>r0 << 3), n, 1);
}

/** Zeroes the strict upper triangle in rows [r0, r1). */
export function zeroUpper(n: i32, a: usize, r0: i32, r1: i32): void {
  const ld = <usize>(n * 8);
  for (let i = r0; i < r1; i++) {
    const ri = a + <usize>i * ld;
    for (let j = i + 1; j < n; j++) store<f64>(ri + (<usize>j << 3), 0.0);
  }
}

/** Column-block width of {@link trilSolveTrilCols} (exported for the threaded driver). */
export function solveBlock(): i32 {
  return NB_TRSM;
}

/** Panel width of {@link potrf} (exported for the threaded driver). */
export function potrfBlock(): i32 {
  return NB_CHOL;
}

/**
 * In-place lower Cholesky A = L Lᵀ of the n×n row-major matrix at `a` (LAPACK dpotrf, blocked
 * right-looking). Only the lower triangle is read; on success the strict upper triangle is
 * zeroed. Returns 0, or the 1-based order of the first leading minor that is not positive
 * definite (its pivot value left on the diagonal), like LAPACK's `info`.
 */
export function potrf(n: i32, a: usize): i32 {
  for (let k0 = 0; k0 < n; k0 += NB_CHOL) {
    const kb = min(NB_CHOL, n - k0);
    const info = potrfDiag(n, a, k0, kb);
    if (info != 0) return info;
    if (k0 + kb == n) break;
    potrfPanel(n, a, k0, kb, k0 + kb, n);
    potrfUpdate(n, a, k0, kb, k0 + kb, n);
  }
  zeroUpper(n, a, 0, n);
  return 0;
}

