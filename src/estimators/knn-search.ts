/**
 * Exact k-nearest-neighbour search kernels shared by the k-NN estimators (./knn.ts) and the
 * worker threads of src/parallel: a k-d tree query loop and a blocked brute-force scan, both
 * able to work on a sub-range of the queries. The k-th distance of a query never depends on
 * which range or thread computed it (same expression, same order), so splitting the queries
 * across threads gives bit-identical results.
 */
import { KDTree } from "../linalg/kdtree.js";
import { kdKnnWasm } from "../linalg/kdknn.js";

/** Exact squared Euclidean distance, summed in dimension order (the reference expression). */
export function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) {
    const g = a[ao + t] - b[bo + t];
    s += g * g;
  }
  return s;
}

const UNIT_ROUNDOFF = 1.1102230246251565e-16; // 2^-53
const SPARE_CANDIDATES = 4;

/** Prebuilt search structures that {@link knnSquared} may reuse. */
export interface SearchAids {
  /** k-d tree over the reference rows. */
  tree?: KDTree;
  /** Order in which to issue the queries (spatially coherent orders are faster). */
  order?: Int32Array;
}

/**
 * Squared k-th nearest-neighbour distances from each query row to the reference rows.
 * With `self`, `query` must be the same matrix as `ref` and query i skips reference i.
 */
export function knnSquared(
  ref: Float64Array,
  nRef: number,
  query: Float64Array,
  nQ: number,
  d: number,
  k: number,
  self: boolean,
  method: "kdtree" | "brute",
  aids: SearchAids = {},
): Float64Array {
  const kth = new Float64Array(nQ);
  if (method === "kdtree") {
    const tree = aids.tree ?? new KDTree(ref, nRef, d);
    const order = aids.order ?? (self ? tree.treeOrder() : null);
    kdtreeRange(tree, query, d, k, self, order, 0, nQ, kth);
    return kth;
  }
  bruteRange(brutePrepare(ref, nRef, query, nQ, d, k, self), 0, nQ, kth);
  return kth;
}

/**
 * k-d tree queries at positions [p0, p1) of `order` (query index = order[p], or p itself when
 * `order` is null): squared k-th neighbour distance of query i into outKth[i]. With `self`,
 * query i skips reference i. Euclidean trees run the WASM copy of the search
 * (src/linalg/kdknn.ts; threaded when large) unless the WASM kernels are off; the results are
 * the same bits either way.
 */
export function kdtreeRange(
  tree: KDTree,
  query: Float64Array,
  d: number,
  k: number,
  self: boolean,
  order: Int32Array | null,
  p0: number,
  p1: number,
  outKth: Float64Array,
): void {
  // the same search in WebAssembly (same bits), on the dense worker threads when large
  if (kdKnnWasm(tree, query, Math.floor(query.length / d), d, k, self, order, p0, p1, outKth)) return;
  const buf = new Float64Array(k);
  for (let q = p0; q < p1; q++) {
    const i = order ? order[q] : q;
    tree.knnRaw(query, i * d, k, self ? i : -1, buf);
    outKth[i] = buf[k - 1];
  }
}

/**
 * Blocked brute-force k-NN (see the module comment). Candidates are ranked with
 * a(i,j) = ‖q_i − c‖² + ‖r_j − c‖² − 2 (q_i − c)·(r_j − c) on data centred at the pooled mean c.
 * |a(i,j) − s(i,j)| ≤ δ_i = (4d + 24) u (‖q_i − c‖² + max_j ‖r_j − c‖²) bounds the combined error
 * of the centring, of the three inner products and of the exactly recomputed s(i,j) = Σ(q − r)²
 * (u = 2⁻⁵³; the constant is a generous over-estimate of the standard γ_d bounds). Every j among
 * the true k nearest satisfies a(i,j) ≤ a_(k) + 2δ_i, where a_(k) is the k-th smallest a; if the
 * (k + spare)-th smallest a exceeds that threshold, the k + spare retained candidates contain the
 * true k nearest and their exact distances give the exact k-th distance. Otherwise (many near-ties,
 * e.g. exact duplicates) the query is redone by an exact scan.
 *
 * BruteState: everything the scan precomputes once per (ref, query) pair ({@link brutePrepare});
 * {@link bruteRange} then searches any range of the queries.
 */
export interface BruteState {
  ref: Float64Array;
  nRef: number;
  query: Float64Array;
  d: number;
  k: number;
  self: boolean;
  avail: number;
  keep: number;
  rc: Float64Array;
  rn: Float64Array;
  maxRn: number;
  qc: Float64Array;
  qn: Float64Array;
  margin: number;
}

/** Centring and norms of the blocked scan (deterministic: every thread computes the same bits). */
export function brutePrepare(
  ref: Float64Array,
  nRef: number,
  query: Float64Array,
  nQ: number,
  d: number,
  k: number,
  self: boolean,
): BruteState {
  const avail = self ? nRef - 1 : nRef;
  const keep = Math.min(k + SPARE_CANDIDATES, avail);
  // centre at the pooled mean
  const c = new Float64Array(d);
  for (let j = 0; j < nRef; j++) for (let t = 0; t < d; t++) c[t] += ref[j * d + t];
  if (!self) for (let i = 0; i < nQ; i++) for (let t = 0; t < d; t++) c[t] += query[i * d + t];
  const tot = self ? nRef : nRef + nQ;
  for (let t = 0; t < d; t++) c[t] /= tot;
  const rc = new Float64Array(nRef * d);
  const rn = new Float64Array(nRef);
  let maxRn = 0;
  for (let j = 0; j < nRef; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = ref[j * d + t] - c[t];
      rc[j * d + t] = v;
      s += v * v;
    }
    rn[j] = s;
    if (s > maxRn) maxRn = s;
  }
  let qc = rc;
  let qn = rn;
  if (!self) {
    qc = new Float64Array(nQ * d);
    qn = new Float64Array(nQ);
    for (let i = 0; i < nQ; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = query[i * d + t] - c[t];
        qc[i * d + t] = v;
        s += v * v;
      }
      qn[i] = s;
    }
  }
  const margin = (4 * d + 24) * UNIT_ROUNDOFF;

  return { ref, nRef, query, d, k, self, avail, keep, rc, rn, maxRn, qc, qn, margin };
}

/**
 * Squared k-th neighbour distances of the queries [q0, q1) into outKth[q0 … q1 − 1]; the value
 * of a query does not depend on the range it is computed in.
 */
export function bruteRange(st: BruteState, q0: number, q1: number, outKth: Float64Array): void {
  const { ref, nRef, query, d, k, self, avail, keep, rc, rn, maxRn, qc, qn, margin } = st;
  const QB = 32;
  const RB = Math.max(64, Math.min(1024, Math.floor(4096 / d)));
  const topV = new Float64Array(QB * keep);
  const topI = new Int32Array(QB * keep);
  const exact = new Float64Array(keep);

  /** Inserts candidate j with value v into the sorted list of `slot`; returns the new worst value. */
  const offer = (slot: number, v: number, j: number): number => {
    const base = slot * keep;
    let p = keep - 1;
    while (p > 0 && topV[base + p - 1] > v) {
      topV[base + p] = topV[base + p - 1];
      topI[base + p] = topI[base + p - 1];
      p--;
    }
    topV[base + p] = v;
    topI[base + p] = j;
    return topV[base + keep - 1];
  };

  for (let i0 = q0; i0 < q1; i0 += QB) {
    const ib = Math.min(QB, q1 - i0);
    topV.fill(Infinity);
    topI.fill(-1);
    for (let j0 = 0; j0 < nRef; j0 += RB) {
      const j1 = Math.min(nRef, j0 + RB);
      let ii = 0;
      for (; ii + 4 <= ib; ii += 4) {
        const i = i0 + ii;
        const o0 = i * d;
        const o1 = o0 + d;
        const o2 = o1 + d;
        const o3 = o2 + d;
        const n0 = qn[i];
        const n1 = qn[i + 1];
        const n2 = qn[i + 2];
        const n3 = qn[i + 3];
        // current worst retained value of each of the four queries
        let w0 = topV[ii * keep + keep - 1];
        let w1 = topV[(ii + 1) * keep + keep - 1];
        let w2 = topV[(ii + 2) * keep + keep - 1];
        let w3 = topV[(ii + 3) * keep + keep - 1];
        let j = j0;
        // two references at a time: 8 accumulators, 6 loads per 8 multiply-adds
        for (; j + 1 < j1; j += 2) {
          const oj = j * d;
          const ok = oj + d;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let u0 = 0;
          let u1 = 0;
          let u2 = 0;
          let u3 = 0;
          for (let t = 0; t < d; t++) {
            const b = rc[oj + t];
            const c2 = rc[ok + t];
            const q0 = qc[o0 + t];
            const q1 = qc[o1 + t];
            const q2 = qc[o2 + t];
            const q3 = qc[o3 + t];
            s0 += q0 * b;
            s1 += q1 * b;
            s2 += q2 * b;
            s3 += q3 * b;
            u0 += q0 * c2;
            u1 += q1 * c2;
            u2 += q2 * c2;
            u3 += q3 * c2;
          }
          const r = rn[j];
          const a0 = n0 + r - 2 * s0;
          const a1 = n1 + r - 2 * s1;
          const a2 = n2 + r - 2 * s2;
          const a3 = n3 + r - 2 * s3;
          if (a0 < w0 && !(self && j === i)) w0 = offer(ii, a0, j);
          if (a1 < w1 && !(self && j === i + 1)) w1 = offer(ii + 1, a1, j);
          if (a2 < w2 && !(self && j === i + 2)) w2 = offer(ii + 2, a2, j);
          if (a3 < w3 && !(self && j === i + 3)) w3 = offer(ii + 3, a3, j);
          const jn = j + 1;
          const rr = rn[jn];
          const b0 = n0 + rr - 2 * u0;
          const b1 = n1 + rr - 2 * u1;
          const b2 = n2 + rr - 2 * u2;
          const b3 = n3 + rr - 2 * u3;
          if (b0 < w0 && !(self && jn === i)) w0 = offer(ii, b0, jn);
          if (b1 < w1 && !(self && jn === i + 1)) w1 = offer(ii + 1, b1, jn);
          if (b2 < w2 && !(self && jn === i + 2)) w2 = offer(ii + 2, b2, jn);
          if (b3 < w3 && !(self && jn === i + 3)) w3 = offer(ii + 3, b3, jn);
        }
        for (; j < j1; j++) {
          const oj = j * d;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let t = 0; t < d; t++) {
            const b = rc[oj + t];
            s0 += qc[o0 + t] * b;
            s1 += qc[o1 + t] * b;
            s2 += qc[o2 + t] * b;
            s3 += qc[o3 + t] * b;
          }
          const r = rn[j];
          const a0 = n0 + r - 2 * s0;
          const a1 = n1 + r - 2 * s1;
          const a2 = n2 + r - 2 * s2;
          const a3 = n3 + r - 2 * s3;
          if (a0 < w0 && !(self && j === i)) w0 = offer(ii, a0, j);
          if (a1 < w1 && !(self && j === i + 1)) w1 = offer(ii + 1, a1, j);
          if (a2 < w2 && !(self && j === i + 2)) w2 = offer(ii + 2, a2, j);
          if (a3 < w3 && !(self && j === i + 3)) w3 = offer(ii + 3, a3, j);
        }
      }
      for (; ii < ib; ii++) {
        const i = i0 + ii;
        const o0 = i * d;
        const n0 = qn[i];
        let w0 = topV[ii * keep + keep - 1];
        for (let j = j0; j < j1; j++) {
          const oj = j * d;
          let s0 = 0;
          for (let t = 0; t < d; t++) s0 += qc[o0 + t] * rc[oj + t];
          const a0 = n0 + rn[j] - 2 * s0;
          if (a0 < w0 && !(self && j === i)) w0 = offer(ii, a0, j);
        }
      }
    }
    // exact recomputation of the retained candidates
    for (let ii = 0; ii < ib; ii++) {
      const i = i0 + ii;
      const base = ii * keep;
      const thr = topV[base + k - 1] + 2 * margin * (qn[i] + maxRn);
      if (keep === avail || topV[base + keep - 1] > thr) {
        for (let p = 0; p < keep; p++) exact[p] = sqDist(query, i * d, ref, topI[base + p] * d, d);
        exact.sort();
        outKth[i] = exact[k - 1];
      } else {
        exactScan(ref, nRef, query, i, d, k, self, outKth);
      }
    }
  }
}

/** Exact k-NN of one query by a full scan (fallback of the brute-force path). */
function exactScan(
  ref: Float64Array,
  nRef: number,
  query: Float64Array,
  i: number,
  d: number,
  k: number,
  self: boolean,
  outKth: Float64Array,
): void {
  const best = new Float64Array(k).fill(Infinity);
  for (let j = 0; j < nRef; j++) {
    if (self && j === i) continue;
    const s = sqDist(query, i * d, ref, j * d, d);
    if (s < best[k - 1]) {
      let p = k - 1;
      while (p > 0 && best[p - 1] > s) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = s;
    }
  }
  outKth[i] = best[k - 1];
}
