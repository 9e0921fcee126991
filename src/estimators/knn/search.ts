import { type ArrayInput } from "../../core/array.js";
import { invalidParameter, invalidShape } from "../../core/errors.js";
import { knnSquared } from "../knn-search.js";
import { knnThreadsFor } from "../../linalg/threaded.js";
import { kernelsFor } from "../../linalg/wasm.js";
import { checkK, normaliseScale, readSamples } from "./input.js";

// ---------------------------------------------------------------------------------------------
// Neighbour search back-ends
// ---------------------------------------------------------------------------------------------

/** Back-end for exact neighbour search. */
export type NeighbourMethod = "auto" | "kdtree" | "brute";

/**
 * Largest dimension for which `method: "auto"` uses the k-d tree (above it, and for reference sets of
 * at most 64 rows, the blocked scan). Measured with Node 20 on a 2-core machine, Gaussian data,
 * n = m = 20 000, k = 1, CPU time of a whole {@link knnKl} call (tree vs scan): d = 2: 0.12 s vs
 * 1.8 s; d = 8: 1.5 s vs 3.4 s; d = 10: 4.0 s vs 5.0 s; d = 12: 8.8 s vs 5.0 s; d = 16: 23 s vs
 * 5.9 s (TypeScript tree). Data of low intrinsic dimension favours the tree beyond this point; pass `method`
 * explicitly to override (the results are identical).
 */
export const KD_TREE_MAX_DIM = 10;

/**
 * Largest dimension for which `"auto"` uses the k-d tree when its search runs in WebAssembly on
 * two or more threads (src/linalg/kdknn.ts; the scan stays single-threaded). Measured as above,
 * wall time, tree on 2 threads vs scan: d = 10: 1.17 s vs 5.7 s; 12: 2.4 s vs 6.1 s; 16: 6.1 s vs
 * 7.8 s; 20: 9.3 s vs 9.5 s; 24: 11.5 s vs 11.2 s.
 */
export const KD_TREE_MAX_DIM_THREADED = 16;

export function resolveMethod(
  method: NeighbourMethod | undefined,
  d: number,
  nRef: number,
  denseThreads = true,
): "kdtree" | "brute" {
  const m = method ?? "auto";
  if (m === "kdtree" || m === "brute") return m;
  if (m !== "auto") throw invalidParameter("method", '"auto", "kdtree" or "brute"', m);
  if (nRef <= 64) return "brute";
  if (d <= KD_TREE_MAX_DIM) return "kdtree";
  // (the async workers thread the scan too: denseThreads false keeps the rule above for them)
  const threadedTree =
    denseThreads &&
    d <= KD_TREE_MAX_DIM_THREADED &&
    knnThreadsFor(nRef * d) > 1 &&
    kernelsFor(Infinity).name === "wasm";
  return threadedTree ? "kdtree" : "brute";
}

/**
 * Exact Euclidean k-th nearest-neighbour distances (not squared) from each row of `query` to the
 * rows of `ref`. With `excludeSelf: true`, `query` must be omitted (pass `null`): the search is
 * within `ref`, and each row skips itself by index (exact copies still count, at distance 0).
 * Both back-ends return identical values.
 *
 * @example
 * ```ts
 * kthNeighbourDistances([[0], [1], [3]], null, 1, { excludeSelf: true }); // Float64Array [1, 1, 2]
 * ```
 */
export function kthNeighbourDistances(
  ref: ArrayInput,
  query: ArrayInput | null,
  k: number,
  options: { excludeSelf?: boolean; method?: NeighbourMethod } = {},
): Float64Array {
  checkK(k);
  const r = readSamples(ref, "ref");
  const self = options.excludeSelf ?? query === null;
  const q = self ? r : readSamples(query as ArrayInput, "query");
  if (q.d !== r.d) throw invalidShape("ref/query", `dimensions differ: ${r.d} vs ${q.d}`);
  const avail = self ? r.n - 1 : r.n;
  if (k > avail) throw invalidParameter("k", `at most ${avail} (the number of candidate neighbours)`, k);
  const e = self ? normaliseScale([r.data]) : normaliseScale([r.data, q.data]);
  const res = knnSquared(r.data, r.n, q.data, q.n, r.d, k, self, resolveMethod(options.method, r.d, r.n));
  const out = new Float64Array(q.n);
  for (let i = 0; i < q.n; i++) out[i] = Math.sqrt(res[i]) * Math.pow(2, e);
  return out;
}
