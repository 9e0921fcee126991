/** Small numeric helpers of the CLI, on top of the public API. */
import { NDArray, Random, erfc } from "../index.js";

/** z with Φ(z) = p, 0 < p < 1: Acklam's rational approximation refined by two Newton steps on erfc. */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = 0.5 * erfc(-x / Math.SQRT2) - p;
    x -= e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  }
  return x;
}

export function num(v: number | NDArray): number {
  return typeof v === "number" ? v : v.data[0];
}

/** A seeded subsample of `size` of the `n` rows, without replacement, in increasing order. */
export function seededRows(n: number, size: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, size).sort();
}

export function subsample(v: NDArray, max: number, seed: number): NDArray {
  const [n, d] = v.shape;
  if (n <= max) return v;
  const rows = seededRows(n, max, seed);
  const outData = new Float64Array(max * d);
  rows.forEach((r, i) => outData.set(v.data.subarray(r * d, r * d + d), i * d));
  return new NDArray(outData, [max, d]);
}
