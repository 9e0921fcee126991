/**
 * Case handlers for the pairwise op of the reference-vector format (FORMAT.md), used by
 * `kullback eval` and the fixture tests:
 *
 * - `pairwiseKl` — fields `p`, `q` (distributions as JSON with batch shapes [N] and [M]):
 *   the N × M matrix of KL(p_i ‖ q_j), see {@link pairwiseKl}.
 */
import type { NDArray } from "../core/array.js";
import type { Distribution } from "../distributions/base.js";
import { fromJSON } from "../distributions/json.js";
import { pairwiseKl } from "../pairwise/pairwise.js";

const dist = (c: Record<string, unknown>, k: string): Distribution => fromJSON(c[k]);

/**
 * @example pairwiseOps.pairwiseKl({ p: { family: "Normal", loc: [0, 1], scale: 1 }, q: { family: "Normal", loc: [0], scale: 1 } }); // [[0], [0.5]]
 */
export const pairwiseOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  pairwiseKl: (c) => pairwiseKl(dist(c, "p"), dist(c, "q")),
};
