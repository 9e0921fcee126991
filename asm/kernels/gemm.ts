// GEMM (part of the kernels module: asm/kernels.ts is the index)
import { KC, MC, MR, NC, NR, packAPtr, packBPtr, tilePtr } from "./memory";
import { Fused, Unfused, maddAs } from "./simd";

/**
 * Packs op(A)[0:mc, 0:kc] (pointer already at the block's origin) into MR-row micro-panels:
 * panel r holds, for each p, the MR values op(A)[r·MR + i, p] (zero past mc).
 * op(A)[i, p] = transA ? A[p·lda + i] : A[i·lda + p].
 */
export function packA(transA: i32, a: usize, lda: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc * 8);
    if (rows < MR) {
      for (let p = 0; p < kc; p++) {
        const v = transA == 0 ? load<f64>(a + <usize>((ir * lda + p) * 8)) : load<f64>(a + <usize>((p * lda + ir) * 8));
        const q = panel + <usize>(p * MR * 8);
        store<f64>(q, v);
        store<f64>(q, 0.0, 8);
      }
    } else if (transA == 0) {
      const r0 = a + <usize>(ir * lda * 8);
      const r1 = r0 + <usize>(lda * 8);
      let p = 0;
      for (; p + 2 <= kc; p += 2) {
        const o = <usize>p << 3;
        const x0 = v128.load(r0 + o);
        const x1 = v128.load(r1 + o);
        const q = panel + <usize>(p * MR * 8);
        v128.store(q, i64x2.shuffle(x0, x1, 0, 2));
        v128.store(q, i64x2.shuffle(x0, x1, 1, 3), 16);
      }
      if (p < kc) {
        const o = <usize>p << 3;
        const q = panel + <usize>(p * MR * 8);
        store<f64>(q, load<f64>(r0 + o));
        store<f64>(q, load<f64>(r1 + o), 8);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        v128.store(panel + <usize>(p * MR * 8), v128.load(a + <usize>((p * lda + ir) * 8)));
      }
    }
  }
}

/**
 * Packs op(B)[0:kc, 0:nc] into NR-column micro-panels: panel c holds, for each p, the NR values
 * op(B)[p, c·NR + j] (zero past nc). op(B)[p, j] = transB ? B[j·ldb + p] : B[p·ldb + j].
 */
export function packB(transB: i32, b: usize, ldb: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc * 8);
    if (cols < NR) {
      for (let p = 0; p < kc; p++) {
        const q = panel + <usize>(p * NR * 8);
        for (let j = 0; j < NR; j++) {
          let v = 0.0;
          if (j < cols) {
            v = transB == 0 ? load<f64>(b + <usize>((p * ldb + jr + j) * 8)) : load<f64>(b + <usize>(((jr + j) * ldb + p) * 8));
          }
          store<f64>(q + (<usize>j << 3), v);
        }
      }
    } else if (transB == 0) {
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>((p * ldb + jr) * 8);
        const q = panel + <usize>(p * NR * 8);
        v128.store(q, v128.load(src));
        v128.store(q, v128.load(src, 16), 16);
        v128.store(q, v128.load(src, 32), 32);
        v128.store(q, v128.load(src, 48), 48);
      }
    } else {
      const ld = <usize>(ldb * 8);
      const r0 = b + <usize>(jr * ldb * 8);
      let p = 0;
      for (; p + 2 <= kc; p += 2) {
        const o = <usize>p << 3;
        const q = panel + <usize>(p * NR * 8);
        for (let j = 0; j < NR; j += 2) {
          const x0 = v128.load(r0 + <usize>j * ld + o);
          const x1 = v128.load(r0 + <usize>(j + 1) * ld + o);
          v128.store(q + (<usize>j << 3), i64x2.shuffle(x0, x1, 0, 2));
          v128.store(q + (<usize>j << 3), i64x2.shuffle(x0, x1, 1, 3), NR * 8);
        }
      }
      if (p < kc) {
        const o = <usize>p << 3;
        const q = panel + <usize>(p * NR * 8);
        for (let j = 0; j < NR; j++) store<f64>(q + (<usize>j << 3), load<f64>(r0 + <usize>j * ld + o));
      }
    }
  }
}

/**
 * The MR×NR register tile: C[0:rows, 0:cols] += alpha · Apanel · Bpanel over kc steps. With
 * `tri` set only the entries on or below the diagonal of the whole C are touched (row0 and col0
 * give the tile's position in C). 2×8 measured fastest under V8 (16 xmm registers: 8
 * accumulators, 4 B vectors, one broadcast A value); 4×4, 3×4, 2×6 were 20–25% slower,
 * larger tiles spill.
 */
export function microKernel<R>(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: i32,
  alpha: f64,
  rows: i32,
  cols: i32,
  tri: i32,
  row0: i32,
  col0: i32,
  overwrite: i32,
): void {
  let c00 = f64x2.splat(0);
  let c01 = f64x2.splat(0);
  let c02 = f64x2.splat(0);
  let c03 = f64x2.splat(0);
  let c10 = f64x2.splat(0);
  let c11 = f64x2.splat(0);
  let c12 = f64x2.splat(0);
  let c13 = f64x2.splat(0);
  const end = pa + <usize>(kc * MR * 8);
  while (pa < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    const a0 = v128.load64_splat(pa);
    c00 = maddAs<R>(a0, b0, c00);
    c01 = maddAs<R>(a0, b1, c01);
    c02 = maddAs<R>(a0, b2, c02);
    c03 = maddAs<R>(a0, b3, c03);
    const a1 = v128.load64_splat(pa, 8);
    c10 = maddAs<R>(a1, b0, c10);
    c11 = maddAs<R>(a1, b1, c11);
    c12 = maddAs<R>(a1, b2, c12);
    c13 = maddAs<R>(a1, b3, c13);
    pa += MR * 8;
    pb += NR * 8;
  }
  const va = f64x2.splat(alpha);
  const full = rows == MR && cols == NR && (tri == 0 || col0 + NR - 1 <= row0);
  if (full) {
    // with `overwrite`, C's old values (possibly garbage) are masked to +0: C = 0 + alpha·acc
    const keep = overwrite != 0 ? i64x2.splat(0) : i64x2.splat(-1);
    let r = c;
    v128.store(r, f64x2.add(v128.and(v128.load(r), keep), f64x2.mul(va, c00)));
    v128.store(r, f64x2.add(v128.and(v128.load(r, 16), keep), f64x2.mul(va, c01)), 16);
    v128.store(r, f64x2.add(v128.and(v128.load(r, 32), keep), f64x2.mul(va, c02)), 32);
    v128.store(r, f64x2.add(v128.and(v128.load(r, 48), keep), f64x2.mul(va, c03)), 48);
    r += <usize>(ldc * 8);
    v128.store(r, f64x2.add(v128.and(v128.load(r), keep), f64x2.mul(va, c10)));
    v128.store(r, f64x2.add(v128.and(v128.load(r, 16), keep), f64x2.mul(va, c11)), 16);
    v128.store(r, f64x2.add(v128.and(v128.load(r, 32), keep), f64x2.mul(va, c12)), 32);
    v128.store(r, f64x2.add(v128.and(v128.load(r, 48), keep), f64x2.mul(va, c13)), 48);
    return;
  }
  const t = tilePtr();
  v128.store(t, f64x2.mul(va, c00));
  v128.store(t, f64x2.mul(va, c01), 16);
  v128.store(t, f64x2.mul(va, c02), 32);
  v128.store(t, f64x2.mul(va, c03), 48);
  v128.store(t, f64x2.mul(va, c10), 64);
  v128.store(t, f64x2.mul(va, c11), 80);
  v128.store(t, f64x2.mul(va, c12), 96);
  v128.store(t, f64x2.mul(va, c13), 112);
  for (let i = 0; i < rows; i++) {
    let jEnd = cols;
    if (tri != 0) jEnd = min(cols, row0 + i - col0 + 1);
    for (let j = 0; j < jEnd; j++) {
      const q = c + <usize>((i * ldc + j) * 8);
      store<f64>(q, (overwrite != 0 ? 0.0 : load<f64>(q)) + load<f64>(t + <usize>((i * NR + j) * 8)));
    }
  }
}

export function gemmCore<R>(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  tri: i32,
  overwrite: i32 = 0,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const pA = packAPtr();
  const pB = packBPtr();
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const bOrigin = transB == 0 ? b + <usize>((pc * ldb + jc) * 8) : b + <usize>((jc * ldb + pc) * 8);
      // with `tri`, columns past the last row are never updated
      const ncEff = tri != 0 ? min(nc, m - jc) : nc;
      if (ncEff <= 0) continue;
      packB(transB, bOrigin, ldb, kc, ncEff, pB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (tri != 0 && ic + mc - 1 < jc) continue;
        const aOrigin = transA == 0 ? a + <usize>((ic * lda + pc) * 8) : a + <usize>((pc * lda + ic) * 8);
        packA(transA, aOrigin, lda, mc, kc, pA);
        for (let jr = 0; jr < ncEff; jr += NR) {
          const cols = min(NR, ncEff - jr);
          const col0 = jc + jr;
          for (let ir = 0; ir < mc; ir += MR) {
            const row0 = ic + ir;
            if (tri != 0 && col0 > row0 + MR - 1) continue;
            const rows = min(MR, mc - ir);
            microKernel<R>(
              kc,
              pA + <usize>(ir * kc * 8),
              pB + <usize>(jr * kc * 8),
              c + <usize>((row0 * ldc + col0) * 8),
              ldc,
              alpha,
              rows,
              cols,
              tri,
              row0,
              col0,
              overwrite != 0 && pc == 0 ? 1 : 0,
            );
          }
        }
      }
    }
  }
}

/**
 * C[m×n] += alpha · op(A) · op(B), op(A) m×k, op(B) k×n (BLAS dgemm, row-major).
 * transA: op(A)[i,p] = A[p·lda + i]; transB: op(B)[p,j] = B[j·ldb + p].
 */
export function gemm(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  gemmCore<Fused>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, 0);
}

/**
 * {@link gemm} with every multiply-add rounded twice, in the relaxed-SIMD build too: the same
 * bits as the plain SIMD build's `gemm` and, for K ≤ 256, as the TypeScript `gemmNT`. For the
 * default kernels' size-based switch of `gemmNT`, where a product's bits must not depend on
 * which side of the switch it falls.
 */
export function gemmUnfused(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  gemmCore<Unfused>(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, 0);
}

/** Lower triangle of C[n×n] += alpha · A · Aᵀ, A n×k (BLAS dsyrk, lower, no transpose). */
export function syrkLower(n: i32, k: i32, alpha: f64, a: usize, lda: i32, c: usize, ldc: i32): void {
  gemmCore<Fused>(0, 1, n, n, k, alpha, a, lda, a, lda, c, ldc, 1);
}

