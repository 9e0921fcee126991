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
 *
 * Times are the best of `REPS` (default 2) runs, single- and multi-threaded runs alternating;
 * the pool is warmed up first (worker start-up, a one-off of ≈ 30 ms per worker, is not
 * counted). Each row ends with the 1-minute load average: on a shared machine, compare rows
 * taken at low load.
 */
import { loadavg } from "node:os";
import * as kb from "../dist/index.js";

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
  const s = { t: Infinity, cpu: Infinity, value: undefined };
  const m = { t: Infinity, cpu: Infinity, value: undefined };
  for (let r = 0; r < reps; r++) {
    for (const [fn, acc] of [
      [single, s],
      [multi, m],
    ]) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      acc.value = await fn();
      acc.t = Math.min(acc.t, performance.now() - t0);
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
    const [s, m] = await pair(
      () => knnKl(x, y, { k: 1 }),
      () => knnKlAsync(x, y, { k: 1, threads: THREADS }),
    );
    row(
      `P5 kNN KL n=m=20000, d=${d} (${s.value.method})`,
      s,
      m,
      Object.is(s.value.estimate, m.value.estimate),
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

await warm();
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
if (on("P5")) await p5();
await shutdownThreads();
