import { NDArray } from "../../core/array.js";
import { invalidParameter, invalidShape } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { PairwiseBlock, PairwiseBlocks, PairwiseProgress } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Internal plan: something that fills rows of the N × M matrix
// ---------------------------------------------------------------------------------------------

export interface Plan {
  n: number;
  m: number;
  tile: number;
  /** Fills rows [i0, i1) × all M columns into out[off + (i − i0)·m + j]. */
  fill(i0: number, i1: number, out: Float64Array, off: number): void;
}

/** u = 2⁻⁵³ (unit round-off of float64). */
export const UNIT_ROUNDOFF = 2 ** -53;
/** Target: expected rounding error of a product-form entry ≤ 1e-10 × the entry. */
export const TARGET_RELATIVE_ERROR = 1e-10;

/**
 * The cancellation threshold for feature length K: a product-form entry with
 * divergence < threshold × magnitude-of-its-terms is recomputed per pair. Equal to
 * u·√(K + 4) / 1e-10 (u = 2⁻⁵³; ≈ 9.2e-6 for K = 64): the typical (random-walk) rounding error
 * u·√K·magnitude of a length-K dot product, plus a few terms added outside it, kept below 1e-10
 * of the result.
 * @example cancellationThreshold(64); // 9.15…e-6
 */
export function cancellationThreshold(K: number): number {
  return (UNIT_ROUNDOFF * Math.sqrt(Math.max(1, K) + 4)) / TARGET_RELATIVE_ERROR;
}

/** Working-set budget of one tile, bytes. */
export const TILE_BYTES = 1 << 20;

/**
 * Default tile edge t for feature length K: the largest multiple of 4 with 8·(2tK + t²) ≤ 1 MiB
 * (two t × K operand panels and the t × t output tile), clamped to 16 ≤ t ≤ 256 (measured:
 * tiles of 128–256 beat 512 and 1024 by 10–40 % on a core with 2 MiB of L2).
 * @example defaultTile(64); // 256
 */
export function defaultTile(K: number): number {
  const a = 2 * Math.max(1, K);
  const t = Math.floor((-a + Math.sqrt(a * a + TILE_BYTES / 2)) / 2);
  return Math.max(16, Math.min(256, t - (t % 4)));
}

export function checkTile(tile: number | undefined, K: number): number {
  if (tile === undefined) return defaultTile(K);
  if (!Number.isInteger(tile) || tile < 1) throw invalidParameter("tile", "a positive integer", tile);
  return tile;
}

/** N for a batch shape [N] (a scalar batch counts as N = 1). */
export function batchLength(x: Distribution, side: string): number {
  const s = x.batchShape;
  if (s.length === 0) return 1;
  if (s.length !== 1) {
    throw invalidShape(
      side,
      `pairwise matrices need a batch shape [N] (one batch axis); got [${s.join(", ")}]`,
      [...s],
    );
  }
  return s[0];
}

export function runFull(plan: Plan, onRows?: (p: PairwiseProgress) => void): NDArray {
  const { n, m } = plan;
  const out = new Float64Array(n * m);
  for (let r0 = 0; r0 < n; r0 += plan.tile) {
    const r1 = Math.min(n, r0 + plan.tile);
    plan.fill(r0, r1, out, r0 * m);
    onRows?.({ rowStart: r0, rowEnd: r1, totalRows: n });
  }
  return new NDArray(out, [n, m]);
}

export function blockStream(
  plan: Plan,
  rowsPerBlock: number | undefined,
  reuseBuffer = false,
): PairwiseBlocks {
  const step = rowsPerBlock ?? plan.tile;
  if (!Number.isInteger(step) || step < 1) throw invalidParameter("rowsPerBlock", "a positive integer", step);
  if (typeof reuseBuffer !== "boolean") throw invalidParameter("reuseBuffer", "a boolean", reuseBuffer);
  let buffer: Float64Array | null = null;
  const block = (r0: number): PairwiseBlock => {
    const r1 = Math.min(plan.n, r0 + step);
    const size = (r1 - r0) * plan.m;
    let data: Float64Array;
    if (reuseBuffer) {
      buffer ??= new Float64Array(Math.min(plan.n, step) * plan.m);
      data = size === buffer.length ? buffer : buffer.subarray(0, size);
    } else data = new Float64Array(size);
    plan.fill(r0, r1, data, 0);
    return { rowStart: r0, rows: new NDArray(data, [r1 - r0, plan.m]) };
  };
  return {
    shape: [plan.n, plan.m],
    *[Symbol.iterator]() {
      for (let r0 = 0; r0 < plan.n; r0 += step) yield block(r0);
    },
    async *[Symbol.asyncIterator]() {
      for (let r0 = 0; r0 < plan.n; r0 += step) {
        yield block(r0);
        // let the event loop breathe between blocks
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}
