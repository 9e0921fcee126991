// exact k-nearest-neighbour queries on a k-d tree (Euclidean, squared distances) (part of the kernels module: asm/kernels.ts is the index)
import { packAPtr } from "./memory";

// the search state of this instance (globals are per instance: one per thread)
export let kdD: i32 = 0;
export let kdPts: usize = 0;
export let kdIds: usize = 0;
export let kdLeft: usize = 0;
export let kdRight: usize = 0;
export let kdStart: usize = 0;
export let kdEnd: usize = 0;
export let kdDim: usize = 0;
export let kdVal: usize = 0;
export let kdQ: usize = 0;
export let kdExclude: i32 = -1;
export let kdOff: usize = 0;
export let kdHeap: usize = 0;
export let kdSize: i32 = 0;
export let kdCap: i32 = 0;

/** The current k-th smallest squared distance (+∞ while fewer than k were seen). */
@inline export function kdWorst(): f64 {
  return kdSize < kdCap ? Infinity : load<f64>(kdHeap);
}

/** Max-heap insert keeping the kdCap smallest values (the k-d tree's `heapPush`, values only). */
export function kdPush(v: f64): void {
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
export function kdScanLeaf(node: i32): void {
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
export function kdSearch(node: i32, rd: f64): void {
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
