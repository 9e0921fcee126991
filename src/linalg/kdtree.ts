/**
 * An exact k-d tree over `n` points in `d` dimensions stored row-major in one flat Float64Array.
 *
 * Used by the nearest-neighbour estimators (`knn.ts`) and by the KSG mutual-information estimator
 * (`kernel.ts`). Two metrics are supported:
 *
 * - `"euclidean"`: the tree works with the *squared* distance `s = Σ_t (a_t − b_t)²`, summed in
 *   dimension order `t = 0, 1, …, d−1`. Every query returns these squared sums ("raw"
 *   distances); callers take `Math.sqrt` themselves. Because the sum is always evaluated in the
 *   same order, a brute-force scan that evaluates the same expression gets bit-identical values.
 * - `"chebyshev"`: the raw distance is `max_t |a_t − b_t|` (exact up to one rounding per term).
 *
 * Pruning uses the distance from the query to each node's bounding box, evaluated with the same
 * operations in the same order as a point distance; floating-point rounding is monotone, so the box
 * bound never exceeds the computed distance of any point inside the box and the search is exact
 * (no approximation, unlike `eps > 0` in ANN/RANN).
 *
 * Construction: recursive median split (Hoare selection) on the dimension of largest spread,
 * leaves of at most `leafSize` points. The input array is copied (never mutated); points are stored
 * in tree order next to their original indices.
 */
import { invalidParameter, invalidShape } from "../core/errors.js";

/** Distance used by a {@link KDTree}. */
export type KDMetric = "euclidean" | "chebyshev";

/** Options for {@link KDTree}. */
export interface KDTreeOptions {
  /** Maximum number of points in a leaf (default 12). */
  leafSize?: number;
  /** Metric (default `"euclidean"`). */
  metric?: KDMetric;
}

/**
 * Exact k-d tree. See the module comment for the metric conventions ("raw" distance = squared
 * Euclidean distance, or Chebyshev distance).
 *
 * @example
 * ```ts
 * const pts = Float64Array.of(0, 0, 1, 0, 0, 2); // three points in 2-D
 * const tree = new KDTree(pts, 3, 2);
 * const dist = new Float64Array(1);
 * tree.knnRaw(pts, 0, 1, 0, dist); // nearest neighbour of point 0 other than itself
 * // dist[0] === 1 (squared distance to (1, 0))
 * ```
 */
export class KDTree {
  /** Number of points. */
  readonly n: number;
  /** Dimension. */
  readonly d: number;
  /** Metric of the raw distances. */
  readonly metric: KDMetric;

  /** Points in tree order, n × d. */
  private readonly pts: Float64Array;
  /** Original index of each point in tree order. */
  private readonly ids: Int32Array;
  // Node arrays (node 0 is the root).
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** Bounding boxes, node × d (lower and upper corners). */
  private readonly boxLo: Float64Array;
  private readonly boxHi: Float64Array;
  /** Splitting dimension and value of each internal node (left ≤ value ≤ right). */
  private readonly splitDim: Int32Array;
  private readonly splitVal: Float64Array;
  /** Per-dimension offset of the query from the current cell (incremental Euclidean search). */
  private readonly off: Float64Array;
  private nodeCount = 0;

  // Search state (reused between queries; a KDTree is not re-entrant).
  private heapVal: Float64Array = new Float64Array(0);
  private heapIdx: Int32Array = new Int32Array(0);
  private heapSize = 0;
  private heapCap = 0;

  /**
   * @param data flat row-major n × d coordinates (copied; must be finite — not checked here).
   * @param n number of points (≥ 1)
   * @param d dimension (≥ 1)
   */
  constructor(data: ArrayLike<number>, n: number, d: number, options: KDTreeOptions = {}) {
    if (!Number.isInteger(n) || n < 1) throw invalidParameter("n", "a positive integer", n);
    if (!Number.isInteger(d) || d < 1) throw invalidParameter("d", "a positive integer", d);
    if (data.length < n * d) throw invalidShape("data", `has ${data.length} values, needs n*d = ${n * d}`);
    const leafSize = options.leafSize ?? 12;
    if (!Number.isInteger(leafSize) || leafSize < 1) {
      throw invalidParameter("leafSize", "a positive integer", leafSize);
    }
    const metric = options.metric ?? "euclidean";
    if (metric !== "euclidean" && metric !== "chebyshev") {
      throw invalidParameter("metric", '"euclidean" or "chebyshev"', metric);
    }
    this.n = n;
    this.d = d;
    this.metric = metric;

    const src =
      data instanceof Float64Array
        ? data.slice(0, n * d)
        : Float64Array.from({ length: n * d }, (_, i) => data[i]);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;

    // Every leaf holds at least ceil(leafSize / 2) points (median splits of nodes larger than
    // leafSize), so there are at most that many leaves and 2·leaves − 1 nodes.
    const cap = 2 * Math.ceil(n / Math.ceil(leafSize / 2)) + 1;
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap).fill(-1);
    this.boxLo = new Float64Array(cap * d);
    this.boxHi = new Float64Array(cap * d);
    this.splitDim = new Int32Array(cap);
    this.splitVal = new Float64Array(cap);
    this.off = new Float64Array(d);

    this.buildNode(src, perm, 0, n, leafSize);

    this.pts = new Float64Array(n * d);
    this.ids = perm;
    for (let i = 0; i < n; i++) {
      const o = perm[i] * d;
      for (let t = 0; t < d; t++) this.pts[i * d + t] = src[o + t];
    }
  }

  private buildNode(src: Float64Array, perm: Int32Array, lo: number, hi: number, leafSize: number): number {
    const d = this.d;
    const node = this.nodeCount++;
    this.start[node] = lo;
    this.end[node] = hi;
    // bounding box
    const bo = node * d;
    for (let t = 0; t < d; t++) {
      this.boxLo[bo + t] = Infinity;
      this.boxHi[bo + t] = -Infinity;
    }
    for (let i = lo; i < hi; i++) {
      const o = perm[i] * d;
      for (let t = 0; t < d; t++) {
        const v = src[o + t];
        if (v < this.boxLo[bo + t]) this.boxLo[bo + t] = v;
        if (v > this.boxHi[bo + t]) this.boxHi[bo + t] = v;
      }
    }
    if (hi - lo <= leafSize) return node;
    let dim = 0;
    let spread = -1;
    for (let t = 0; t < d; t++) {
      const s = this.boxHi[bo + t] - this.boxLo[bo + t];
      if (s > spread) {
        spread = s;
        dim = t;
      }
    }
    if (!(spread > 0)) return node; // all points identical: keep as one leaf
    const mid = (lo + hi) >>> 1;
    selectKth(src, perm, d, dim, lo, hi - 1, mid);
    this.splitDim[node] = dim;
    this.splitVal[node] = src[perm[mid] * d + dim];
    this.left[node] = this.buildNode(src, perm, lo, mid, leafSize);
    this.right[node] = this.buildNode(src, perm, mid, hi, leafSize);
    return node;
  }

  /** Raw distance from the query to the bounding box of `node` (0 inside the box). */
  private boxDist(q: ArrayLike<number>, qo: number, node: number): number {
    const d = this.d;
    const bo = node * d;
    const lo = this.boxLo;
    const hi = this.boxHi;
    if (this.metric === "euclidean") {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = q[qo + t];
        let g = 0;
        if (v < lo[bo + t]) g = lo[bo + t] - v;
        else if (v > hi[bo + t]) g = v - hi[bo + t];
        s += g * g;
      }
      return s;
    }
    let m = 0;
    for (let t = 0; t < d; t++) {
      const v = q[qo + t];
      let g = 0;
      if (v < lo[bo + t]) g = lo[bo + t] - v;
      else if (v > hi[bo + t]) g = v - hi[bo + t];
      if (g > m) m = g;
    }
    return m;
  }

  private ensureHeap(k: number): void {
    if (this.heapVal.length < k) {
      this.heapVal = new Float64Array(k);
      this.heapIdx = new Int32Array(k);
    }
  }

  /**
   * The tree's arrays, read-only, for the WASM query kernel (src/linalg/kdknn.ts): points in tree
   * order, their original indices, and per node (`nodes` of them) the children (−1: leaf), the
   * point range and the split.
   * @internal
   */
  arrays(): {
    nodes: number;
    pts: Float64Array;
    ids: Int32Array;
    left: Int32Array;
    right: Int32Array;
    start: Int32Array;
    end: Int32Array;
    splitDim: Int32Array;
    splitVal: Float64Array;
  } {
    return {
      nodes: this.nodeCount,
      pts: this.pts,
      ids: this.ids,
      left: this.left,
      right: this.right,
      start: this.start,
      end: this.end,
      splitDim: this.splitDim,
      splitVal: this.splitVal,
    };
  }

  /**
   * Original indices of the points in tree order (a fresh copy). Neighbouring positions are close
   * in space, so issuing queries in this order improves memory locality.
   */
  treeOrder(): Int32Array {
    return Int32Array.from(this.ids);
  }

  /** Max-heap insert keeping the `heapCap` smallest values. */
  private heapPush(v: number, id: number): void {
    const hv = this.heapVal;
    const hid = this.heapIdx;
    if (this.heapSize < this.heapCap) {
      let i = this.heapSize++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (hv[p] >= v) break;
        hv[i] = hv[p];
        hid[i] = hid[p];
        i = p;
      }
      hv[i] = v;
      hid[i] = id;
      return;
    }
    if (v >= hv[0]) return;
    // replace the root and sift down
    const size = this.heapSize;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && hv[r] > hv[l] ? r : l;
      if (hv[c] <= v) break;
      hv[i] = hv[c];
      hid[i] = hid[c];
      i = c;
    }
    hv[i] = v;
    hid[i] = id;
  }

  private worst(): number {
    return this.heapSize < this.heapCap ? Infinity : this.heapVal[0];
  }

  /**
   * The `k` nearest neighbours of the query point `q[qo … qo+d−1]`, skipping the point whose
   * original index is `exclude` (pass −1 to skip nothing). Writes the raw distances in ascending
   * order to `outDist[0 … k−1]` and, if given, the original indices to `outIdx`. Ties are broken
   * arbitrarily, which never changes the distances. Requires `k ≤ n` (or `k ≤ n − 1` when a point
   * is excluded).
   */
  knnRaw(
    q: ArrayLike<number>,
    qo: number,
    k: number,
    exclude: number,
    outDist: Float64Array,
    outIdx?: Int32Array,
  ): void {
    const avail = exclude >= 0 && exclude < this.n ? this.n - 1 : this.n;
    if (!Number.isInteger(k) || k < 1 || k > avail) {
      throw invalidParameter("k", `an integer in [1, ${avail}]`, k);
    }
    this.ensureHeap(k);
    this.heapCap = k;
    this.heapSize = 0;
    if (this.metric === "euclidean") {
      this.off.fill(0);
      this.searchEuclid(0, q, qo, exclude, 0);
    } else this.searchKnn(0, q, qo, exclude);
    // pop the max-heap from the back: ascending order
    const hv = this.heapVal;
    const hid = this.heapIdx;
    for (let pos = k - 1; pos >= 0; pos--) {
      outDist[pos] = hv[0];
      if (outIdx) outIdx[pos] = hid[0];
      const lastV = hv[pos];
      const lastI = hid[pos];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= pos) break;
        const r = l + 1;
        const c = r < pos && hv[r] > hv[l] ? r : l;
        if (hv[c] <= lastV) break;
        hv[i] = hv[c];
        hid[i] = hid[c];
        i = c;
      }
      hv[i] = lastV;
      hid[i] = lastI;
    }
  }

  /**
   * Euclidean search with incremental cell distances (Arya & Mount 1993): `rd` is the squared
   * distance from the query to the current cell bounded by the splitting planes above it, kept
   * per dimension in `off`; descending to the far child changes one dimension only (O(1) per
   * node instead of O(d) for a bounding box). Exact: `rd` never exceeds the distance to any
   * point of the cell. Measured at n = 20 000, d = 8, k = 1: 1.33 s → 0.96 s for 40 000 queries.
   */
  private searchEuclid(node: number, q: ArrayLike<number>, qo: number, exclude: number, rd: number): void {
    const l = this.left[node];
    if (l < 0) {
      this.scanLeaf(node, q, qo, exclude);
      return;
    }
    const dim = this.splitDim[node];
    const diff = q[qo + dim] - this.splitVal[node];
    const r = this.right[node];
    const near = diff < 0 ? l : r;
    const far = diff < 0 ? r : l;
    this.searchEuclid(near, q, qo, exclude, rd);
    const old = this.off[dim];
    const rdFar = rd - old * old + diff * diff;
    // rdFar carries a few ulp of round-off per level: prune only when clearly beyond the k-th
    // distance, so that no neighbour is ever lost to it
    if (rdFar * (1 - 1e-12) < this.worst()) {
      this.off[dim] = diff;
      this.searchEuclid(far, q, qo, exclude, rdFar);
      this.off[dim] = old;
    }
  }

  private searchKnn(node: number, q: ArrayLike<number>, qo: number, exclude: number): void {
    const l = this.left[node];
    if (l < 0) {
      this.scanLeaf(node, q, qo, exclude);
      return;
    }
    const r = this.right[node];
    const dl = this.boxDist(q, qo, l);
    const dr = this.boxDist(q, qo, r);
    // A box whose bound equals the current k-th distance cannot improve it (ties never change the
    // k-th value), so strict comparisons suffice.
    if (dl <= dr) {
      if (dl < this.worst()) this.searchKnn(l, q, qo, exclude);
      if (dr < this.worst()) this.searchKnn(r, q, qo, exclude);
    } else {
      if (dr < this.worst()) this.searchKnn(r, q, qo, exclude);
      if (dl < this.worst()) this.searchKnn(l, q, qo, exclude);
    }
  }

  private scanLeaf(node: number, q: ArrayLike<number>, qo: number, exclude: number): void {
    const d = this.d;
    const pts = this.pts;
    const ids = this.ids;
    const euclid = this.metric === "euclidean";
    for (let i = this.start[node], e = this.end[node]; i < e; i++) {
      const id = ids[i];
      if (id === exclude) continue;
      const w = this.worst();
      const o = i * d;
      let s = 0;
      if (euclid) {
        for (let t = 0; t < d; t++) {
          const g = q[qo + t] - pts[o + t];
          s += g * g;
          if (s > w) break;
        }
      } else {
        for (let t = 0; t < d; t++) {
          const g = Math.abs(q[qo + t] - pts[o + t]);
          if (g > s) s = g;
          if (s > w) break;
        }
      }
      if (s < w || this.heapSize < this.heapCap) this.heapPush(s, id);
    }
  }

  /**
   * Counts the points within raw distance `r` of the query (`dist ≤ r`, or `dist < r` when
   * `strict`), skipping the point with original index `exclude` (−1: none). Also returns the
   * largest raw distance among the counted points (−Infinity if none).
   */
  radiusRaw(
    q: ArrayLike<number>,
    qo: number,
    r: number,
    exclude: number,
    strict = false,
  ): { count: number; maxDist: number } {
    const acc = { count: 0, maxDist: -Infinity };
    this.searchRadius(0, q, qo, r, exclude, strict, acc);
    return acc;
  }

  private searchRadius(
    node: number,
    q: ArrayLike<number>,
    qo: number,
    r: number,
    exclude: number,
    strict: boolean,
    acc: { count: number; maxDist: number },
  ): void {
    const b = this.boxDist(q, qo, node);
    if (strict ? b >= r : b > r) return;
    const l = this.left[node];
    if (l >= 0) {
      this.searchRadius(l, q, qo, r, exclude, strict, acc);
      this.searchRadius(this.right[node], q, qo, r, exclude, strict, acc);
      return;
    }
    const d = this.d;
    const pts = this.pts;
    const ids = this.ids;
    const euclid = this.metric === "euclidean";
    for (let i = this.start[node], e = this.end[node]; i < e; i++) {
      if (ids[i] === exclude) continue;
      const o = i * d;
      let s = 0;
      if (euclid) {
        for (let t = 0; t < d; t++) {
          const g = q[qo + t] - pts[o + t];
          s += g * g;
        }
      } else {
        for (let t = 0; t < d; t++) {
          const g = Math.abs(q[qo + t] - pts[o + t]);
          if (g > s) s = g;
        }
      }
      if (strict ? s < r : s <= r) {
        acc.count++;
        if (s > acc.maxDist) acc.maxDist = s;
      }
    }
  }
}

/**
 * Reorders `perm[lo … hi]` so that the element at position `kth` has the value it would have in
 * sorted order along dimension `dim`, smaller-or-equal values before it and greater-or-equal
 * after it (Hoare's selection with median-of-three pivots).
 */
function selectKth(
  src: Float64Array,
  perm: Int32Array,
  d: number,
  dim: number,
  lo: number,
  hi: number,
  kth: number,
): void {
  while (hi > lo) {
    const midI = (lo + hi) >>> 1;
    const a = src[perm[lo] * d + dim];
    const b = src[perm[midI] * d + dim];
    const c = src[perm[hi] * d + dim];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (src[perm[i] * d + dim] < pivot) i++;
      while (src[perm[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
