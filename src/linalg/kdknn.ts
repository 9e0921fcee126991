/**
 * The WASM k-d tree query kernel (asm/kernels.ts `kdKnn`): exact squared k-th nearest-neighbour
 * distances of many queries against a tree built by src/linalg/kdtree.ts, the tree's arrays
 * copied into the module's memory once per call. The search is the TypeScript one (the same
 * incremental cell distances, the same point-distance expression in the same order), so the k-th
 * distances are the same bits; only the speed differs. Large query sets are split into chunks of
 * queries shared between the dense worker threads (src/linalg/threaded.ts).
 */
import type { KDTree } from "./kdtree.js";
import { kernelsFor, stagingRegion } from "./wasm.js";
import { pad, wasmExports } from "./wasm-module.js";
import { knnThreadsFor, threadedKdKnn } from "./threaded.js";

/**
 * Squared k-th neighbour distances from the queries at positions [p0, p1) of `order` (query
 * index i = order[p], or p when `order` is null; the queries are the rows of `query`, nQ × d) to
 * `tree`'s points into outKth[i]; with `self`, query i skips the point of original index i.
 * False (outKth untouched or partly written; the caller computes the range itself) when the WASM
 * kernels are off (`disableWasm()`) or missing, the range is too small to pay for copying the
 * tree (fewer than n/16 queries), memory cannot grow, k does not fit the scratch, or a worker
 * failed.
 */
export function kdKnnWasm(
  tree: KDTree,
  query: Float64Array,
  nQ: number,
  d: number,
  k: number,
  self: boolean,
  order: Int32Array | null,
  p0: number,
  p1: number,
  outKth: Float64Array,
): boolean {
  const count = p1 - p0;
  if (count <= 0) return true;
  if (tree.metric !== "euclidean" || count * 16 < tree.n || kernelsFor(Infinity).name !== "wasm")
    return false;
  const w = wasmExports();
  if (!w || (d + k) * 8 > w.scratchBytes()) return false;
  const t = tree.arrays();
  const n = t.ids.length;
  const nodes = t.nodes;
  // layout (doubles): parameters | pts | splitVal | query | out | ids | left | right | start | end | splitDim | order
  const oPts = 16;
  const oVal = oPts + pad(n * d);
  const oQuery = oVal + pad(nodes);
  const oOut = oQuery + pad(nQ * d);
  const oIds = oOut + pad(nQ);
  const i32Len = (len: number): number => pad(Math.ceil(len / 2));
  const oLeft = oIds + i32Len(n);
  const oRight = oLeft + i32Len(nodes);
  const oStart = oRight + i32Len(nodes);
  const oEnd = oStart + i32Len(nodes);
  const oDim = oEnd + i32Len(nodes);
  const oOrder = oDim + i32Len(nodes);
  const doubles = oOrder + (order ? i32Len(nQ) : 0);
  const threads = knnThreadsFor(count * d);
  const region = stagingRegion(threads, doubles);
  if (!region) return false;
  const { heap, offset: o, shared } = region;
  const i32 = new Int32Array(heap.buffer);
  heap.set(t.pts.subarray(0, n * d), o + oPts);
  heap.set(t.splitVal.subarray(0, nodes), o + oVal);
  heap.set(query.subarray(0, nQ * d), o + oQuery);
  i32.set(t.ids.subarray(0, n), 2 * (o + oIds));
  i32.set(t.left.subarray(0, nodes), 2 * (o + oLeft));
  i32.set(t.right.subarray(0, nodes), 2 * (o + oRight));
  i32.set(t.start.subarray(0, nodes), 2 * (o + oStart));
  i32.set(t.end.subarray(0, nodes), 2 * (o + oEnd));
  i32.set(t.splitDim.subarray(0, nodes), 2 * (o + oDim));
  if (order) i32.set(order.subarray(0, nQ), 2 * (o + oOrder));
  const b = (x: number): number => (o + x) * 8;
  const params = [
    d,
    k,
    b(oPts),
    b(oIds),
    b(oLeft),
    b(oRight),
    b(oStart),
    b(oEnd),
    b(oDim),
    b(oVal),
    b(oQuery),
    order ? b(oOrder) : 0,
    self ? 1 : 0,
    b(oOut),
  ];
  for (let x = 0; x < params.length; x++) heap[o + x] = params[x];
  if (shared) {
    // chunks of consecutive positions (spatially coherent in tree order), several per thread
    const chunks = Math.min(count, 64 * threads);
    const ranges: number[] = [];
    for (let c = 0; c < chunks; c++) {
      const a = p0 + Math.floor((count * c) / chunks);
      const e = p0 + Math.floor((count * (c + 1)) / chunks);
      if (e > a) ranges.push(a, e);
    }
    if (!threadedKdKnn(o * 8, ranges)) return false;
  } else w.kdKnn(o * 8, p0, p1);
  if (!order) outKth.set(heap.subarray(o + oOut + p0, o + oOut + p1), p0);
  else
    for (let p = p0; p < p1; p++) {
      const i = order[p];
      outKth[i] = heap[o + oOut + i];
    }
  return true;
}
