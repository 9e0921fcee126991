import type { Random } from "../src/core/random.js";

/** A symmetric positive definite matrix G Gᵀ / n + ridge·I (row-major n×n; G has n² normal draws). */
export function spdMatrix(rng: Random, n: number, ridge = 1): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = rng.normal();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k];
      a[i * n + j] = a[j * n + i] = s / n + (i === j ? ridge : 0);
    }
  }
  return a;
}
