/**
 * A cache-blocked matrix product in plain TypeScript for the pairwise divergence matrices:
 *
 *   C[i, j] = Σ_k A[i, k] · B[j, k]        (C = A Bᵀ, "NT" form; i < m, j < n, k < K)
 *
 * Both operands are row-major with the summed index contiguous: row i of A and row j of B are
 * the feature vectors of the i-th p and the j-th q, which is how the pairwise code builds them.
 *
 * Structure (the GotoBLAS / BLIS layering, reduced to what a scalar JIT can use):
 * - the K axis is cut into slabs of {@link GEMM_KC} and B's columns into blocks of
 *   {@link GEMM_NC}, so a packed block of B (NC × KC) stays in L2 while A streams past it;
 * - B's slab is packed in panels of 4 columns, interleaved k-major (`Bp[k·4 + c]`), and each
 *   group of 4 rows of A likewise, so the micro-kernel reads both operands sequentially;
 * - a 4 × 4 register-blocked micro-kernel keeps 16 accumulators in local variables (V8 keeps
 *   them in registers) and does 16 multiply-adds per 8 loads.
 *
 * Reproducibility: every entry is accumulated in ONE sequence, k = 0, 1, …, K − 1, starting from
 * 0 (or from C when accumulating); slab boundaries store and reload the partial sum, which is
 * exact. JavaScript never contracts a·b + c into a fused multiply-add. So the result of an entry
 * does not depend on m, n, on where the entry falls in a 4 × 4 block, or on how a caller tiles
 * the product: tiling a pairwise matrix never changes a single bit of it.
 *
 * Speed: about 2–6 GFlop/s on one core of a current x86 (no SIMD is reachable from plain JS);
 * an optimised BLAS with AVX2/AVX-512 on the same core is 5–10× faster.
 *
 * WebAssembly: when the WASM SIMD kernels are enabled (`enableWasm()` from src/linalg/wasm.ts,
 * i.e. `kernels().name === "wasm"`), {@link gemmNT} runs the module's f64x2 `gemm` instead
 * (≈ 10 GFlop/s on the same core), copying the operands into its memory. That kernel also sums
 * each entry in k order within slabs of 256 and adds the slab sums to C, so for K ≤ 256 its
 * results are bit-identical to the TypeScript path, and for any K they do not depend on tiling.
 */
import { kernels } from "./kernels.js";
import { batchUsesWasm, stagingRegion } from "./wasm.js";
import { pad } from "./wasm-module.js";
import { gemmThreadsFor, threadedGemm } from "./threaded.js";

/** Length of a K slab: a packed 4-row panel of A is then 8 KiB (L1). */
export const GEMM_KC = 256;
/** Columns of B per packed block: a packed B block (256 × 256 doubles) is 512 KiB (L2). */
export const GEMM_NC = 256;

const MR = 4;
const NR = 4;

let packA: Float64Array = new Float64Array(MR * GEMM_KC * 64);
let packB: Float64Array = new Float64Array(NR * GEMM_KC * 64);
const edge = new Float64Array(MR * NR);

function grow(buf: Float64Array, size: number): Float64Array {
  return buf.length >= size ? buf : new Float64Array(Math.max(size, buf.length * 2));
}

/**
 * Which implementation {@link gemmNT} runs: `"auto"` (default) is WASM when the WASM kernels are
 * enabled, and also with the default kernels when K ≤ 256 and the product has m·n·K ≥
 * `WASM_LARGE_BATCH` (2^15) multiply-adds (`batchUsesWasm`), where both give the same bits, so
 * the choice never changes a result: this size-based switch runs the module's `gemmUnfused`,
 * which rounds every multiply-add twice like TypeScript even in the relaxed-SIMD build (whose
 * `gemm`, run after `enableWasm()` or with `"wasm"`, uses fused multiply-adds and agrees only to
 * round-off); plain TypeScript otherwise.
 * Speed-up of WASM over TypeScript measured on one core (m = n, copies into WASM memory
 * included): 0.16 at m·n·K = 8·8·2, 1.1 at 32·32·8, 1.6 at 32·32·16, 1.3 at 128·128·2,
 * 3.3 at 32·32·64, 4.5 at 256·256·64.
 * `"wasm"` falls back to TypeScript when WebAssembly SIMD is unavailable.
 */
export type GemmBackend = "auto" | "js" | "wasm";

/**
 * C = A Bᵀ (or C += A Bᵀ with `accumulate`), all operands as flat arrays with offsets and row
 * strides (leading dimensions):
 *
 *   C[cOff + i·ldc + j] (+)= Σ_{k<K} A[aOff + i·lda + k] · B[bOff + j·ldb + k].
 *
 * Results are bitwise independent of how the product is split into blocks (see the module
 * comment). Inputs are read only; C must not overlap A or B. Not re-entrant (module scratch).
 *
 * @example
 * // [[1,2,3],[4,5,6]] times [[1,0,0],[0,1,0]]ᵀ
 * const C = new Float64Array(4);
 * gemmNT(2, 2, 3, Float64Array.of(1, 2, 3, 4, 5, 6), 0, 3, Float64Array.of(1, 0, 0, 0, 1, 0), 0, 3, C, 0, 2);
 * // C = [1, 2, 4, 5]
 */
export function gemmNT(
  m: number,
  n: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate = false,
  backend: GemmBackend = "auto",
): void {
  if (m <= 0 || n <= 0) return;
  if (backend === "wasm" || (backend === "auto" && kernels().name === "wasm")) {
    if (gemmWasm(m, n, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate, true)) return;
  } else if (backend === "auto" && K <= GEMM_KC && batchUsesWasm(m * n * Math.max(K, 0))) {
    // the TypeScript bits (see GemmBackend), so pairwise results never depend on tiling
    if (gemmWasm(m, n, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate, false)) return;
  }
  if (K <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    return;
  }
  const gm = Math.ceil(m / MR);
  for (let pc = 0; pc < K; pc += GEMM_KC) {
    const kc = Math.min(GEMM_KC, K - pc);
    const fresh = pc === 0 && !accumulate;
    packA = grow(packA, gm * MR * kc);
    const ap = packA;
    packPanels(A, aOff + pc, lda, m, kc, ap);
    for (let jc = 0; jc < n; jc += GEMM_NC) {
      const nc = Math.min(GEMM_NC, n - jc);
      const gn = Math.ceil(nc / NR);
      packB = grow(packB, gn * NR * kc);
      const bp = packB;
      packPanels(B, bOff + jc * ldb + pc, ldb, nc, kc, bp);
      for (let gi = 0; gi < gm; gi++) {
        const i0 = gi * MR;
        const mr = Math.min(MR, m - i0);
        for (let gj = 0; gj < gn; gj++) {
          const j0 = gj * NR;
          const nr = Math.min(NR, nc - j0);
          const co = cOff + i0 * ldc + jc + j0;
          if (mr === MR && nr === NR) kernel44(ap, gi * MR * kc, bp, gj * NR * kc, kc, C, co, ldc, fresh);
          else {
            // edge block: run the same kernel on a 4×4 scratch block, copy the live part
            for (let r = 0; r < MR; r++)
              for (let c = 0; c < NR; c++)
                edge[r * NR + c] = !fresh && r < mr && c < nr ? C[co + r * ldc + c] : 0;
            kernel44(ap, gi * MR * kc, bp, gj * NR * kc, kc, edge, 0, NR, fresh);
            for (let r = 0; r < mr; r++) for (let c = 0; c < nr; c++) C[co + r * ldc + c] = edge[r * NR + c];
          }
        }
      }
    }
  }
}

/**
 * Packs `rows` rows (row stride `ld`, starting at `off`) × `kc` columns of X into groups of 4
 * rows interleaved k-major: out[g·4·kc + k·4 + r] = X[off + (4g + r)·ld + k]; missing rows of
 * the last group are zero.
 */
function packPanels(
  X: Float64Array,
  off: number,
  ld: number,
  rows: number,
  kc: number,
  out: Float64Array,
): void {
  const groups = Math.ceil(rows / 4);
  for (let g = 0; g < groups; g++) {
    const base = g * 4 * kc;
    const r0 = 4 * g;
    const live = Math.min(4, rows - r0);
    if (live === 4) {
      const x0 = off + r0 * ld;
      const x1 = x0 + ld;
      const x2 = x1 + ld;
      const x3 = x2 + ld;
      for (let k = 0, o = base; k < kc; k++, o += 4) {
        out[o] = X[x0 + k];
        out[o + 1] = X[x1 + k];
        out[o + 2] = X[x2 + k];
        out[o + 3] = X[x3 + k];
      }
    } else {
      for (let r = 0; r < 4; r++) {
        if (r < live) {
          const x = off + (r0 + r) * ld;
          for (let k = 0; k < kc; k++) out[base + k * 4 + r] = X[x + k];
        } else {
          for (let k = 0; k < kc; k++) out[base + k * 4 + r] = 0;
        }
      }
    }
  }
}

/** The 4 × 4 micro-kernel: C block (+)= Ap-panel · Bp-panelᵀ over kc. */
function kernel44(
  ap: Float64Array,
  ao0: number,
  bp: Float64Array,
  bo: number,
  kc: number,
  C: Float64Array,
  co: number,
  ldc: number,
  fresh: boolean,
): void {
  const r1 = co + ldc;
  const r2 = r1 + ldc;
  const r3 = r2 + ldc;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  if (!fresh) {
    c00 = C[co];
    c01 = C[co + 1];
    c02 = C[co + 2];
    c03 = C[co + 3];
    c10 = C[r1];
    c11 = C[r1 + 1];
    c12 = C[r1 + 2];
    c13 = C[r1 + 3];
    c20 = C[r2];
    c21 = C[r2 + 1];
    c22 = C[r2 + 2];
    c23 = C[r2 + 3];
    c30 = C[r3];
    c31 = C[r3 + 1];
    c32 = C[r3 + 2];
    c33 = C[r3 + 3];
  }
  for (let k = 0, ao = ao0, b = bo; k < kc; k++, ao += 4, b += 4) {
    const b0 = bp[b];
    const b1 = bp[b + 1];
    const b2 = bp[b + 2];
    const b3 = bp[b + 3];
    let a = ap[ao];
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    c03 += a * b3;
    a = ap[ao + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    c13 += a * b3;
    a = ap[ao + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    c23 += a * b3;
    a = ap[ao + 3];
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
    c33 += a * b3;
  }
  C[co] = c00;
  C[co + 1] = c01;
  C[co + 2] = c02;
  C[co + 3] = c03;
  C[r1] = c10;
  C[r1 + 1] = c11;
  C[r1 + 2] = c12;
  C[r1 + 3] = c13;
  C[r2] = c20;
  C[r2 + 1] = c21;
  C[r2 + 2] = c22;
  C[r2 + 3] = c23;
  C[r3] = c30;
  C[r3 + 1] = c31;
  C[r3 + 2] = c32;
  C[r3 + 3] = c33;
}

/**
 * The WASM SIMD product (op(B) = Bᵀ): the module's `gemm` when `fused` (fused multiply-adds in
 * the relaxed-SIMD build), else `gemmUnfused` (TypeScript's rounding); false when the module is
 * unavailable.
 */
function gemmWasm(
  m: number,
  n: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
  fused: boolean,
): boolean {
  const kk = Math.max(K, 0);
  const doubles = pad(m * kk) + pad(n * kk) + pad(m * n);
  // large products: rows (or columns) of C shared with worker threads in their shared memory
  // (same bits; src/linalg/threaded.ts), else this module's own memory
  const region = stagingRegion(kk > 0 ? gemmThreadsFor(m * n * kk) : 1, doubles);
  if (!region) return false;
  const { heap, offset: oa, shared, exports: w } = region;
  const ob = oa + pad(m * kk);
  const oc = ob + pad(n * kk);
  for (let i = 0; i < m; i++) heap.set(A.subarray(aOff + i * lda, aOff + i * lda + kk), oa + i * kk);
  for (let j = 0; j < n; j++) heap.set(B.subarray(bOff + j * ldb, bOff + j * ldb + kk), ob + j * kk);
  if (accumulate)
    for (let i = 0; i < m; i++) heap.set(C.subarray(cOff + i * ldc, cOff + i * ldc + n), oc + i * n);
  else heap.fill(0, oc, oc + m * n);
  if (shared) {
    // a worker failed (threading is off from now on): redo the product in this thread
    if (!threadedGemm(m, n, kk, oa, ob, oc, fused))
      return gemmWasm(m, n, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate, fused);
  } else if (kk > 0) (fused ? w.gemm : w.gemmUnfused)(0, 1, m, n, kk, 1, oa * 8, kk, ob * 8, kk, oc * 8, n);
  for (let i = 0; i < m; i++) C.set(heap.subarray(oc + i * n, oc + (i + 1) * n), cOff + i * ldc);
  return true;
}
