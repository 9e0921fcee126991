#!/usr/bin/env node
/**
 * Worker-thread speed-ups: single thread (the synchronous functions) vs the threaded async forms
 * with 2 worker threads, on P4-like (pairwise KL of 64-bin histograms) and P5-like (k-NN KL)
 * workloads, with the default TypeScript kernels and with WASM. Every threaded result is checked
 * bit for bit (pairwise: every entry, or a checksum of each streamed block; k-NN: the estimate)
 * against the single-threaded one before its time is printed.
 *
 *   npx tsup && node bench/parallel.mjs              # everything (several minutes)
 *   node bench/parallel.mjs P4 P5 threshold          # pick sections (P4small = 5000² only)
 *
 * Times are the best of `REPS` (default 2) runs; the pool is warmed up first (worker start-up
 * is not counted; it is a one-off of ≈ 30 ms per worker).
 */
import * as kb from "../dist/index.js";

const { Categorical, Random, pairwiseKl, pairwiseKlAsync, pairwiseKlBlocks, pairwiseKlBlocksAsync } = kb;
const { knnKl, knnKlAsync, enableWasm, disableWasm, shutdownThreads } = kb;

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

async function best(fn, reps = REPS) {
  let t = Infinity;
  let value;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    value = await fn();
    t = Math.min(t, performance.now() - t0);
  }
  return { t, value };
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function identical(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function row(label, single, multi, same) {
  const ratio = single / multi;
  console.log(
    `${label.padEnd(44)} 1 thread ${fmt(single).padStart(9)}   ${THREADS} threads ${fmt(multi).padStart(9)}   ` +
      `speed-up ${ratio.toFixed(2)}×   ${same ? "bit-identical" : "MISMATCH"}`,
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
      const s = await best(() => pairwiseKl(P, Q));
      const m = await best(() => pairwiseKlAsync(P, Q, { threads: THREADS }));
      row(`P4 pairwise KL ${n}×${n}, K=64, ${kernelsName}`, s.t, m.t, identical(s.value.data, m.value.data));
    } else {
      // the full 20 000² matrix is 3.2 GB: stream 1000-row blocks, as bench/run.mjs P4 does
      const s = await best(() => streamChecksum(pairwiseKlBlocks(P, Q, { rowsPerBlock: 1000 })), 1);
      const m = await best(
        () => streamChecksum(pairwiseKlBlocksAsync(P, Q, { rowsPerBlock: 1000, threads: THREADS })),
        1,
      );
      row(`P4 pairwise KL ${n}×${n}, K=64, ${kernelsName}, streamed`, s.t, m.t, s.value === m.value);
    }
  }
}

async function p5() {
  for (const d of [2, 8, 16]) {
    const x = gaussian(20000, d, 3);
    const y = gaussian(20000, d, 4, 0.25);
    const s = await best(() => knnKl(x, y, { k: 1 }));
    const m = await best(() => knnKlAsync(x, y, { k: 1, threads: THREADS }));
    row(
      `P5 kNN KL n=m=20000, d=${d} (${s.value.method})`,
      s.t,
      m.t,
      Object.is(s.value.estimate, m.value.estimate),
    );
  }
}

/** Where threads start to pay: small jobs, pool already running. */
async function threshold() {
  for (const n of [64, 128, 256, 512, 1024, 2048]) {
    const P = histograms(n, 64, 5);
    const s = await best(() => pairwiseKl(P, P), 5);
    const m = await best(() => pairwiseKlAsync(P, P, { threads: THREADS }), 5);
    const same = identical(s.value.data, m.value.data);
    row(`threshold: pairwise ${n}×${n}×64 (work 2^${Math.log2(n * n * 64).toFixed(1)})`, s.t, m.t, same);
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
    const s = await best(() => knnKl(x, y, { method }), 5);
    const m = await best(() => knnKlAsync(x, y, { method, threads: THREADS }), 5);
    const same = Object.is(s.value.estimate, m.value.estimate);
    row(`threshold: kNN n=m=${n} d=${d} ${method} (work 2^${Math.log2(work).toFixed(1)})`, s.t, m.t, same);
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
if (on("P5")) await p5();
await shutdownThreads();
