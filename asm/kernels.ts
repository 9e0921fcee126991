/**
 * kullback's dense float64 kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD
 * (f64x2). Built by `npm run build:wasm` (asm/build.mjs) into
 * src/linalg/generated/kernels-wasm.ts; loaded by src/linalg/wasm.ts.
 *
 * Conventions: every matrix is row-major float64, addressed by a byte pointer into linear memory
 * and a leading dimension in elements. There is no garbage-collected runtime (`--runtime stub`):
 * JS asks `ensure(bytes)` for a data region starting at `dataPtr()` and lays its arrays out there
 * itself; the packing buffers of the GEMM live just below that region.
 *
 * Algorithms (textbook; sources named at each function):
 * - GEMM: Goto & van de Geijn's layered scheme ("Anatomy of high-performance matrix
 *   multiplication", ACM TOMS 34(3), 2008): B packed into KC×NR micro-panels, A into MR×KC
 *   micro-panels, an MR×NR register tile of f64x2 accumulators. Each entry of C gets, per KC
 *   slab of k, one sum accumulated in k order from 0 in a single lane, and then C += alpha·sum:
 *   results do not depend on m, n or where the entry sits in a tile (src/pairwise/gemm.ts relies
 *   on this).
 * - Cholesky: right-looking blocked LAPACK dpotrf (panel by dot products, trailing update by SYRK).
 * - Triangular solves: blocked left-looking forward/back substitution, the off-diagonal blocks
 *   through GEMM (BLAS dtrsm).
 * - exp / expm1: the fdlibm algorithms (Sun Microsystems, e_exp.c and s_expm1.c: reduction by
 *   k·ln2 split in hi/lo parts and a rational Remez approximation), which is what V8 uses for
 *   Math.exp / Math.expm1, so that results agree with the TypeScript kernels bit for bit.
 */

// ---------------------------------------------------------------------------------------------
// memory layout

/** Register tile (rows × columns); NR is two f64x2 vectors. */
const MR: i32 = 2;
const NR: i32 = 8;
/** Cache blocking: depth of a packed panel, rows of a packed A block, columns of a packed B block. */
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 2048;

/**
 * Start of this instance's GEMM scratch (packed A, packed B, the edge tile): 0 means the default
 * place after the static data. Instances that share one memory (the threaded build, one per
 * thread) each get their own region with {@link setScratch}.
 */
let scratch: usize = 0;

@inline function packAPtr(): usize {
  return scratch != 0 ? scratch : (__heap_base + 63) & ~(<usize>63);
}
@inline function packBPtr(): usize {
  return packAPtr() + <usize>(MC * KC * 8);
}
@inline function tilePtr(): usize {
  return packBPtr() + <usize>(KC * NC * 8);
}

/** Bytes of one instance's GEMM scratch region (a multiple of 64). */
export function scratchBytes(): usize {
  return (<usize>((MC * KC + KC * NC + MR * NR) * 8) + 63) & ~(<usize>63);
}

/** Start of this instance's GEMM scratch ({@link scratchBytes} long; free between kernel calls). */
export function scratchPtr(): usize {
  return packAPtr();
}

/** Moves this instance's GEMM scratch to `p` (64-byte aligned, {@link scratchBytes} long; 0: the default). */
export function setScratch(p: usize): void {
  scratch = p;
}

/** First byte of the region JS may use for its arrays (64-byte aligned, after the default scratch). */
export function dataPtr(): usize {
  return ((__heap_base + 63) & ~(<usize>63)) + scratchBytes();
}

/** Grows memory so that `bytes` bytes from `dataPtr()` are addressable. Returns 1, or 0 on failure. */
export function ensure(bytes: usize): i32 {
  const need = dataPtr() + bytes;
  const have = (<usize>memory.size()) << 16;
  if (need <= have) return 1;
  const pages = <i32>((need - have + 0xffff) >>> 16);
  return memory.grow(pages) < 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// small vector helpers

/**
 * c + a·b per lane. In the relaxed-SIMD build (`--enable relaxed-simd`, loaded where the runtime
 * validates it) this is `f64x2.relaxed_madd`, a fused multiply-add on x86 FMA and ARM hardware
 * (one rounding instead of two); in the plain SIMD build it is exactly `add(c, mul(a, b))`.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * c − a·b per lane: `f64x2.relaxed_nmadd` (fused) in the relaxed-SIMD build, exactly
 * `sub(c, mul(a, b))` in the plain SIMD build.
 */
@inline function nmsub(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

/**
 * The GEMM's rounding, a compile-time type argument of {@link microKernel} and {@link gemmCore}
 * (each instantiation is its own function, with no branch in the loop): `Fused` multiply-adds
 * round once in the relaxed-SIMD build ({@link madd}); `Unfused` ones are `add(c, mul(a, b))` in
 * every build, the bits of the TypeScript `gemmNT` (src/linalg/gemm.ts) for K ≤ 256.
 */
type Fused = u8;
type Unfused = u16;

/** {@link madd} for `Fused`, exactly `add(c, mul(a, b))` for `Unfused`. */
@inline function maddAs<R>(a: v128, b: v128, c: v128): v128 {
  if (sizeof<R>() == sizeof<Fused>()) return madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/** Σ x[i]·y[i], i < n (two f64x2 accumulators). */
@inline function dot(x: usize, y: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    s0 = madd(v128.load(x + o), v128.load(y + o), s0);
    s1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), s1);
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y[i] −= a·x[i], i < n. */
@inline function axpyNeg(y: usize, x: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, nmsub(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, nmsub(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) - a * load<f64>(x + o));
  }
}

/** y[i] ·= a, i < n. */
@inline function scal(y: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.mul(v128.load(y + o), va));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) * a);
}

/** y[i] /= a, i < n (division, not multiplication by 1/a, where exactness matters). */
@inline function divs(y: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.div(v128.load(y + o), va));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) / a);
}

// ---------------------------------------------------------------------------------------------
// GEMM

/**
 * Packs op(A)[0:mc, 0:kc] (pointer already at the block's origin) into MR-row micro-panels:
 * panel r holds, for each p, the MR values op(A)[r·MR + i, p] (zero past mc).
 * op(A)[i, p] = transA ? A[p·lda + i] : A[i·lda + p].
 */
function packA(transA: i32, a: usize, lda: i32, mc: i32, kc: i32, dst: usize): void {
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
function packB(transB: i32, b: usize, ldb: i32, kc: i32, nc: i32, dst: usize): void {
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
function microKernel<R>(
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

function gemmCore<R>(
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

// ---------------------------------------------------------------------------------------------
// Cholesky

/** Panel width (measured: 48…128 within 5% of each other at n = 256…2000; 64 best). */
const NB_CHOL: i32 = 64;

/**
 * Unblocked lower Cholesky of the kb×kb block at `a` (leading dimension lda), left-looking by
 * dot products. Returns 0 or the 1-based failing pivot (whose value is left on the diagonal).
 */
function potf2(kb: i32, a: usize, lda: i32): i32 {
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

// ---------------------------------------------------------------------------------------------
// triangular solves

const NB_TRSM: i32 = 64;

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

// ---------------------------------------------------------------------------------------------
// squared Euclidean distances

/**
 * out[i, j] = max(0, ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j) for the rows a_i of A (m×d) and b_j of B (n×d);
 * `work` holds m + n doubles. The cross term goes through the GEMM.
 */
export function sqDist(m: i32, n: i32, d: i32, a: usize, b: usize, out: usize, work: usize): void {
  const na = work;
  const nb = work + <usize>(m * 8);
  for (let i = 0; i < m; i++) {
    const r = a + <usize>(i * d * 8);
    store<f64>(na + (<usize>i << 3), dot(r, r, d));
  }
  for (let j = 0; j < n; j++) {
    const r = b + <usize>(j * d * 8);
    store<f64>(nb + (<usize>j << 3), dot(r, r, d));
  }
  for (let i = 0; i < m; i++) {
    const ro = out + <usize>(i * n * 8);
    const vi = f64x2.splat(load<f64>(na + (<usize>i << 3)));
    let j = 0;
    for (; j + 2 <= n; j += 2) v128.store(ro + (<usize>j << 3), f64x2.add(vi, v128.load(nb + (<usize>j << 3))));
    if (j < n) store<f64>(ro + (<usize>j << 3), load<f64>(na + (<usize>i << 3)) + load<f64>(nb + (<usize>j << 3)));
  }
  gemmCore<Fused>(0, 1, m, n, d, -2.0, a, d, b, d, out, n, 0);
  const zero = f64x2.splat(0);
  const total = m * n;
  let t = 0;
  for (; t + 2 <= total; t += 2) {
    const q = out + (<usize>t << 3);
    v128.store(q, f64x2.pmax(zero, v128.load(q)));
  }
  if (t < total) {
    const q = out + (<usize>t << 3);
    const v = load<f64>(q);
    store<f64>(q, v > 0 ? v : 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// exp, expm1 (fdlibm algorithms; scalar for every input, f64x2 for the common range)

const LN2_HI: f64 = 6.93147180369123816490e-1; // high 32 bits of ln 2, trailing zeros
const LN2_LO: f64 = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const INV_LN2: f64 = 1.44269504088896338700;
const EXP_P1: f64 = 1.66666666666666019037e-1;
const EXP_P2: f64 = -2.77777777770155933842e-3;
const EXP_P3: f64 = 6.61375632143793436117e-5;
const EXP_P4: f64 = -1.65339022054652515390e-6;
const EXP_P5: f64 = 4.13813679705723846039e-8;
const EM1_Q1: f64 = -3.33333333333331316428e-2;
const EM1_Q2: f64 = 1.58730158725481460165e-3;
const EM1_Q3: f64 = -7.93650757867487942473e-5;
const EM1_Q4: f64 = 4.00821782732936239552e-6;
const EM1_Q5: f64 = -2.01099218183624371326e-7;
const O_THRESHOLD: f64 = 7.09782712893383973096e2;
const U_THRESHOLD: f64 = -7.45133219101941108420e2;

@inline function highWord(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >>> 32);
}
@inline function fromHigh(h: i32): f64 {
  return reinterpret<f64>((<u64>(<u32>h)) << 32);
}
/** 2^k for −1022 ≤ k ≤ 1023. */
@inline function pow2(k: i32): f64 {
  return reinterpret<f64>((<u64>(0x3ff + k)) << 52);
}

/** eˣ (fdlibm e_exp.c algorithm; < 1 ulp). */
export function expScalar(x: f64): f64 {
  const hx = highWord(x) & 0x7fffffff;
  const neg = x < 0;
  if (hx >= 0x40862e42) {
    if (x != x) return x;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      k = neg ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
    }
    const kf = <f64>k;
    hi = x - kf * LN2_HI;
    lo = kf * LN2_LO;
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (EXP_P1 + t * (EXP_P2 + t * (EXP_P3 + t * (EXP_P4 + t * EXP_P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (lo - (x * c) / (2.0 - c) - hi);
  if (k == 1024) return y * 2.0 * pow2(1023);
  if (k >= -1021) return y * pow2(k);
  return y * pow2(k + 1000) * pow2(-1000);
}

/** eˣ − 1 (fdlibm s_expm1.c algorithm; < 1 ulp). */
export function expm1Scalar(x: f64): f64 {
  let hx = highWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (x != x) return x;
      if (x == Infinity) return x;
      if (x == -Infinity) return -1;
      if (x > O_THRESHOLD) return Infinity;
    }
    if (neg) return -1;
  }
  let k: i32 = 0;
  let c: f64 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      k = neg ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
    }
    const kf = <f64>k;
    const hi = x - kf * LN2_HI;
    const lo = kf * LN2_LO;
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (EM1_Q1 + hxs * (EM1_Q2 + hxs * (EM1_Q3 + hxs * (EM1_Q4 + hxs * EM1_Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1 + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    let y = 1 - (e - x);
    if (k == 1024) y = y * 2.0 * 8.98846567431157953865e307;
    else y = y * pow2(k);
    return y - 1;
  }
  let y: f64;
  if (k < 20) {
    t = fromHigh(0x3ff00000 - (0x200000 >> k)); // 1 − 2⁻ᵏ
    y = t - (e - x);
  } else {
    t = fromHigh((0x3ff - k) << 20); // 2⁻ᵏ
    y = x - (e + t);
    y += 1;
  }
  return y * pow2(k);
}

/** φ(t) = eᵗ − 1 − t: Taylor series to t⁸/8! for |t| < 1e-2, else expm1(t) − t. */
export function expm1MinusXScalar(t: f64): f64 {
  if (Math.abs(t) < 1e-2) {
    return (
      t *
      t *
      (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120 + t * (1.0 / 720 + t * (1.0 / 5040 + t / 40320))))))
    );
  }
  // expm1(∞) − ∞ would be NaN (as in src/core/numerics.ts)
  return t == Infinity ? Infinity : expm1Scalar(t) - t;
}

/**
 * f64x2 constants of the vector exp/expm1 as a table in linear memory: V8 rebuilds an inline
 * f64x2 constant with three instructions on every use, a load from here is one.
 */
const VCONST: usize = memory.data<f64>(
  [
    -0.5, -0.5, // 0: -0.5
    0.5, 0.5, // 1: 0.5
    -1.0, -1.0, // 2: -1
    1.0, 1.0, // 3: 1
    1.4426950408889634, 1.4426950408889634, // 4: INV_LN2
    0.3465735912322998, 0.3465735912322998, // 5: fromHigh(0x3fd62e43): |x| ≥ this ⇒ reduce (fdlibm hx > 0x3fd62e42)
    1.0397205352783203, 1.0397205352783203, // 6: fromHigh(0x3ff0a2b2): |x| < this ⇒ k = ±1
    0.6931471803691238, 0.6931471803691238, // 7: LN2_HI
    1.9082149292705877e-10, 1.9082149292705877e-10, // 8: LN2_LO
    -1.6533902205465252e-06, -1.6533902205465252e-06, // 9: EXP_P4
    4.1381367970572385e-08, 4.1381367970572385e-08, // 10: EXP_P5
    6.613756321437934e-05, 6.613756321437934e-05, // 11: EXP_P3
    -0.0027777777777015593, -0.0027777777777015593, // 12: EXP_P2
    0.16666666666666602, 0.16666666666666602, // 13: EXP_P1
    2.0, 2.0, // 14: 2
    3.725290298461914e-09, 3.725290298461914e-09, // 15: fromHigh(0x3e300000) = 2⁻²⁸
    4.008217827329362e-06, 4.008217827329362e-06, // 16: EM1_Q4
    -2.0109921818362437e-07, -2.0109921818362437e-07, // 17: EM1_Q5
    -7.93650757867488e-05, -7.93650757867488e-05, // 18: EM1_Q3
    0.0015873015872548146, 0.0015873015872548146, // 19: EM1_Q2
    -0.03333333333333313, -0.03333333333333313, // 20: EM1_Q1
    3.0, 3.0, // 21: 3
    6.0, 6.0, // 22: 6
    -2.0, -2.0, // 23: -2
    -0.25, -0.25, // 24: -0.25
    20.0, 20.0, // 25: 20
    0.01, 0.01, // 26: 1e-2 (Taylor below)
    0.0001984126984126984, 0.0001984126984126984, // 27: 1/5040
    40320.0, 40320.0, // 28: 40320
    0.001388888888888889, 0.001388888888888889, // 29: 1/720
    0.008333333333333333, 0.008333333333333333, // 30: 1/120
    0.041666666666666664, 0.041666666666666664, // 31: 1/24
    0.16666666666666666, 0.16666666666666666, // 32: 1/6
    700.0, 700.0, // 33: 700 (vector exp range)
    38.0, 38.0, // 34: 38 (< 56 ln 2: vector expm1 range)
    8.98846567431158e307, 8.98846567431158e307, // 35: bits 0x7fe << 52, for 2⁻ᵏ = bits(0x7fe << 52) − bits(2ᵏ)
    6755399441056767.0, 6755399441056767.0, // 36: 1.5·2⁵² + 1023 (vpow2)
    6755399441055744.0, 6755399441055744.0, // 37: 1.5·2⁵² (vexpShift)
  ],
  16,
);
@inline function vc(i: i32): v128 {
  return v128.load(VCONST + (<usize>i << 4));
}

@inline function vsplat(x: f64): v128 {
  return f64x2.splat(x);
}

/**
 * 2^k per lane for integer-valued f64 lanes k, −1022 ≤ k ≤ 1023: k + (1.5·2⁵² + 1023) is exact
 * and holds k + 1023 in its low mantissa bits, which the shift moves into the exponent field.
 */
@inline function vpow2(kf: v128): v128 {
  return i64x2.shl(f64x2.add(kf, vc(36 /* 1.5·2^52 + 1023 */)), 52);
}

/** bits(k) << 52 per lane (k integer-valued, |k| < 2⁵¹): adding it to a double's bits scales by 2ᵏ. */
@inline function vexpShift(kf: v128): v128 {
  return i64x2.shl(f64x2.add(kf, vc(37 /* 1.5·2^52 */)), 52);
}

/**
 * eˣ per lane with exactly the scalar `expScalar` operations; valid when every lane has
 * |x| < 700 (checked by the caller), bit-identical to the scalar result there.
 */
@inline function vexp(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, vsplat(0));
  const sgnHalf = v128.bitselect(vc(0 /* -0.5 */), vc(1 /* 0.5 */), neg);
  const sgnOne = v128.bitselect(vc(2 /* -1.0 */), vc(3 /* 1.0 */), neg);
  const kGen = f64x2.trunc(f64x2.add(f64x2.mul(vc(4 /* INV_LN2 */), x), sgnHalf));
  const reduce = f64x2.ge(ax, vc(5 /* fromHigh(0x3fd62e43) */));
  const small = f64x2.lt(ax, vc(6 /* fromHigh(0x3ff0a2b2) */));
  let kf = v128.bitselect(sgnOne, kGen, small);
  kf = v128.and(kf, reduce); // k = 0 where no reduction
  const hi = f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */)));
  const lo = f64x2.mul(kf, vc(8 /* LN2_LO */));
  const xr = f64x2.sub(hi, lo);
  const t = f64x2.mul(xr, xr);
  let poly = f64x2.add(vc(9 /* EXP_P4 */), f64x2.mul(t, vc(10 /* EXP_P5 */)));
  poly = f64x2.add(vc(11 /* EXP_P3 */), f64x2.mul(t, poly));
  poly = f64x2.add(vc(12 /* EXP_P2 */), f64x2.mul(t, poly));
  poly = f64x2.add(vc(13 /* EXP_P1 */), f64x2.mul(t, poly));
  const c = f64x2.sub(xr, f64x2.mul(t, poly));
  // for k = 0 (hi = x, lo = 0) this equals the scalar 1 − ((x c)/(c − 2) − x) exactly
  const q = f64x2.div(f64x2.mul(xr, c), f64x2.sub(vc(14 /* 2.0 */), c));
  const y = f64x2.sub(vc(3 /* 1.0 */), f64x2.sub(f64x2.sub(lo, q), hi));
  const scaled = i64x2.add(y, vexpShift(kf));
  const tiny = f64x2.lt(ax, vc(15 /* fromHigh(0x3e300000) */));
  return v128.bitselect(f64x2.add(vc(3 /* 1.0 */), x), scaled, tiny);
}

/**
 * eˣ − 1 per lane with exactly the scalar `expm1Scalar` operations; valid when every lane has
 * 2⁻⁵⁴ ≤ |x| < 56 ln 2 (checked by the caller), bit-identical to the scalar result there.
 */
@inline function vexpm1(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, vsplat(0));
  const sgnHalf = v128.bitselect(vc(0 /* -0.5 */), vc(1 /* 0.5 */), neg);
  const sgnOne = v128.bitselect(vc(2 /* -1.0 */), vc(3 /* 1.0 */), neg);
  const kGen = f64x2.trunc(f64x2.add(f64x2.mul(vc(4 /* INV_LN2 */), x), sgnHalf));
  const reduce = f64x2.ge(ax, vc(5 /* fromHigh(0x3fd62e43) */));
  const small = f64x2.lt(ax, vc(6 /* fromHigh(0x3ff0a2b2) */));
  let kf = v128.bitselect(sgnOne, kGen, small);
  kf = v128.and(kf, reduce);
  const hi = f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */)));
  const lo = f64x2.mul(kf, vc(8 /* LN2_LO */));
  const xr = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, xr), lo); // 0 where k = 0
  const hfx = f64x2.mul(vc(1 /* 0.5 */), xr);
  const hxs = f64x2.mul(xr, hfx);
  let r1 = f64x2.add(vc(16 /* EM1_Q4 */), f64x2.mul(hxs, vc(17 /* EM1_Q5 */)));
  r1 = f64x2.add(vc(18 /* EM1_Q3 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(19 /* EM1_Q2 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(20 /* EM1_Q1 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(3 /* 1.0 */), f64x2.mul(hxs, r1));
  const t = f64x2.sub(vc(21 /* 3.0 */), f64x2.mul(r1, hfx));
  const e = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(vc(22 /* 6.0 */), f64x2.mul(xr, t))));
  const e2 = f64x2.sub(f64x2.sub(f64x2.mul(xr, f64x2.sub(e, c)), c), hxs);
  // below, fl(e2 − xr) = −xme exactly, so "a − (e2 − xr)" is computed as a + xme
  const xme = f64x2.sub(xr, e2);
  const p2k = vpow2(kf);
  // k ≤ −2: (1 − (e2 − xr))·2ᵏ − 1; 2 ≤ k < 20: ((1 − 2⁻ᵏ) − (e2 − xr))·2ᵏ — one product with the
  // first term chosen per lane, then −1 or −0 (exact) per lane
  const le2 = f64x2.le(kf, vc(23 /* -2 */));
  const p2mk = i64x2.sub(vc(35 /* bits 0x7fe << 52 */), p2k); // 2⁻ᵏ: exponent 0x3ff + k ↦ 0x3ff − k
  const head = v128.bitselect(vc(3 /* 1.0 */), f64x2.sub(vc(3 /* 1.0 */), p2mk), le2);
  let r = f64x2.sub(f64x2.mul(f64x2.add(head, xme), p2k), v128.and(vc(3 /* 1.0 */), le2));
  // k = 1
  const rp1a = f64x2.mul(vc(23 /* -2.0 */), f64x2.sub(e2, f64x2.add(xr, vc(1 /* 0.5 */))));
  const rp1b = f64x2.add(vc(3 /* 1.0 */), f64x2.mul(vc(14 /* 2.0 */), xme));
  r = v128.bitselect(v128.bitselect(rp1a, rp1b, f64x2.lt(xr, vc(24 /* -0.25 */))), r, f64x2.eq(kf, vc(3 /* 1 */)));
  // k = −1
  r = v128.bitselect(f64x2.sub(f64x2.mul(vc(1 /* 0.5 */), xme), vc(1 /* 0.5 */)), r, f64x2.eq(kf, vc(2 /* -1 */)));
  // k = 0
  r = v128.bitselect(f64x2.sub(xr, f64x2.sub(f64x2.mul(xr, e), hxs)), r, f64x2.eq(kf, vsplat(0)));
  // 20 ≤ k ≤ 56 (t > 13.8, rare): ((xr − (e2 + 2⁻ᵏ)) + 1)·2ᵏ
  const ge20 = f64x2.ge(kf, vc(25 /* 20 */));
  if (v128.any_true(ge20)) {
    const rhi = f64x2.mul(f64x2.add(f64x2.sub(xr, f64x2.add(e2, p2mk)), vc(3 /* 1.0 */)), p2k);
    r = v128.bitselect(rhi, r, ge20);
  }
  return r;
}

/** φ(t) = eᵗ − 1 − t per lane (same operations as `expm1MinusXScalar`); lanes need |t| < 56 ln 2. */
@inline function vexpm1MinusX(t: v128): v128 {
  const useTaylor = f64x2.lt(f64x2.abs(t), vc(26 /* 1e-2 */));
  if (!v128.any_true(useTaylor)) return f64x2.sub(vexpm1(t), t);
  let p = f64x2.add(vc(27 /* 1.0 / 5040 */), f64x2.div(t, vc(28 /* 40320 */)));
  p = f64x2.add(vc(29 /* 1.0 / 720 */), f64x2.mul(t, p));
  p = f64x2.add(vc(30 /* 1.0 / 120 */), f64x2.mul(t, p));
  p = f64x2.add(vc(31 /* 1.0 / 24 */), f64x2.mul(t, p));
  p = f64x2.add(vc(32 /* 1.0 / 6 */), f64x2.mul(t, p));
  p = f64x2.add(vc(1 /* 1.0 / 2 */), f64x2.mul(t, p));
  const taylor = f64x2.mul(f64x2.mul(t, t), p);
  if (i64x2.all_true(useTaylor)) return taylor;
  // a lane that takes the Taylor branch may be tiny: feed expm1 a harmless value there
  const safe = v128.bitselect(vc(3 /* 1.0 */), t, useTaylor);
  const viaExpm1 = f64x2.sub(vexpm1(safe), t);
  return v128.bitselect(taylor, viaExpm1, useTaylor);
}

/** Fills out[i] = exp(x[i]) (used by the accuracy tests). */
export function expArray(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(x + o);
    if (i64x2.all_true(f64x2.lt(f64x2.abs(v), vc(33 /* 700 */)))) v128.store(out + o, vexp(v));
    else {
      store<f64>(out + o, expScalar(f64x2.extract_lane(v, 0)));
      store<f64>(out + o, expScalar(f64x2.extract_lane(v, 1)), 8);
    }
  }
  if (i < n) store<f64>(out + (<usize>i << 3), expScalar(load<f64>(x + (<usize>i << 3))));
}

/** Fills out[i] = φ(x[i]) = e^x − 1 − x (used by the accuracy tests). */
export function expm1MinusXArray(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(x + o);
    if (i64x2.all_true(f64x2.lt(f64x2.abs(v), vc(34 /* 38 */)))) v128.store(out + o, vexpm1MinusX(v));
    else {
      store<f64>(out + o, expm1MinusXScalar(f64x2.extract_lane(v, 0)));
      store<f64>(out + o, expm1MinusXScalar(f64x2.extract_lane(v, 1)), 8);
    }
  }
  if (i < n) store<f64>(out + (<usize>i << 3), expm1MinusXScalar(load<f64>(x + (<usize>i << 3))));
}

// ---------------------------------------------------------------------------------------------
// fused batched KL between diagonal Gaussians

/** f64x2 constants of the division-free exp and φ (one load each, see VCONST): 1/n! and others. */
const VFAST: usize = memory.data<f64>(
  [
    1.0 / 1307674368000.0, 1.0 / 1307674368000.0, // 0
    1.0 / 87178291200.0, 1.0 / 87178291200.0, // 1
    1.0 / 6227020800.0, 1.0 / 6227020800.0, // 2
    1.0 / 479001600.0, 1.0 / 479001600.0, // 3
    1.0 / 39916800.0, 1.0 / 39916800.0, // 4
    1.0 / 3628800.0, 1.0 / 3628800.0, // 5
    1.0 / 362880.0, 1.0 / 362880.0, // 6
    1.0 / 40320.0, 1.0 / 40320.0, // 7
    1.0 / 5040.0, 1.0 / 5040.0, // 8
    1.0 / 720.0, 1.0 / 720.0, // 9
    1.0 / 120.0, 1.0 / 120.0, // 10
    1.0 / 24.0, 1.0 / 24.0, // 11
    1.0 / 6.0, 1.0 / 6.0, // 12
    0.5, 0.5, // 13
    1.0, 1.0, // 14
    0.34657359027997264, 0.34657359027997264, // 15
  ],
  16,
);
@inline function vf(i: i32): v128 {
  return v128.load(VFAST + (<usize>i << 4));
}

/**
 * eˣ per lane for |x| < 700 without a division: k = round(x / ln 2) by the 1.5·2⁵² shift,
 * r = x − k ln 2 in two parts (Cody–Waite, |r| ≤ ½ ln 2), e^r by its Taylor polynomial to r¹³
 * (truncation < 0.05 ulp), then 2ᵏ added to the exponent field. Within 2 ulp of eˣ.
 */
@inline function vexpFast(x: v128): v128 {
  const shift = vc(37 /* 1.5·2^52 */);
  const kf = f64x2.sub(f64x2.add(f64x2.mul(x, vc(4 /* INV_LN2 */)), shift), shift);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */))), f64x2.mul(kf, vc(8 /* LN2_LO */)));
  let p = vf(2 /* 1.0 / 6227020800.0 */); // 1/13!
  p = f64x2.add(vf(3 /* 1.0 / 479001600.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(4 /* 1.0 / 39916800.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(5 /* 1.0 / 3628800.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(6 /* 1.0 / 362880.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(7 /* 1.0 / 40320.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(8 /* 1.0 / 5040.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(9 /* 1.0 / 720.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(10 /* 1.0 / 120.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(11 /* 1.0 / 24.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(12 /* 1.0 / 6.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(13 /* 0.5 */), f64x2.mul(r, p));
  p = f64x2.add(vf(14 /* 1.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(14 /* 1.0 */), f64x2.mul(r, p));
  return i64x2.add(p, vexpShift(kf));
}

/**
 * φ(t) = eᵗ − 1 − t per lane for |t| < 38 without a division, from one polynomial: with
 * t = k ln 2 + r (|r| ≤ ½ ln 2 as in {@link vexpFast}) and φ(r) = r² Σ_{n≥2} rⁿ⁻²/n! to r¹⁵/15!,
 * φ(t) = φ(r) when k = 0 (then r = t exactly: nearly equal variances keep every digit), and
 * 2ᵏ (1 + (r + φ(r))) − 1 − t otherwise (φ ≥ 0.05 there: a few ulp).
 */
@inline function vphiFast(t: v128): v128 {
  const shift = vc(37 /* 1.5·2^52 */);
  const kf = f64x2.sub(f64x2.add(f64x2.mul(t, vc(4 /* INV_LN2 */)), shift), shift);
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(kf, vc(7 /* LN2_HI */))), f64x2.mul(kf, vc(8 /* LN2_LO */)));
  let p = vf(0 /* 1/15! */);
  for (let i = 1; i <= 13; i++) p = f64x2.add(vf(i), f64x2.mul(r, p)); // … 1/3!, 1/2
  const phiR = f64x2.mul(f64x2.mul(r, r), p);
  const k0 = f64x2.eq(kf, vsplat(0));
  if (i64x2.all_true(k0)) return phiR;
  const e = i64x2.add(f64x2.add(vf(14 /* 1.0 */), f64x2.add(r, phiR)), vexpShift(kf));
  const viaExp = f64x2.sub(f64x2.sub(e, vf(14 /* 1.0 */)), t);
  return v128.bitselect(phiR, viaExp, k0);
}

/**
 * out[b] = ½ [ Σ_j φ(lvp − lvq) + Σ_j (μp − μq)² e^{−lvq} ], φ(t) = eᵗ − 1 − t, clamped at 0, for
 * b < nb (KL(p ‖ q) of diagonal Gaussians given by means and log-variances). p's arrays are nb×d;
 * each of q's arrays is nb×d, or one shared row of d when its `shared` flag is set. Each row is
 * read contiguously, two columns per f64x2, with the division-free {@link vexpFast} and
 * {@link vphiFast} (a pair of columns outside |t| < 38 or |lvq| < 700 takes the fdlibm scalar
 * path); results agree with the TypeScript path to a few ulp, not bit for bit. If every
 * (μp − μq) of a row is 0, its second sum is 0. Clamped at 0; NaN stays NaN. `work` holds d
 * doubles (e^{−lvq/2} of a shared q row). The second sum is formed as Σ ((μp − μq) e^{−lvq/2})²,
 * finite and exact at scales of 1e±200.
 */
export function klDiagBatch(
  nb: i32,
  d: i32,
  locP: usize,
  lvP: usize,
  locQ: usize,
  locQShared: i32,
  lvQ: usize,
  lvQShared: i32,
  out: usize,
  work: usize,
): void {
  const rowBytes = <usize>(d * 8);
  const sLocQ: usize = locQShared != 0 ? 0 : rowBytes;
  const sLvQ: usize = lvQShared != 0 ? 0 : rowBytes;
  if (lvQShared != 0) {
    for (let j = 0; j < d; j++) store<f64>(work + (<usize>j << 3), expScalar(-0.5 * load<f64>(lvQ + (<usize>j << 3))));
  }
  const dv = d & ~1;
  for (let b = 0; b < nb; b++) {
    const lp = locP + <usize>b * rowBytes;
    const vp = lvP + <usize>b * rowBytes;
    const lq = locQ + <usize>b * sLocQ;
    const vq = lvQ + <usize>b * sLvQ;
    let term = vsplat(0);
    let maha = vsplat(0);
    let nonzero = vsplat(0);
    for (let j = 0; j < dv; j += 2) {
      const o = <usize>j << 3;
      const lvq = v128.load(vq + o);
      const t = f64x2.sub(v128.load(vp + o), lvq);
      const nlvq = f64x2.mul(lvq, vsplat(-0.5)); // −lvq/2: δ e^{−lvq/2} is squared below
      const delta = f64x2.sub(v128.load(lp + o), v128.load(lq + o));
      nonzero = v128.or(nonzero, f64x2.ne(delta, vsplat(0)));
      const tOk = f64x2.lt(f64x2.abs(t), vc(34 /* 38 */));
      let phi: v128;
      let ex: v128;
      if (lvQShared != 0) {
        ex = v128.load(work + o);
        if (i64x2.all_true(tOk)) phi = vphiFast(t);
        else phi = f64x2(expm1MinusXScalar(f64x2.extract_lane(t, 0)), expm1MinusXScalar(f64x2.extract_lane(t, 1)));
      } else if (i64x2.all_true(v128.and(tOk, f64x2.lt(f64x2.abs(nlvq), vc(33 /* 700 */))))) {
        phi = vphiFast(t);
        ex = vexpFast(nlvq);
      } else {
        phi = f64x2(expm1MinusXScalar(f64x2.extract_lane(t, 0)), expm1MinusXScalar(f64x2.extract_lane(t, 1)));
        ex = f64x2(expScalar(f64x2.extract_lane(nlvq, 0)), expScalar(f64x2.extract_lane(nlvq, 1)));
      }
      term = f64x2.add(term, phi);
      // (δ e^{−lvq/2})², not δ² e^{−lvq}: at scales of 1e-200 δ² underflows and e^{−lvq} overflows
      const z = f64x2.mul(delta, ex);
      maha = f64x2.add(maha, f64x2.mul(z, z));
    }
    let ts = f64x2.extract_lane(term, 0) + f64x2.extract_lane(term, 1);
    let ms = f64x2.extract_lane(maha, 0) + f64x2.extract_lane(maha, 1);
    let nz = v128.any_true(nonzero);
    if (dv < d) {
      const o = <usize>dv << 3;
      const lvq = load<f64>(vq + o);
      ts += expm1MinusXScalar(load<f64>(vp + o) - lvq);
      const delta = load<f64>(lp + o) - load<f64>(lq + o);
      if (delta != 0) nz = true;
      const z = delta * (lvQShared != 0 ? load<f64>(work + o) : expScalar(-0.5 * lvq));
      ms += z * z;
    }
    if (!nz) ms = 0;
    const v = 0.5 * (ts + ms);
    store<f64>(out + (<usize>b << 3), v > 0 || v != v ? v : 0.0);
  }
}

// ---------------------------------------------------------------------------------------------
// symmetric tridiagonalisation: the fused rank-two update and matrix–vector product of one step

/** Parts of the rows of a fused step (see {@link tridiagFusedStep}). */
const TRI_PARTS: i32 = 8;

/** First row of part p (0 ≤ p ≤ TRI_PARTS) of rows [0, l): parts of about equal triangle area. */
export function tridiagPartStart(l: i32, p: i32): i32 {
  if (p <= 0) return 0;
  if (p >= TRI_PARTS) return l;
  return <i32>Math.floor(<f64>l * Math.sqrt(<f64>p / <f64>TRI_PARTS));
}

/** Number of parts of a fused step (for the threaded driver). */
export function tridiagParts(): i32 {
  return TRI_PARTS;
}

/**
 * Rows [j0, j1) of one step of the fused Householder tridiagonalisation of src/linalg/eigh.ts
 * (`tridiagonalize`): with u = row i and v = row l = i − 1 of the row-major n×n matrix at `a`
 * (lower triangle used), for every row j in [j0, j1) and column k ≤ j
 *
 *   A[j, k] −= u_j q_k + q_j u_k        (the rank-two update of step i)
 *   part[k] += A[j, k] v_j,  part[j] += Σ_{k<j} A[j, k] v_k + A[j, j] v_j
 *
 * with `part` zeroed over [0, j1) first. Two columns per f64x2; the row sums use two lanes.
 */
export function tridiagFusedRows(n: i32, a: usize, i: i32, l: i32, q: usize, part: usize, j0: i32, j1: i32): void {
  const rowBytes = <usize>n << 3;
  const ri = a + <usize>i * rowBytes;
  const rl = a + <usize>l * rowBytes;
  memory.fill(part, 0, <usize>j1 << 3);
  for (let j = j0; j < j1; j++) {
    const rj = a + <usize>j * rowBytes;
    const jo = <usize>j << 3;
    const uj = load<f64>(ri + jo);
    const qj = load<f64>(q + jo);
    const vj = load<f64>(rl + jo);
    const vu = f64x2.splat(uj);
    const vq = f64x2.splat(qj);
    const vv = f64x2.splat(vj);
    // two accumulators (four columns per iteration): one chain of dependent multiply-adds would
    // bound the loop by the add latency
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let k = 0;
    for (; k + 4 <= j; k += 4) {
      const o = <usize>k << 3;
      const x = f64x2.sub(
        v128.load(rj + o),
        f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(ri + o))),
      );
      const y = f64x2.sub(
        v128.load(rj + o, 16),
        f64x2.add(f64x2.mul(vu, v128.load(q + o, 16)), f64x2.mul(vq, v128.load(ri + o, 16))),
      );
      v128.store(rj + o, x);
      v128.store(rj + o, y, 16);
      s2 = madd(x, v128.load(rl + o), s2);
      s3 = madd(y, v128.load(rl + o, 16), s3);
      v128.store(part + o, madd(x, vv, v128.load(part + o)));
      v128.store(part + o, madd(y, vv, v128.load(part + o, 16)), 16);
    }
    for (; k + 2 <= j; k += 2) {
      const o = <usize>k << 3;
      const x = f64x2.sub(
        v128.load(rj + o),
        f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(ri + o))),
      );
      v128.store(rj + o, x);
      s2 = madd(x, v128.load(rl + o), s2);
      v128.store(part + o, madd(x, vv, v128.load(part + o)));
    }
    s2 = f64x2.add(s2, s3);
    let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    for (; k < j; k++) {
      const o = <usize>k << 3;
      const x = load<f64>(rj + o) - (uj * load<f64>(q + o) + qj * load<f64>(ri + o));
      store<f64>(rj + o, x);
      s += x * load<f64>(rl + o);
      store<f64>(part + o, load<f64>(part + o) + x * vj);
    }
    const x = load<f64>(rj + jo) - (uj * qj + qj * uj);
    store<f64>(rj + jo, x);
    store<f64>(part + jo, load<f64>(part + jo) + s + x * vj);
  }
}

/**
 * pn[k] = Σ_p part_p[k] for k < l, in the order p = 0, 1, …, over the non-empty parts whose rows
 * end after k (part p at work + p·n doubles; see {@link tridiagFusedRows}).
 */
export function tridiagReduce(n: i32, l: i32, work: usize, pn: usize): void {
  memory.fill(pn, 0, <usize>l << 3);
  for (let p = 0; p < TRI_PARTS; p++) {
    const j0 = tridiagPartStart(l, p);
    const j1 = tridiagPartStart(l, p + 1);
    if (j1 <= j0) continue;
    const part = work + <usize>p * (<usize>n << 3);
    let k = 0;
    for (; k + 2 <= j1; k += 2) {
      const o = <usize>k << 3;
      v128.store(pn + o, f64x2.add(v128.load(pn + o), v128.load(part + o)));
    }
    for (; k < j1; k++) {
      const o = <usize>k << 3;
      store<f64>(pn + o, load<f64>(pn + o) + load<f64>(part + o));
    }
  }
}

/**
 * One whole step of the fused tridiagonalisation: the {@link TRI_PARTS} parts of rows [0, l)
 * ({@link tridiagFusedRows}, partial products in `work`, TRI_PARTS·n doubles), then
 * {@link tridiagReduce} into pn. The threaded driver runs the same parts on several threads and
 * the same reduction, so its bits are these.
 */
export function tridiagFusedStep(n: i32, a: usize, i: i32, l: i32, q: usize, pn: usize, work: usize): void {
  for (let p = 0; p < TRI_PARTS; p++) {
    const j0 = tridiagPartStart(l, p);
    const j1 = tridiagPartStart(l, p + 1);
    if (j1 > j0) tridiagFusedRows(n, a, i, l, q, work + <usize>p * (<usize>n << 3), j0, j1);
  }
  tridiagReduce(n, l, work, pn);
}

// ---------------------------------------------------------------------------------------------
// pairwise KL between categorical distributions: the cross-entropy product and its epilogue

/** Rows of a block the pairwise categorical kernel multiplies at a time (a 128 × 256 tile: 256 KiB, in L2). */
const CAT_ROWS: i32 = 128;

/**
 * One entry of the categorical epilogue at o (holding the cross term C): max(h − C, 0), or NaN
 * and its index `idx` flagged (while fewer than cap) when h − C < tau·(−C − h). Returns the new
 * flag count.
 */
@inline function catKlEntry(o: usize, h: f64, tau: f64, idx: i32, flags: usize, cap: i32, cnt: i32): i32 {
  const cross = load<f64>(o);
  const v = h - cross;
  if (v < tau * (-cross - h)) {
    store<f64>(o, NaN);
    if (cnt < cap) store<i32>(flags + (<usize>cnt << 2), idx);
    return cnt + 1;
  }
  store<f64>(o, v > 0 ? v : 0.0);
  return cnt;
}

/**
 * Columns [c0, c1) of a block of the pairwise categorical KL matrix, KL_ij = Σ p log p − P·(log Q)ᵀ,
 * fused: for each group of {@link CAT_ROWS} rows the cross term C = P·Lqᵀ is formed by the GEMM
 * (the `Fused` or `Unfused` rounding, so the bits of `gemm` / `gemmUnfused`: every entry is one
 * sequence over k, in slabs of KC, whatever the tiling) into the output tile, and while the tile
 * is in cache each entry becomes
 *   +∞                      if p_i > 0 and q_j = 0 in some column (the 32-bit masks share a bit),
 *   NaN, flagged            if v = h_i − C_ij < tau · (−C_ij − h_i) (cancellation: recomputed exactly by the caller),
 *   max(v, 0)               otherwise,
 * the operations of the TypeScript epilogue (src/pairwise/categorical-kernel.ts) in its order.
 * Flagged entries' indices (i·m + j) go to flags[chunk·cap …] while fewer than cap; the count of
 * flagged entries (possibly more than cap) to counts[chunk].
 *
 * Parameters, as f64 at prm: R (rows), m (columns), K, P (R × K), Lq (m × K, log q with 0 for
 * −∞), h (R: Σ p log p), out (R × m), tau, W (mask words per row), pmask (R × W u32), qmask
 * (m × W u32), flags (i32), cap, counts (i32), fused (1: `Fused`).
 */
export function catKlCols(prm: usize, c0: i32, c1: i32, chunk: i32): void {
  const R = <i32>load<f64>(prm);
  const m = <i32>load<f64>(prm, 8);
  const K = <i32>load<f64>(prm, 16);
  const p = <usize>load<f64>(prm, 24);
  const lq = <usize>load<f64>(prm, 32);
  const h = <usize>load<f64>(prm, 40);
  const out = <usize>load<f64>(prm, 48);
  const tau = load<f64>(prm, 56);
  const W = <i32>load<f64>(prm, 64);
  const pm = <usize>load<f64>(prm, 72);
  const qm = <usize>load<f64>(prm, 80);
  const cap = <i32>load<f64>(prm, 96);
  const flags = <usize>load<f64>(prm, 88) + <usize>chunk * <usize>cap * 4;
  const counts = <usize>load<f64>(prm, 104);
  const fused = load<f64>(prm, 112) != 0;
  const tc = c1 - c0;
  let cnt: i32 = 0;
  if (tc <= 0) {
    store<i32>(counts + (<usize>chunk << 2), 0);
    return;
  }
  for (let r0 = 0; r0 < R; r0 += CAT_ROWS) {
    const r1 = min(R, r0 + CAT_ROWS);
    const a = p + <usize>(r0 * K) * 8;
    const b = lq + <usize>(c0 * K) * 8;
    const c = out + <usize>(r0 * m + c0) * 8;
    // C = 0 + P·Lqᵀ without zeroing the tile first (the first K slab overwrites)
    if (fused) gemmCore<Fused>(0, 1, r1 - r0, tc, K, 1.0, a, K, b, K, c, m, 0, 1);
    else gemmCore<Unfused>(0, 1, r1 - r0, tc, K, 1.0, a, K, b, K, c, m, 0, 1);
    for (let i = r0; i < r1; i++) {
      const hi = load<f64>(h + (<usize>i << 3));
      const row = out + <usize>(i * m) * 8;
      let j = c0;
      if (W == 0) {
        // two entries per f64x2; a pair with a flagged entry takes the scalar path
        const vh = f64x2.splat(hi);
        const vt = f64x2.splat(tau);
        for (; j + 2 <= c1; j += 2) {
          const o = row + (<usize>j << 3);
          const cross = v128.load(o);
          const v = f64x2.sub(vh, cross);
          if (v128.any_true(f64x2.lt(v, f64x2.mul(vt, f64x2.sub(f64x2.neg(cross), vh))))) {
            cnt = catKlEntry(o, hi, tau, i * m + j, flags, cap, cnt);
            cnt = catKlEntry(o + 8, hi, tau, i * m + j + 1, flags, cap, cnt);
          } else v128.store(o, v128.and(v, f64x2.gt(v, f64x2.splat(0)))); // v > 0 ? v : +0
        }
        for (; j < c1; j++) cnt = catKlEntry(row + (<usize>j << 3), hi, tau, i * m + j, flags, cap, cnt);
      } else {
        const pmi = pm + <usize>(i * W) * 4;
        for (; j < c1; j++) {
          const o = row + (<usize>j << 3);
          let hit: u32 = 0;
          const qmj = qm + <usize>(j * W) * 4;
          for (let w = 0; w < W; w++) hit |= load<u32>(pmi + (<usize>w << 2)) & load<u32>(qmj + (<usize>w << 2));
          if (hit != 0) store<f64>(o, Infinity);
          else cnt = catKlEntry(o, hi, tau, i * m + j, flags, cap, cnt);
        }
      }
    }
  }
  store<i32>(counts + (<usize>chunk << 2), cnt);
}

// ---------------------------------------------------------------------------------------------
// exact k-nearest-neighbour queries on a k-d tree (Euclidean, squared distances)

// the search state of this instance (globals are per instance: one per thread)
let kdD: i32 = 0;
let kdPts: usize = 0;
let kdIds: usize = 0;
let kdLeft: usize = 0;
let kdRight: usize = 0;
let kdStart: usize = 0;
let kdEnd: usize = 0;
let kdDim: usize = 0;
let kdVal: usize = 0;
let kdQ: usize = 0;
let kdExclude: i32 = -1;
let kdOff: usize = 0;
let kdHeap: usize = 0;
let kdSize: i32 = 0;
let kdCap: i32 = 0;

/** The current k-th smallest squared distance (+∞ while fewer than k were seen). */
@inline function kdWorst(): f64 {
  return kdSize < kdCap ? Infinity : load<f64>(kdHeap);
}

/** Max-heap insert keeping the kdCap smallest values (the k-d tree's `heapPush`, values only). */
function kdPush(v: f64): void {
  const hv = kdHeap;
  if (kdSize < kdCap) {
    let i = kdSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pv = load<f64>(hv + (<usize>p << 3));
      if (pv >= v) break;
      store<f64>(hv + (<usize>i << 3), pv);
      i = p;
    }
    store<f64>(hv + (<usize>i << 3), v);
    return;
  }
  if (v >= load<f64>(hv)) return;
  const size = kdSize;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const lv = load<f64>(hv + (<usize>l << 3));
    let c = l;
    let cv = lv;
    if (r < size) {
      const rv = load<f64>(hv + (<usize>r << 3));
      if (rv > lv) {
        c = r;
        cv = rv;
      }
    }
    if (cv <= v) break;
    store<f64>(hv + (<usize>i << 3), cv);
    i = c;
  }
  store<f64>(hv + (<usize>i << 3), v);
}

/**
 * The points of a leaf: Σ_t (q_t − p_t)² in dimension order t = 0, 1, … (stopping early once
 * beyond the current k-th distance), the src/estimators/kdtree.ts `scanLeaf` expression.
 */
function kdScanLeaf(node: i32): void {
  const d = kdD;
  const e = load<i32>(kdEnd + (<usize>node << 2));
  for (let i = load<i32>(kdStart + (<usize>node << 2)); i < e; i++) {
    if (load<i32>(kdIds + (<usize>i << 2)) == kdExclude) continue;
    const w = kdWorst();
    const p = kdPts + <usize>(i * d) * 8;
    let s: f64 = 0;
    for (let t = 0; t < d; t++) {
      const g = load<f64>(kdQ + (<usize>t << 3)) - load<f64>(p + (<usize>t << 3));
      s += g * g;
      if (s > w) break;
    }
    if (s < w || kdSize < kdCap) kdPush(s);
  }
}

/** The incremental-distance descent of src/estimators/kdtree.ts `searchEuclid`. */
function kdSearch(node: i32, rd: f64): void {
  const l = load<i32>(kdLeft + (<usize>node << 2));
  if (l < 0) {
    kdScanLeaf(node);
    return;
  }
  const dim = load<i32>(kdDim + (<usize>node << 2));
  const diff = load<f64>(kdQ + (<usize>dim << 3)) - load<f64>(kdVal + (<usize>node << 3));
  const r = load<i32>(kdRight + (<usize>node << 2));
  kdSearch(diff < 0 ? l : r, rd);
  const oo = kdOff + (<usize>dim << 3);
  const old = load<f64>(oo);
  const rdFar = rd - old * old + diff * diff;
  if (rdFar * (1 - 1e-12) < kdWorst()) {
    store<f64>(oo, diff);
    kdSearch(diff < 0 ? r : l, rdFar);
    store<f64>(oo, old);
  }
}

/**
 * Squared k-th nearest-neighbour distances of the queries at positions [p0, p1) of `order`
 * (query index i = order[p], or p when there is no order) into out[i], with query i skipping the
 * point of original index i when `self` is set. The tree is src/estimators/kdtree.ts's arrays.
 * The k-th distance is the k-th smallest of exactly the values the TypeScript search computes,
 * so the results are the same bits. Parameters, as f64 at prm: d, k, pts, ids, left, right,
 * start, end, splitDim, splitVal (the tree), query (rows of d), order (0: none), self, out.
 * Uses this instance's scratch for its heap and offsets.
 */
export function kdKnn(prm: usize, p0: i32, p1: i32): void {
  kdD = <i32>load<f64>(prm);
  const k = <i32>load<f64>(prm, 8);
  kdPts = <usize>load<f64>(prm, 16);
  kdIds = <usize>load<f64>(prm, 24);
  kdLeft = <usize>load<f64>(prm, 32);
  kdRight = <usize>load<f64>(prm, 40);
  kdStart = <usize>load<f64>(prm, 48);
  kdEnd = <usize>load<f64>(prm, 56);
  kdDim = <usize>load<f64>(prm, 64);
  kdVal = <usize>load<f64>(prm, 72);
  const query = <usize>load<f64>(prm, 80);
  const order = <usize>load<f64>(prm, 88);
  const self = load<f64>(prm, 96) != 0;
  const out = <usize>load<f64>(prm, 104);
  kdOff = packAPtr();
  kdHeap = kdOff + (<usize>kdD << 3);
  kdCap = k;
  for (let p = p0; p < p1; p++) {
    const i = order != 0 ? load<i32>(order + (<usize>p << 2)) : p;
    kdQ = query + <usize>(i * kdD) * 8;
    kdExclude = self ? i : -1;
    kdSize = 0;
    memory.fill(kdOff, 0, <usize>kdD << 3);
    kdSearch(0, 0);
    store<f64>(out + (<usize>i << 3), load<f64>(kdHeap));
  }
}
