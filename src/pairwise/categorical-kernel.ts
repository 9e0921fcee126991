/**
 * The Categorical pairwise-KL kernel, KL(p_i ‖ q_j) = Σ p log p − P·(log Q)ᵀ, on plain typed
 * arrays: prepared once ({@link prepareCategoricalKl}), then any range of rows is filled by
 * {@link categoricalKlRows}. Used by `pairwiseKl` in the calling thread and by the worker
 * threads of src/parallel (which receive the same arrays in shared memory), so both compute every
 * entry with the same code: a row's values do not depend on the range or thread that filled it.
 */
import { klCell } from "../distributions/binomial.js";
import { GEMM_KC, gemmNT } from "../linalg/gemm.js";
import { catKlRowsWasm } from "../linalg/catkl.js";
import { kernels } from "../linalg/kernels.js";
import { batchUsesWasm } from "../linalg/wasm.js";

/** Everything the kernel reads (all arrays row-major, K values per row). */
export interface CategoricalKlData {
  n: number;
  m: number;
  K: number;
  /** Tile edge (rows and columns per product). */
  tile: number;
  /** Cancellation threshold: entries with KL < tau × magnitude are recomputed per pair. */
  tau: number;
  pProbs: Float64Array;
  pLogProbs: Float64Array;
  qProbs: Float64Array;
  qLogProbs: Float64Array;
  /** log q with −∞ replaced by 0, m × K. */
  lq: Float64Array;
  /** Columns where some q is 0. */
  zcols: Int32Array;
  /** [q_jk = 0] for k in zcols, m × Z. */
  qz: Float64Array;
  /** Σ_k p log p per row of p. */
  negEnt: Float64Array;
  /** 32-bit words per row of the support masks: ⌈Z / 32⌉ for the Z columns in zcols. */
  W: number;
  /** Bit z of row i: p_{i, zcols[z]} > 0 (n × W). */
  pmask: Uint32Array;
  /** Bit z of row j: q_{j, zcols[z]} = 0 (m × W). */
  qmask: Uint32Array;
}

/** The per-column and per-row precomputations of the kernel (O((n + m)·K)). */
export function prepareCategoricalKl(
  pProbs: Float64Array,
  pLogProbs: Float64Array,
  qProbs: Float64Array,
  qLogProbs: Float64Array,
  n: number,
  m: number,
  K: number,
  tile: number,
  tau: number,
): CategoricalKlData {
  // log q with −∞ replaced by 0 (those entries are settled by the support check below)
  const lq = new Float64Array(m * K);
  const zeroCol = new Uint8Array(K);
  for (let x = 0; x < m * K; x++) {
    const v = qLogProbs[x];
    if (v === -Infinity) zeroCol[x % K] = 1;
    else lq[x] = v;
  }
  const zc: number[] = [];
  for (let k = 0; k < K; k++) if (zeroCol[k]) zc.push(k);
  const zcols = Int32Array.from(zc);
  const Z = zcols.length;
  // support check: count_ij = Σ_{k ∈ Z} [p_ik > 0]·[q_jk = 0] > 0 ⇔ KL = +∞ (counts are exact)
  const qz = new Float64Array(m * Z);
  for (let j = 0; j < m; j++)
    for (let z = 0; z < Z; z++) qz[j * Z + z] = qLogProbs[j * K + zcols[z]] === -Infinity ? 1 : 0;
  // Σ_k p log p per row of p
  const negEnt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const v = pProbs[i * K + k];
      if (v > 0) s += v * pLogProbs[i * K + k];
    }
    negEnt[i] = s;
  }
  // the same support check as bit masks, for the fused WASM kernel
  const W = Math.ceil(Z / 32);
  const pmask = new Uint32Array(n * W);
  const qmask = new Uint32Array(m * W);
  for (let z = 0; z < Z; z++) {
    const bit = 1 << (z & 31);
    const w = z >> 5;
    for (let i = 0; i < n; i++) if (pProbs[i * K + zcols[z]] > 0) pmask[i * W + w] |= bit;
    for (let j = 0; j < m; j++) if (qz[j * Z + z] === 1) qmask[j * W + w] |= bit;
  }
  return { n, m, K, tile, tau, pProbs, pLogProbs, qProbs, qLogProbs, lq, zcols, qz, negEnt, W, pmask, qmask };
}

/**
 * Exact KL between row i of p and row j of q as the registry computes it: Σ_k t(p_k, q_k) with
 * the generalised-KL cells t(a, b) = a log(a/b) − a + b ≥ 0 (no cancellation for p ≈ q).
 */
function categoricalPairKl(c: CategoricalKlData, i: number, j: number): number {
  const K = c.K;
  const po = i * K;
  const qo = j * K;
  let s = 0;
  for (let k = 0; k < K; k++)
    s += klCell(c.pProbs[po + k], c.qProbs[qo + k], c.pLogProbs[po + k], c.qLogProbs[qo + k]);
  return s;
}

/** Scratch buffers of one caller (one per thread). */
export interface CategoricalKlScratch {
  pz: Float64Array;
  count: Float64Array;
}

export function categoricalKlScratch(c: CategoricalKlData): CategoricalKlScratch {
  return { pz: new Float64Array(c.tile * c.zcols.length), count: new Float64Array(c.tile * c.tile) };
}

/** Fills rows [i0, i1) × all m columns into out[off + (i − i0)·m + j]. */
export function categoricalKlRows(
  c: CategoricalKlData,
  scratch: CategoricalKlScratch,
  i0: number,
  i1: number,
  out: Float64Array,
  off: number,
): void {
  const { m, K, tile: t, tau, pProbs, lq, zcols, qz, negEnt } = c;
  // the fused WASM kernel where gemmNT would run the module's product (same bits: see catkl.ts)
  const fused = kernels().name === "wasm";
  if (
    (fused || (K <= GEMM_KC && batchUsesWasm((i1 - i0) * m * K))) &&
    catKlRowsWasm(c, i0, i1, out, off, fused, (i, j) => categoricalPairKl(c, i, j))
  ) {
    return;
  }
  const Z = zcols.length;
  const { pz, count } = scratch;
  for (let r0 = i0; r0 < i1; r0 += t) {
    const r1 = Math.min(i1, r0 + t);
    const tr = r1 - r0;
    for (let i = r0; i < r1; i++)
      for (let z = 0; z < Z; z++) pz[(i - r0) * Z + z] = pProbs[i * K + zcols[z]] > 0 ? 1 : 0;
    for (let c0 = 0; c0 < m; c0 += t) {
      const c1 = Math.min(m, c0 + t);
      const tc = c1 - c0;
      const base = off + (r0 - i0) * m + c0;
      gemmNT(tr, tc, K, pProbs, r0 * K, K, lq, c0 * K, K, out, base, m);
      if (Z > 0) gemmNT(tr, tc, Z, pz, 0, Z, qz, c0 * Z, Z, count, 0, tc);
      for (let a = 0; a < tr; a++) {
        const i = r0 + a;
        const h = negEnt[i];
        const o = base + a * m;
        for (let b = 0; b < tc; b++) {
          if (Z > 0 && count[a * tc + b] > 0) {
            out[o + b] = Infinity;
            continue;
          }
          const cross = out[o + b]; // Σ p log q ≤ 0
          const v = h - cross;
          // magnitude of the terms: −Σ p log q (cross-entropy) + −Σ p log p (entropy)
          out[o + b] = v < tau * (-cross - h) ? categoricalPairKl(c, i, c0 + b) : v > 0 ? v : 0;
        }
      }
    }
  }
}
