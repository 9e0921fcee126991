// squared Euclidean distances (part of the kernels module: asm/kernels.ts is the index)
import { gemmCore } from "./gemm";
import { Fused, dot } from "./simd";

/**
 * out[i, j] = max(0, ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j) for the rows a_i of A (m×d) and b_j of B (n×d);
 * `work` holds m + n doubles. The cross term goes through the GEMM.
 */
export function sqDist(m: i32, n: i32, d: i32, a: usize, b: usize, out: usize, work: usize): void {
  const na = work;
  const nb = work + <usize>(m * 8);
  for (let i = 0; i < m; i++) {
    const r = a + <usize>(i * d * 8);
    store<f64>(na + (<usize>i << 3), dot(r, r, d));
  }
  for (let j = 0; j < n; j++) {
    const r = b + <usize>(j * d * 8);
    store<f64>(nb + (<usize>j << 3), dot(r, r, d));
  }
  for (let i = 0; i < m; i++) {
    const ro = out + <usize>(i * n * 8);
    const vi = f64x2.splat(load<f64>(na + (<usize>i << 3)));
    let j = 0;
    for (; j + 2 <= n; j += 2) v128.store(ro + (<usize>j << 3), f64x2.add(vi, v128.load(nb + (<usize>j << 3))));
    if (j < n) store<f64>(ro + (<usize>j << 3), load<f64>(na + (<usize>i << 3)) + load<f64>(nb + (<usize>j << 3)));
  }
  gemmCore<Fused>(0, 1, m, n, d, -2.0, a, d, b, d, out, n, 0);
  const zero = f64x2.splat(0);
  const total = m * n;
  let t = 0;
  for (; t + 2 <= total; t += 2) {
    const q = out + (<usize>t << 3);
    v128.store(q, f64x2.pmax(zero, v128.load(q)));
  }
  if (t < total) {
    const q = out + (<usize>t << 3);
    const v = load<f64>(q);
    store<f64>(q, v > 0 ? v : 0.0);
  }
}

