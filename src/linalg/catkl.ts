/**
 * The fused WASM pairwise categorical KL (asm/kernels.ts `catKlCols`): the cross-entropy product
 * P·(log Q)ᵀ and the epilogue KL = Σ p log p − cross (support check, cancellation flag, clamp at
 * 0) in one pass over each output tile while it is in cache, instead of a product written out
 * and a second TypeScript pass over it. Rows are done in blocks whose output fits a bounded
 * region of the module's memory; each block's column chunks are shared between the dense worker
 * threads (src/linalg/threaded.ts) when the product is large, else run in the calling thread.
 *
 * The product is the module's GEMM with the rounding `gemmNT` would use (`fused`), so every entry
 * has the bits of the TypeScript kernel's path (src/pairwise/categorical-kernel.ts); entries the
 * kernel flags for cancellation are recomputed exactly by the caller's `exact(i, j)`.
 */
import { stagingRegion } from "./wasm.js";
import { pad } from "./wasm-module.js";
import { MAX_CHUNKS, gemmThreadsFor, threadedCatKl } from "./threaded.js";

/** What the kernel reads: row-major arrays, K values per row, W mask words per row. */
export interface CatKlOperands {
  m: number;
  K: number;
  /** p's probabilities, n × K. */
  pProbs: Float64Array;
  /** log q with −∞ replaced by 0, m × K. */
  lq: Float64Array;
  /** Σ_k p log p per row of p. */
  negEnt: Float64Array;
  /** 32-bit words per row of the support masks (0: no q has a zero). */
  W: number;
  /** Bit z of row i: p_i > 0 in the z-th column where some q is 0 (n × W). */
  pmask: Uint32Array;
  /** Bit z of row j: q_j = 0 in that column (m × W). */
  qmask: Uint32Array;
  tau: number;
}

/** Output doubles per block (32 MiB; measured at M = 20 000, K = 64: 8–64 MiB within 3 %, 8 MiB 15 % slower): bounds the module's memory whatever the matrix size. */
let BLOCK_DOUBLES = 1 << 22;

/** Test hook (not exported from the package): a smaller output block, to test many blocks. */
export const catKlTesting = {
  setBlockDoubles(n: number): void {
    BLOCK_DOUBLES = n;
  },
};
/** Flagged entries remembered per chunk (more: the chunk is scanned for its NaN markers). */
const FLAG_CAP = 256;
/**
 * Rows [i0, i1) × all m columns into out[off + (i − i0)·m + j], with `fused` the GEMM's rounding
 * (true: the module's `gemm`, false: `gemmUnfused`). False, with nothing promised about `out`,
 * when the module is missing, memory cannot grow or a worker failed: the caller then computes
 * the rows itself.
 */
export function catKlRowsWasm(
  c: CatKlOperands,
  i0: number,
  i1: number,
  out: Float64Array,
  off: number,
  fused: boolean,
  exact: (i: number, j: number) => number,
): boolean {
  const { m, K, W } = c;
  const rows = i1 - i0;
  if (rows <= 0 || m <= 0) return true;
  const R = Math.max(1, Math.min(rows, Math.floor(BLOCK_DOUBLES / m)));
  const width = Math.max(256, pad(Math.ceil(m / MAX_CHUNKS)));
  const chunks = Math.ceil(m / width);
  const ranges: number[] = [];
  for (let ch = 0; ch < chunks; ch++) ranges.push(ch * width, Math.min(m, (ch + 1) * width));
  // layout (doubles): parameters | counts ×nbuf | flags ×nbuf | Lq | qmask | P | h | pmask | out ×nbuf;
  // threaded, two sets of output buffers: the calling thread copies block b − 1 out while the
  // workers start on block b
  const countsLen = pad(Math.ceil(chunks / 2));
  const flagsLen = pad(Math.ceil((chunks * FLAG_CAP) / 2));
  const outLen = pad(R * m);
  const layout = (nbuf: number) => {
    const oCounts = 16;
    const oFlags = oCounts + nbuf * countsLen;
    const oLq = oFlags + nbuf * flagsLen;
    const oQm = oLq + pad(m * K);
    const oP = oQm + pad(Math.ceil((m * W) / 2));
    const oH = oP + pad(R * K);
    const oPm = oH + pad(R);
    const oOut = oPm + pad(Math.ceil((R * W) / 2));
    return { oCounts, oFlags, oLq, oQm, oP, oH, oPm, oOut, doubles: oOut + nbuf * outLen };
  };
  const threads = gemmThreadsFor(rows * m * K);
  let region = threads > 1 ? stagingRegion(threads, layout(2).doubles) : null;
  if (!region?.shared) region = stagingRegion(1, layout(1).doubles);
  if (!region) return false;
  const { heap, offset: o, shared, exports: x } = region;
  const { oCounts, oFlags, oLq, oQm, oP, oH, oPm, oOut } = layout(shared ? 2 : 1);
  const i32 = new Int32Array(heap.buffer);
  const u32 = new Uint32Array(heap.buffer);
  heap.set(c.lq.subarray(0, m * K), o + oLq);
  if (W > 0) u32.set(c.qmask.subarray(0, m * W), 2 * (o + oQm));
  const prm = o * 8;
  /** Copies block [b0, b0 + r) out of buffer set q and fills in its flagged entries. */
  const finish = (q: number, b0: number, r: number): void => {
    const dst = off + (b0 - i0) * m;
    const ob = o + oOut + q * outLen;
    out.set(heap.subarray(ob, ob + r * m), dst);
    // entries flagged for cancellation: exact values
    for (let ch = 0; ch < chunks; ch++) {
      const cnt = i32[2 * (o + oCounts + q * countsLen) + ch];
      if (cnt === 0) continue;
      if (cnt <= FLAG_CAP) {
        const f0 = 2 * (o + oFlags + q * flagsLen) + ch * FLAG_CAP;
        for (let t = 0; t < cnt; t++) {
          const idx = i32[f0 + t];
          const a = Math.floor(idx / m);
          out[dst + idx] = exact(b0 + a, idx - a * m);
        }
      } else {
        for (let a = 0; a < r; a++)
          for (let j = ranges[2 * ch]; j < ranges[2 * ch + 1]; j++)
            if (Number.isNaN(out[dst + a * m + j])) out[dst + a * m + j] = exact(b0 + a, j);
      }
    }
  };
  let pending: (() => void) | undefined;
  for (let b0 = i0, blk = 0; b0 < i1; b0 += R, blk++) {
    const r = Math.min(R, i1 - b0);
    const q = shared ? blk & 1 : 0;
    const params = [
      r,
      m,
      K,
      (o + oP) * 8,
      (o + oLq) * 8,
      (o + oH) * 8,
      (o + oOut + q * outLen) * 8,
      c.tau,
      W,
      (o + oPm) * 8,
      (o + oQm) * 8,
      (o + oFlags + q * flagsLen) * 8,
      FLAG_CAP,
      (o + oCounts + q * countsLen) * 8,
      fused ? 1 : 0,
    ];
    for (let t = 0; t < params.length; t++) heap[o + t] = params[t];
    heap.set(c.pProbs.subarray(b0 * K, (b0 + r) * K), o + oP);
    heap.set(c.negEnt.subarray(b0, b0 + r), o + oH);
    if (W > 0) u32.set(c.pmask.subarray(b0 * W, (b0 + r) * W), 2 * (o + oPm));
    if (shared) {
      if (!threadedCatKl(prm, ranges, pending)) return false;
      pending = () => finish(q, b0, r);
    } else {
      for (let ch = 0; ch < chunks; ch++) x.catKlCols(prm, ranges[2 * ch], ranges[2 * ch + 1], ch);
      finish(q, b0, r);
    }
  }
  pending?.();
  return true;
}
