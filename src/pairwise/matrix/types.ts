import { NDArray } from "../../core/array.js";
import type { Distribution } from "../../distributions/base.js";

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** Progress of a pairwise computation, reported after each finished block of rows. */
export interface PairwiseProgress {
  /** First row of the block just finished. */
  rowStart: number;
  /** One past its last row (= rows done so far). */
  rowEnd: number;
  /** N, the number of rows. */
  totalRows: number;
}

export interface PairwiseOptions {
  /**
   * Edge of the square output tiles (rows and columns per tile). Default: chosen from the
   * feature length so that a tile's working set is about 1 MiB (at most 256). Any value gives
   * bitwise identical results.
   */
  tile?: number;
  /** Called after each block of rows with the progress so far. */
  onRows?: (progress: PairwiseProgress) => void;
}

export interface PairwiseBlockOptions {
  /** Rows per yielded block (default: the tile). */
  rowsPerBlock?: number;
  /** As in {@link PairwiseOptions}. */
  tile?: number;
  /**
   * Write every block into one buffer, allocated once (default false: a new array per block).
   * Each block's data is then overwritten when the next block is computed: copy what must be
   * kept. Saves allocating and first touching a fresh `rowsPerBlock × M` array per block, which
   * costs as much as computing it on some systems (measured: writing a fresh 160 MB array took
   * 60–370 ms here, writing it again 7 ms).
   */
  reuseBuffer?: boolean;
}

/** One block of rows of a pairwise matrix: rows `rowStart … rowStart + rows.shape[0] − 1`. */
export interface PairwiseBlock {
  rowStart: number;
  /** The block, shape [rows, M]. */
  rows: NDArray;
}

/** A stream of row blocks, usable with `for … of` and with `for await … of`. */
export interface PairwiseBlocks extends Iterable<PairwiseBlock>, AsyncIterable<PairwiseBlock> {
  /** N, M. */
  readonly shape: readonly [number, number];
}

/** A divergence between two single distributions (batch shape []), as a number. */
export type PairFunction = (p: Distribution, q: Distribution) => number | NDArray;
