#!/usr/bin/env node
/**
 * Worker-thread speed-ups: single thread (the synchronous functions) vs the threaded async forms
 * with 2 worker threads, on P4-like (pairwise KL of 64-bin histograms) and P5-like (k-NN KL)
 * workloads, with the default TypeScript kernels and with WASM. Every threaded result is checked
 * bit for bit (pairwise: every entry, or a checksum of each streamed block; k-NN: the estimate)
 * against the single-threaded one before its time is printed.
 *
 *   npx tsup && node bench/parallel.mjs              # everything (several minutes)
 *   node bench/parallel.mjs P4 P5 diag threshold     # pick sections (P4small = 5000² only)
 *   node bench/parallel.mjs dense                    # threaded Cholesky, Lq⁻¹Lp and KL(MVN‖MVN):
 *                                                    # setDenseThreads(1) vs setDenseThreads(THREADS)
 *
 * Times are the best of `REPS` (default 2) runs, single- and multi-threaded runs alternating;
 * the pool is warmed up first (worker start-up, a one-off of ≈ 30 ms per worker, is not
 * counted). Each row ends with the 1-minute load average: on a shared machine, compare rows
 * taken at low load.
 */
import { loadavg } from "node:os";
import { internal } from "./internal.mjs";
const kb = await internal();

const { Categorical, Random, pairwiseKl, pairwiseKlAsync, pairwiseKlBlocks, pairwiseKlBlocksAsync } = kb;
const { knnKl, knnKlAsync, enableWasm, disableWasm, shutdownThreads, MultivariateNormalDiag } = kb;

const want = process.argv.slice(2);
const on = (name) => want.length === 0 || want.includes(name);
const REPS = Number(process.env.REPS ?? 2);
const THREADS = Number(process.env.THREADS ?? 2);

function histograms(n, K, seed) {
  const rng = new Random(seed);
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += out[i * K + k] = rng.uniform() + 1e-3;
    for (let k = 0; k < K; k++) out[i * K + k] /= s;
  }
  return new Categorical({ probs: { data: out, shape: [n, K] } });
}

function gaussian(n, d, seed, shift = 0) {
  const rng = new Random(seed);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) out[i] = rng.normal() + shift;
  return { data: out, shape: [n, d] };
}

/**
 * Times `single` and `multi` alternately, `reps` times each, and keeps the best of each: on a
 * machine shared with other work, alternating gives both the same chance of a quiet moment.
 */
async function pair(single, multi, reps = REPS) {
  const s = { t: Infinity, cpu: Infinity, value: undefined, all: [] };
  const m = { t: Infinity, cpu: Infinity, value: undefined, all: [] };
  for (let r = 0; r < reps; r++) {
    for (const [fn, acc] of [
      [single, s],
      [multi, m],
    ]) {
      // the single-threaded side must not use the synchronous dense thread pool either (the
      // fused pairwise and k-d tree kernels use it by default)
      kb.configure({ threads: fn === single ? 1 : "auto" });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      acc.value = await fn();
      acc.all.push(performance.now() - t0);
      acc.t = Math.min(acc.t, acc.all[acc.all.length - 1]);
      const c = process.cpuUsage(c0); // all threads of the process, workers included
      acc.cpu = Math.min(acc.cpu, (c.user + c.system) / 1000);
    }
  }
  return [s, m];
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function identical(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * One result line. Besides wall times, the CPU time of the whole process (all threads): on a
 * machine busy with other work the wall-clock speed-up shrinks, but CPU(N threads) ≈ CPU(1 thread)
 * still shows that splitting the work costs little, i.e. what an idle machine would gain.
 */
function row(label, s, m, same) {
  console.log(
    `${label.padEnd(48)} 1 thread ${fmt(s.t).padStart(9)}   ${THREADS} threads ${fmt(m.t).padStart(9)}   ` +
      `speed-up ${(s.t / m.t).toFixed(2)}×   CPU ${fmt(s.cpu)} / ${fmt(m.cpu)}   ` +
      `${same ? "bit-identical" : "MISMATCH"}   load ${loadavg()[0].toFixed(1)}`,
  );
}

/** Streams the blocks, folding every entry's bits into a checksum (order-sensitive). */
async function streamChecksum(blocks) {
  const h = new Uint32Array(2);
  for await (const { rows } of blocks) {
    const u = new Uint32Array(rows.data.buffer, rows.data.byteOffset, rows.data.length * 2);
    for (let i = 0; i < u.length; i++) h[i & 1] = Math.imul(h[i & 1] ^ u[i], 0x9e3779b1) >>> 0;
  }
  return `${h[0]}-${h[1]}`;
}

async function warm() {
  const P = histograms(64, 8, 1);
  await pairwiseKlAsync(P, P, { threads: THREADS });
}

async function p4(kernelsName) {
  const sizes = on("P4small") && !on("P4") ? [5000] : [5000, 20000];
  for (const n of sizes) {
    const P = histograms(n, 64, 1);
    const Q = histograms(n, 64, 2);
    if (n <= 5000) {
      const [s, m] = await pair(
        () => pairwiseKl(P, Q),
        () => pairwiseKlAsync(P, Q, { threads: THREADS }),
      );
      row(`P4 pairwise KL ${n}×${n}, K=64, ${kernelsName}`, s, m, identical(s.value.data, m.value.data));
    } else {
      // the full 20 000² matrix is 3.2 GB: stream 1000-row blocks, as bench/run.mjs P4 does
      const [s, m] = await pair(
        () => streamChecksum(pairwiseKlBlocks(P, Q, { rowsPerBlock: 1000 })),
        () => streamChecksum(pairwiseKlBlocksAsync(P, Q, { rowsPerBlock: 1000, threads: THREADS })),
      );
      row(`P4 pairwise KL ${n}×${n}, K=64, ${kernelsName}, streamed`, s, m, s.value === m.value);
    }
  }
}

/** Pairwise KL between diagonal Gaussians, 5000 × 5000, d = 32 (K = 64 features). */
async function diag(kernelsName) {
  const n = 5000;
  const d = 32;
  const mk = (seed) => {
    const rng = new Random(seed);
    const loc = new Float64Array(n * d).map(() => rng.normal());
    const v = new Float64Array(n * d).map(() => 0.2 + 3 * rng.uniform());
    return MultivariateNormalDiag.fromVariance({ data: loc, shape: [n, d] }, { data: v, shape: [n, d] });
  };
  const P = mk(8);
  const Q = mk(9);
  const [s, m] = await pair(
    () => pairwiseKl(P, Q),
    () => pairwiseKlAsync(P, Q, { threads: THREADS }),
  );
  row(`pairwise KL MVNDiag ${n}×${n}, d=${d}, ${kernelsName}`, s, m, identical(s.value.data, m.value.data));
}

async function p5() {
  for (const d of [2, 8, 16]) {
    const x = gaussian(20000, d, 3);
    const y = gaussian(20000, d, 4, 0.25);
    const method = d <= 10 ? "kdtree" : "brute";
    const [s, m] = await pair(
      () => knnKl(x, y, { k: 1, method }),
      () => knnKlAsync(x, y, { k: 1, method, threads: THREADS }),
    );
    row(`P5 kNN KL n=m=20000, d=${d} (${method})`, s, m, Object.is(s.value.estimate, m.value.estimate));
    // the synchronous call with its default method and the dense thread pool (WASM k-d tree)
    kb.configure({ threads: "auto" });
    let best = Infinity;
    let r;
    for (let k = 0; k < REPS; k++) {
      const t0 = performance.now();
      r = knnKl(x, y, { k: 1 });
      best = Math.min(best, performance.now() - t0);
    }
    console.log(
      `   synchronous knnKl, default method (${r.method}) on the dense threads: ${fmt(best)}, same estimate: ${Object.is(r.estimate, s.value.estimate)}`,
    );
  }
}

/** Where threads start to pay: small jobs, pool already running. */
async function threshold() {
  for (const n of [64, 128, 256, 512, 1024, 2048]) {
    const P = histograms(n, 64, 5);
    const [s, m] = await pair(
      () => pairwiseKl(P, P),
      () => pairwiseKlAsync(P, P, { threads: THREADS }),
      7,
    );
    const same = identical(s.value.data, m.value.data);
    row(`threshold: pairwise ${n}×${n}×64 (work 2^${Math.log2(n * n * 64).toFixed(1)})`, s, m, same);
  }
  for (const [n, d, method] of [
    [500, 2, "kdtree"],
    [2000, 2, "kdtree"],
    [8000, 2, "kdtree"],
    [2000, 8, "kdtree"],
    [500, 16, "brute"],
    [1000, 16, "brute"],
    [2000, 16, "brute"],
  ]) {
    const x = gaussian(n, d, 6);
    const y = gaussian(n, d, 7);
    const work = method === "brute" ? n * 2 * n * d : 1024 * n * (d + 1);
    const [s, m] = await pair(
      () => knnKl(x, y, { method }),
      () => knnKlAsync(x, y, { method, threads: THREADS }),
      7,
    );
    const same = Object.is(s.value.estimate, m.value.estimate);
    row(`threshold: kNN n=m=${n} d=${d} ${method} (work 2^${Math.log2(work).toFixed(1)})`, s, m, same);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Threaded dense factorisations (synchronous; src/linalg/threaded.ts): the WASM Cholesky, M =
 * Lq⁻¹Lp and a whole KL(MVN‖MVN) from covariances (two Cholesky, one Lq⁻¹Lp: P3), with
 * setDenseThreads(1) and setDenseThreads(THREADS), alternating, DENSE_REPS (default 9) runs
 * each; best and median. Bits compared.
 */
async function dense() {
  const { kernelsFor, setDenseThreads, MultivariateNormal, kl } = kb;
  kb.configure({ threads: THREADS });
  await kb.initBackend(); // workers start in the background otherwise
  const reps = Number(process.env.DENSE_REPS ?? 9);
  const spd = (n, seed) => {
    const g = gaussian(n, n, seed).data;
    const c = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += g[i * n + k] * g[j * n + k];
        c[i * n + j] = c[j * n + i] = t / n + (i === j ? 0.5 : 0);
      }
    }
    return c;
  };
  const run = (t, fn) => () => {
    setDenseThreads(t);
    return fn();
  };
  const line = (label, s, m, same) => {
    row(label, s, m, same);
    console.log(
      `${"".padEnd(48)} medians: 1 thread ${fmt(median(s.all))}, ${THREADS} threads ${fmt(median(m.all))} (${(median(s.all) / median(m.all)).toFixed(2)}×)`,
    );
  };
  for (const n of [256, 384, 512, 768, 1000, 1500, 2000]) {
    const k = kernelsFor(n);
    const c0 = spd(n, 21);
    const c1 = spd(n, 22);
    const l0 = c0.slice();
    k.potrf(n, l0, 0);
    const chol = () => {
      const a = c0.slice();
      k.potrf(n, a, 0);
      return a;
    };
    const tril = () => {
      const out = new Float64Array(n * n);
      k.trilSolveTril(n, l0, 0, l0, 0, out);
      return out;
    };
    const m0 = new Float64Array(n).fill(0.1);
    const m1 = new Float64Array(n);
    const klv = () =>
      kl(
        MultivariateNormal.fromCovariance(m0, { data: c0, shape: [n, n] }),
        MultivariateNormal.fromCovariance(m1, { data: c1, shape: [n, n] }),
      );
    const warmup = run(THREADS, chol);
    warmup();
    let [s, m] = await pair(run(1, chol), run(THREADS, chol), reps);
    line(`dense: Cholesky n=${n}`, s, m, identical(s.value, m.value));
    [s, m] = await pair(run(1, tril), run(THREADS, tril), reps);
    line(`dense: Lq⁻¹Lp n=${n}`, s, m, identical(s.value, m.value));
    [s, m] = await pair(run(1, klv), run(THREADS, klv), reps);
    line(`dense: KL(MVN‖MVN) from covariances d=${n}`, s, m, Object.is(s.value, m.value));
  }
  // FID from covariances (Cholesky, two triangular products, tridiagonalisation), P6's route
  for (const n of [1024, 2048]) {
    const s1 = { data: spd(n, 31), shape: [n, n] };
    const s2 = { data: spd(n, 32), shape: [n, n] };
    const mu = new Float64Array(n);
    const fid = () => kb.frechetDistance(mu, s1, mu, s2);
    const [s, m] = await pair(run(1, fid), run(THREADS, fid), Math.min(reps, 5));
    line(`dense: FID from covariances d=${n}`, s, m, Object.is(s.value, m.value));
  }
  setDenseThreads("auto");
}

await warm();
if (on("dense")) await dense();
if (on("threshold")) await threshold();
if (on("P4") || on("P4small")) {
  disableWasm();
  await p4("JS");
  enableWasm();
  await p4("WASM");
  disableWasm();
}
if (on("diag")) {
  disableWasm();
  await diag("JS");
  enableWasm();
  await diag("WASM");
  disableWasm();
}
if (on("P5")) {
  kb.configure({ backend: "auto" }); // the WASM k-d tree search, as users get it
  await p5();
}
await shutdownThreads();
