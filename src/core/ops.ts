/** Elementwise arithmetic on batched results (`number | NDArray`) with broadcasting. */
import { NDArray, broadcastMap, broadcastShapes, result, sizeOf } from "./array.js";

function parts(x: number | NDArray): { data: ArrayLike<number>; shape: readonly number[] } {
  return typeof x === "number" ? { data: [x], shape: [] } : x;
}

/** a ⊕ b elementwise, broadcast. */
export function zipWith(
  a: number | NDArray,
  b: number | NDArray,
  f: (x: number, y: number) => number,
): number | NDArray {
  const pa = parts(a);
  const pb = parts(b);
  const shape = broadcastShapes([pa.shape, pb.shape], ["a", "b"]);
  const ma = broadcastMap(pa.shape, shape);
  const mb = broadcastMap(pb.shape, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(pa.data[ma ? ma[i] : i], pb.data[mb ? mb[i] : i]);
  return result(out, shape);
}

export function add(a: number | NDArray, b: number | NDArray): number | NDArray {
  return zipWith(a, b, (x, y) => x + y);
}

export function mapResult(a: number | NDArray, f: (x: number) => number): number | NDArray {
  if (typeof a === "number") return f(a);
  return new NDArray(a.data.map(f), a.shape);
}
