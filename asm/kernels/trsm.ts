// triangular solves (part of the kernels module: asm/kernels.ts is the index)
import { gemmCore } from "./gemm";
import { Fused, axpyNeg, divs, dot, scal } from "./simd";

export const NB_TRSM: i32 = 64;

/**
 * Solves L X = B in place: L lower-triangular n×n at `l`, B n×m at `b` (BLAS dtrsm, left, lower,
 * no transpose). Blocked left-looking: each block row first receives the GEMM update from the
 * rows already solved, then is solved by forward substitution with its diagonal block.
 */
export function trsmLower(n: i32, m: i32, l: usize, b: usize): void {
  const ldl = <usize>(n * 8);
  const ldb = <usize>(m * 8);
  for (let i0 = 0; i0 < n; i0 += NB_TRSM) {
    const ib = min(NB_TRSM, n - i0);
    if (i0 > 0) gemmCore<Fused>(0, 0, ib, m, i0, -1.0, l + <usize>i0 * ldl, n, b, m, b + <usize>i0 * ldb, m, 0);
    for (let i = i0; i < i0 + ib; i++) {
      const rl = l + <usize>i * ldl;
      const bi = b + <usize>i * ldb;
      for (let k = i0; k < i; k++) {
        const lik = load<f64>(rl + (<usize>k << 3));
        if (lik != 0) axpyNeg(bi, b + <usize>k * ldb, lik, m);
      }
      scal(bi, 1 / load<f64>(rl + (<usize>i << 3)), m);
    }
  }
}

/** Solves Lᵀ X = B in place (back substitution), L lower-triangular n×n, B n×m. */
export function trsmLowerTrans(n: i32, m: i32, l: usize, b: usize): void {
  const ldl = <usize>(n * 8);
  const ldb = <usize>(m * 8);
  const nblocks = (n + NB_TRSM - 1) / NB_TRSM;
  for (let blk = nblocks - 1; blk >= 0; blk--) {
    const i0 = blk * NB_TRSM;
    const i1 = min(n, i0 + NB_TRSM);
    if (i1 < n) {
      // B[I] −= L[i1:n, I]ᵀ X[i1:n]
      gemmCore<Fused>(1, 0, i1 - i0, m, n - i1, -1.0, l + <usize>i1 * ldl + (<usize>i0 << 3), n, b + <usize>i1 * ldb, m, b + <usize>i0 * ldb, m, 0);
    }
    for (let i = i1 - 1; i >= i0; i--) {
      const rl = l + <usize>i * ldl;
      const bi = b + <usize>i * ldb;
      scal(bi, 1 / load<f64>(rl + (<usize>i << 3)), m);
      for (let k = i0; k < i; k++) {
        const lik = load<f64>(rl + (<usize>k << 3));
        if (lik != 0) axpyNeg(b + <usize>k * ldb, bi, lik, m);
      }
    }
  }
}

/** Solves L x = b in place for one vector (dot-product form). */
export function trsvLower(n: i32, l: usize, x: usize): void {
  const ldl = <usize>(n * 8);
  for (let i = 0; i < n; i++) {
    const rl = l + <usize>i * ldl;
    const q = x + (<usize>i << 3);
    store<f64>(q, (load<f64>(q) - dot(rl, x, i)) / load<f64>(rl + (<usize>i << 3)));
  }
}

/**
 * Column blocks [jb0, jb1) (units of 64 columns) of M = Lq⁻¹ Lp for lower-triangular n×n factors
 * (M lower triangular, written to `out`). Column blocks are independent: the threaded driver
 * hands them to threads one at a time. For column block J (columns C): copy Lp's lower part
 * there, then for each block row I ≥ J, M[I, C] −= Lq[I, J..I) · M[J..I), C] (GEMM; M[K, C] is
 * zero above block J), then forward substitution with Lq[I, I], each row update over the columns
 * of C where the solved row is non-zero. Every entry gets the operations of the whole-matrix
 * order (row updates start at a multiple of 4 columns), so any split gives the same bits.
 */
export function trilSolveTrilCols(n: i32, lq: usize, lp: usize, out: usize, jb0: i32, jb1: i32): void {
  const ld = <usize>(n * 8);
  for (let jb = jb0; jb < jb1; jb++) {
    const j0 = jb * NB_TRSM;
    if (j0 >= n) break;
    const j1 = min(n, j0 + NB_TRSM);
    for (let i = 0; i < n; i++) {
      const ro = out + <usize>i * ld;
      const rp = lp + <usize>i * ld;
      const last = min(j1, i + 1); // columns [j0, last) copied, the rest zero
      for (let j = j0; j < last; j++) store<f64>(ro + (<usize>j << 3), load<f64>(rp + (<usize>j << 3)));
      for (let j = max(j0, last); j < j1; j++) store<f64>(ro + (<usize>j << 3), 0.0);
    }
    for (let i0 = j0; i0 < n; i0 += NB_TRSM) {
      const i1 = min(n, i0 + NB_TRSM);
      if (i0 > j0) {
        gemmCore<Fused>(
          0,
          0,
          i1 - i0,
          j1 - j0,
          i0 - j0,
          -1.0,
          lq + <usize>i0 * ld + (<usize>j0 << 3),
          n,
          out + <usize>j0 * ld + (<usize>j0 << 3),
          n,
          out + <usize>i0 * ld + (<usize>j0 << 3),
          n,
          0,
        );
      }
      const c0 = out + (<usize>j0 << 3);
      for (let i = i0; i < i1; i++) {
        const rq = lq + <usize>i * ld;
        const ro = c0 + <usize>i * ld;
        for (let k = i0; k < i; k++) {
          const a = load<f64>(rq + (<usize>k << 3));
          if (a != 0) axpyNeg(ro, c0 + <usize>k * ld, a, min(j1, k + 1) - j0);
        }
        divs(ro, load<f64>(rq + (<usize>i << 3)), min(j1, i + 1) - j0);
      }
    }
  }
}

/** M = Lq⁻¹ Lp for lower-triangular n×n factors (M lower triangular), written to `out`. About n³/6 multiply-adds. */
export function trilSolveTril(n: i32, lq: usize, lp: usize, out: usize): void {
  trilSolveTrilCols(n, lq, lp, out, 0, (n + NB_TRSM - 1) / NB_TRSM);
}

