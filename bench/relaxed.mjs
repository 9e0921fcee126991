#!/usr/bin/env node
/**
 * Relaxed SIMD (fused multiply-add) against plain SIMD128: the same workloads with whichever
 * kernel build this process loads. Run it twice and compare:
 *
 *   npx tsup
 *   node bench/relaxed.mjs                                   # plain SIMD (Node 20 default)
 *   node --experimental-wasm-relaxed-simd bench/relaxed.mjs  # the relaxed-SIMD build
 *
 * Workloads (all with enableWasm()): GEMM C = A Bᵀ, 1024³ (GFLOP/s); pairwise KL of 5000 × 5000
 * 64-bin histograms; one KL between 1000-dimensional full-covariance Gaussians; the Fréchet
 * distance between two 1024-dimensional covariances. Best of 3 runs each; every value is printed
 * so the two builds can be compared (they agree to round-off, not bit for bit).
 */
import { internal } from "./internal.mjs";
const kb = await internal();

const { Random, Categorical, MultivariateNormal, pairwiseKl, kl, frechetDistance, gemmNT } = kb;
kb.configure({ backend: "wasm" });
const status = kb.backendStatus().wasm;
console.log(
  `node ${process.version}; kernel build: ${status.module} (relaxed SIMD validates: ${status.relaxedSimd})`,
);

function best(f, reps = 3) {
  let t = Infinity;
  let v;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    v = f();
    t = Math.min(t, performance.now() - t0);
  }
  return [t, v];
}

function spd(d, seed) {
  const rng = new Random(seed);
  const a = new Float64Array(d * d);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const s = new Float64Array(d * d);
  gemmNT(d, d, d, a, 0, d, a, 0, d, s, 0, d, false, "wasm");
  for (let i = 0; i < d; i++) s[i * d + i] += d;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) s[j * d + i] = s[i * d + j];
  return { data: s, shape: [d, d] };
}

{
  const n = 1024;
  const rng = new Random(1);
  const A = Float64Array.from({ length: n * n }, () => rng.normal());
  const B = Float64Array.from({ length: n * n }, () => rng.normal());
  const C = new Float64Array(n * n);
  const [t] = best(() => gemmNT(n, n, n, A, 0, n, B, 0, n, C, 0, n, false, "wasm"));
  console.log(
    `GEMM ${n}³: ${t.toFixed(1)} ms, ${((2 * n ** 3) / t / 1e6).toFixed(1)} GFLOP/s; C[0] = ${C[0]}`,
  );
}
{
  const rng = new Random(2);
  const h = (m) => {
    const x = new Float64Array(m * 64);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s += x[i * 64 + k] = rng.uniform() + 1e-3;
      for (let k = 0; k < 64; k++) x[i * 64 + k] /= s;
    }
    return new Categorical({ probs: { data: x, shape: [m, 64] } });
  };
  const P = h(5000);
  const Q = h(5000);
  const [t, M] = best(() => pairwiseKl(P, Q));
  let sum = 0;
  for (const v of M.data) sum += v;
  console.log(`pairwise KL 5000 × 5000, K = 64: ${t.toFixed(1)} ms; sum of entries ${sum}`);
}
{
  const d = 1000;
  const p = MultivariateNormal.fromCovariance(new Float64Array(d), spd(d, 3));
  const q = MultivariateNormal.fromCovariance(new Float64Array(d).fill(0.1), spd(d, 4));
  const [t, v] = best(() => kl(p, q));
  console.log(`KL(MVN ‖ MVN), d = ${d}: ${t.toFixed(1)} ms; value ${v}`);
}
{
  const d = 1024;
  const s1 = spd(d, 5);
  const s2 = spd(d, 6);
  const mu = new Float64Array(d);
  const [t, v] = best(() => frechetDistance(mu, s1, mu, s2), 2);
  console.log(`Fréchet distance from covariances, d = ${d}: ${t.toFixed(1)} ms; value ${v}`);
}
