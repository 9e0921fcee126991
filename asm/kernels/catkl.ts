// pairwise KL between categorical distributions: the cross-entropy product and its epilogue (part of the kernels module: asm/kernels.ts is the index)
import { gemmCore } from "./gemm";
import { Fused, Unfused } from "./simd";

/** Rows of a block the pairwise categorical kernel multiplies at a time (a 128 × 256 tile: 256 KiB, in L2). */
export const CAT_ROWS: i32 = 128;

/**
 * One entry of the categorical epilogue at o (holding the cross term C): max(h − C, 0), or NaN
 * and its index `idx` flagged (while fewer than cap) when h − C < tau·(−C − h). Returns the new
 * flag count.
 */
@inline export function catKlEntry(o: usize, h: f64, tau: f64, idx: i32, flags: usize, cap: i32, cnt: i32): i32 {
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

