// symmetric tridiagonalisation: the fused rank-two update and matrix–vector product of one step (part of the kernels module: asm/kernels.ts is the index)
import { madd } from "./simd";

/** Parts of the rows of a fused step (see {@link tridiagFusedStep}). */
export const TRI_PARTS: i32 = 8;

/** First row of part p (0 ≤ p ≤ TRI_PARTS) of rows [0, l): parts of about equal triangle area. */
export function tridiagPartStart(l: i32, p: i32): i32 {
  if (p <= 0) return 0;
  if (p >= TRI_PARTS) return l;
  return <i32>Math.floor(<f64>l * Math.sqrt(<f64>p / <f64>TRI_PARTS));
}

/** Number of parts of a fused step (for the threaded driver). */
export function tridiagParts(): i32 {
  return TRI_PARTS;
}

/**
 * Rows [j0, j1) of one step of the fused Householder tridiagonalisation of src/linalg/eigh.ts
 * (`tridiagonalize`): with u = row i and v = row l = i − 1 of the row-major n×n matrix at `a`
 * (lower triangle used), for every row j in [j0, j1) and column k ≤ j
 *
 *   A[j, k] −= u_j q_k + q_j u_k        (the rank-two update of step i)
 *   part[k] += A[j, k] v_j,  part[j] += Σ_{k<j} A[j, k] v_k + A[j, j] v_j
 *
 * with `part` zeroed over [0, j1) first. Two columns per f64x2; the row sums use two lanes.
 */
export function tridiagFusedRows(n: i32, a: usize, i: i32, l: i32, q: usize, part: usize, j0: i32, j1: i32): void {
  const rowBytes = <usize>n << 3;
  const ri = a + <usize>i * rowBytes;
  const rl = a + <usize>l * rowBytes;
  memory.fill(part, 0, <usize>j1 << 3);
  for (let j = j0; j < j1; j++) {
    const rj = a + <usize>j * rowBytes;
    const jo = <usize>j << 3;
    const uj = load<f64>(ri + jo);
    const qj = load<f64>(q + jo);
    const vj = load<f64>(rl + jo);
    const vu = f64x2.splat(uj);
    const vq = f64x2.splat(qj);
    const vv = f64x2.splat(vj);
    // two accumulators (four columns per iteration): one chain of dependent multiply-adds would
    // bound the loop by the add latency
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let k = 0;
    for (; k + 4 <= j; k += 4) {
      const o = <usize>k << 3;
      const x = f64x2.sub(
        v128.load(rj + o),
        f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(ri + o))),
      );
      const y = f64x2.sub(
        v128.load(rj + o, 16),
        f64x2.add(f64x2.mul(vu, v128.load(q + o, 16)), f64x2.mul(vq, v128.load(ri + o, 16))),
      );
      v128.store(rj + o, x);
      v128.store(rj + o, y, 16);
      s2 = madd(x, v128.load(rl + o), s2);
      s3 = madd(y, v128.load(rl + o, 16), s3);
      v128.store(part + o, madd(x, vv, v128.load(part + o)));
      v128.store(part + o, madd(y, vv, v128.load(part + o, 16)), 16);
    }
    for (; k + 2 <= j; k += 2) {
      const o = <usize>k << 3;
      const x = f64x2.sub(
        v128.load(rj + o),
        f64x2.add(f64x2.mul(vu, v128.load(q + o)), f64x2.mul(vq, v128.load(ri + o))),
      );
      v128.store(rj + o, x);
      s2 = madd(x, v128.load(rl + o), s2);
      v128.store(part + o, madd(x, vv, v128.load(part + o)));
    }
    s2 = f64x2.add(s2, s3);
    let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    for (; k < j; k++) {
      const o = <usize>k << 3;
      const x = load<f64>(rj + o) - (uj * load<f64>(q + o) + qj * load<f64>(ri + o));
      store<f64>(rj + o, x);
      s += x * load<f64>(rl + o);
      store<f64>(part + o, load<f64>(part + o) + x * vj);
    }
    const x = load<f64>(rj + jo) - (uj * qj + qj * uj);
    store<f64>(rj + jo, x);
    store<f64>(part + jo, load<f64>(part + jo) + s + x * vj);
  }
}

/**
 * pn[k] = Σ_p part_p[k] for k < l, in the order p = 0, 1, …, over the non-empty parts whose rows
 * end after k (part p at work + p·n doubles; see {@link tridiagFusedRows}).
 */
export function tridiagReduce(n: i32, l: i32, work: usize, pn: usize): void {
  memory.fill(pn, 0, <usize>l << 3);
  for (let p = 0; p < TRI_PARTS; p++) {
    const j0 = tridiagPartStart(l, p);
    const j1 = tridiagPartStart(l, p + 1);
    if (j1 <= j0) continue;
    const part = work + <usize>p * (<usize>n << 3);
    let k = 0;
    for (; k + 2 <= j1; k += 2) {
      const o = <usize>k << 3;
      v128.store(pn + o, f64x2.add(v128.load(pn + o), v128.load(part + o)));
    }
    for (; k < j1; k++) {
      const o = <usize>k << 3;
      store<f64>(pn + o, load<f64>(pn + o) + load<f64>(part + o));
    }
  }
}

/**
 * One whole step of the fused tridiagonalisation: the {@link TRI_PARTS} parts of rows [0, l)
 * ({@link tridiagFusedRows}, partial products in `work`, TRI_PARTS·n doubles), then
 * {@link tridiagReduce} into pn. The threaded driver runs the same parts on several threads and
 * the same reduction, so its bits are these.
 */
export function tridiagFusedStep(n: i32, a: usize, i: i32, l: i32, q: usize, pn: usize, work: usize): void {
  for (let p = 0; p < TRI_PARTS; p++) {
    const j0 = tridiagPartStart(l, p);
    const j1 = tridiagPartStart(l, p + 1);
    if (j1 > j0) tridiagFusedRows(n, a, i, l, q, work + <usize>p * (<usize>n << 3), j0, j1);
  }
  tridiagReduce(n, l, work, pn);
}

