#!/usr/bin/env node
/**
 * `node bench/wasm.mjs [--switch]`: speed of the WebAssembly SIMD kernels (asm/kernels.ts).
 * Not part of the test suite. Bundles src/ on the fly with esbuild (a tsup dependency), so it
 * needs `npm run build:wasm` (or `npm install`) to have generated src/linalg/generated/ first.
 *
 * Prints GEMM GFLOP/s (raw kernel, C += A·B and C += A·Bᵀ) at n = 256, 1000, 2000; Cholesky
 * through the `Kernels` interface (copy in/out included) against the TypeScript kernel; the fused
 * diagonal-Gaussian KL at B = 10⁶, d = 16 against `kl(MultivariateNormalDiag…)`. `--switch` also
 * prints the TS-vs-WASM timings behind the switch-over sizes in src/linalg/wasm.ts.
 *
 * Times are the best of several runs, both in CPU time of this process (robust when other jobs
 * share the machine) and wall-clock time.
 */
import { internal } from "./internal.mjs";

const lib = await internal();
const { wasmExports, wasmStatus, wasmKernels, createWasmKernels, jsKernels, klDiagBatchWasm, sqDistWasm } =
  lib;

const w = wasmExports();
const status = wasmStatus();
console.log(
  `node ${process.version}; wasm ${status.wasm}, simd ${status.simd}, relaxed simd ${status.relaxedSimd}, loaded ${status.loaded}`,
);
if (!w) {
  console.log("WASM kernels unavailable:", status.error);
  process.exit(1);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Best-of timing of fn (after one warm-up call): { cpu, wall } in ms. */
function time(fn, { tries = 5, minMs = 0 } = {}) {
  fn();
  let cpu = Infinity;
  let wall = Infinity;
  for (let t = 0; t < tries; t++) {
    let reps = 0;
    const c0 = cpuMs();
    const w0 = performance.now();
    do {
      fn();
      reps++;
    } while (performance.now() - w0 < minMs);
    cpu = Math.min(cpu, (cpuMs() - c0) / reps);
    wall = Math.min(wall, (performance.now() - w0) / reps);
  }
  return { cpu, wall };
}
const fmt = (t) => `${t.cpu.toFixed(2)} ms cpu / ${t.wall.toFixed(2)} ms wall`;

function rand(n, seed = 1) {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
function spd(n, seed = 2) {
  const g = rand(n * n, seed);
  const a = new Float64Array(n * n);
  const p = w.dataPtr();
  w.ensure(3 * n * n * 8);
  const h = new Float64Array(w.memory.buffer);
  h.set(g, p / 8);
  h.fill(0, p / 8 + n * n, p / 8 + 2 * n * n);
  w.gemm(0, 1, n, n, n, 1 / n, p, n, p, n, p + n * n * 8, n); // G Gᵀ / n
  a.set(h.subarray(p / 8 + n * n, p / 8 + 2 * n * n));
  for (let i = 0; i < n; i++) a[i * n + i] += 1;
  return a;
}

console.log("\nGEMM (raw kernel, data already in WASM memory), 2n³ flops");
for (const n of [256, 1000, 2000]) {
  w.ensure(3 * n * n * 8);
  const p = w.dataPtr();
  const h = new Float64Array(w.memory.buffer);
  h.set(rand(2 * n * n, 3), p / 8);
  h.fill(0, p / 8 + 2 * n * n, p / 8 + 3 * n * n);
  for (const tb of [0, 1]) {
    const t = time(() => w.gemm(0, tb, n, n, n, 1, p, n, p + n * n * 8, n, p + 2 * n * n * 8, n), {
      tries: n <= 256 ? 20 : n <= 1000 ? 4 : 2,
    });
    const gf = (x) => ((2 * n ** 3) / x / 1e6).toFixed(1);
    console.log(
      `  n=${n} C += A·${tb ? "Bᵀ" : "B "}: ${fmt(t)} -> ${gf(t.cpu)} GFLOP/s (cpu), ${gf(t.wall)} (wall)`,
    );
  }
}

console.log("\nCholesky (potrf through the Kernels interface, copy in/out included), n³/3 flops");
for (const n of [256, 1000, 2000]) {
  const a = spd(n);
  const x = new Float64Array(n * n);
  const tw = time(
    () => {
      x.set(a);
      if (wasmKernels.potrf(n, x, 0) !== 0) throw new Error("not PD");
    },
    { tries: n <= 256 ? 20 : 3 },
  );
  const tj = time(
    () => {
      x.set(a);
      if (jsKernels.potrf(n, x, 0) !== 0) throw new Error("not PD");
    },
    { tries: n <= 256 ? 5 : 1 },
  );
  const gf = (t) => (n ** 3 / 3 / t / 1e6).toFixed(1);
  console.log(
    `  n=${n}: wasm ${fmt(tw)} (${gf(tw.cpu)} GFLOP/s); ts ${fmt(tj)} (${gf(tj.cpu)} GFLOP/s); ${(tj.cpu / tw.cpu).toFixed(1)}× faster`,
  );
}

console.log("\nFused diagonal-Gaussian KL, B = 10⁶, d = 16");
{
  const nb = 1e6;
  const d = 16;
  const locP = rand(nb * d, 5);
  const lvP = rand(nb * d, 6).map((v) => 3 * v);
  const locQ = rand(nb * d, 7);
  const lvQ = rand(nb * d, 8).map((v) => 3 * v);
  const out = new Float64Array(nb);
  const tf = time(() => klDiagBatchWasm(nb, d, locP, lvP, locQ, lvQ, out), { tries: 5 });
  const tfs = time(() => klDiagBatchWasm(nb, d, locP, lvP, locQ.subarray(0, d), lvQ.subarray(0, d), out), {
    tries: 5,
  });
  const { kl, MultivariateNormalDiag } = lib;
  const p = MultivariateNormalDiag.fromLogVariance(
    { data: locP, shape: [nb, d] },
    { data: lvP, shape: [nb, d] },
  );
  const q = MultivariateNormalDiag.fromLogVariance(
    { data: locQ, shape: [nb, d] },
    { data: lvQ, shape: [nb, d] },
  );
  const tl = time(() => kl(p, q), { tries: 2 });
  const ref = kl(p, q).data;
  klDiagBatchWasm(nb, d, locP, lvP, locQ, lvQ, out);
  let same = 0;
  for (let b = 0; b < nb; b++) if (out[b] === ref[b]) same++;
  console.log(`  fused wasm (q per row): ${fmt(tf)}; (q shared): ${fmt(tfs)}`);
  console.log(
    `  library kl(MultivariateNormalDiag, …) (TS): ${fmt(tl)}; ${(tl.cpu / tf.cpu).toFixed(1)}× slower; ${same}/${nb} results bit-identical`,
  );
}

if (process.argv.includes("--switch")) {
  const all = createWasmKernels({ potrf: 0, trsm: 0, trsmWork: 0, trsv: 0, trilSolveTril: 0 });
  const sizes = [4, 8, 12, 16, 24, 32, 48, 64, 100, 200];
  const opt = { tries: 7, minMs: 20 };
  const row = (label, tj, tw) =>
    console.log(
      `  ${label.padEnd(22)} ts ${tj.cpu.toFixed(4).padStart(9)} ms  wasm ${tw.cpu.toFixed(4).padStart(9)} ms  ts/wasm ${(tj.cpu / tw.cpu).toFixed(2)}`,
    );
  console.log("\nSwitch-over (CPU ms per call, best of 7; wasm includes copying in and out)");
  for (const n of sizes) {
    const a = spd(n, n);
    const x = new Float64Array(n * n);
    row(
      `potrf n=${n}`,
      time(() => (x.set(a), jsKernels.potrf(n, x, 0)), opt),
      time(() => (x.set(a), all.potrf(n, x, 0)), opt),
    );
  }
  for (const n of sizes) {
    const l = spd(n, n + 1);
    jsKernels.potrf(n, l, 0);
    for (const m of new Set([1, 4, 16, n])) {
      const b = rand(n * m, 9);
      const x = new Float64Array(n * m);
      row(
        `trsmLower n=${n} m=${m}`,
        time(() => (x.set(b), jsKernels.trsmLower(n, m, l, 0, x, 0)), opt),
        time(() => (x.set(b), all.trsmLower(n, m, l, 0, x, 0)), opt),
      );
    }
    const v = rand(n, 4);
    const y = new Float64Array(n);
    row(
      `trsvLower n=${n}`,
      time(() => (y.set(v), jsKernels.trsvLower(n, l, 0, y, 0)), opt),
      time(() => (y.set(v), all.trsvLower(n, l, 0, y, 0)), opt),
    );
    const l2 = spd(n, n + 2);
    jsKernels.potrf(n, l2, 0);
    const o = new Float64Array(n * n);
    row(
      `trilSolveTril n=${n}`,
      time(() => jsKernels.trilSolveTril(n, l, 0, l2, 0, o), opt),
      time(() => all.trilSolveTril(n, l, 0, l2, 0, o), opt),
    );
  }
  for (const n of [1000, 2000]) {
    const l = spd(n, 11);
    jsKernels.potrf(n, l, 0);
    const v = rand(n, 4);
    const y = new Float64Array(n);
    row(
      `trsvLower n=${n}`,
      time(() => (y.set(v), jsKernels.trsvLower(n, l, 0, y, 0)), opt),
      time(() => (y.set(v), all.trsvLower(n, l, 0, y, 0)), opt),
    );
  }
  for (const [m, n, d] of [
    [4, 4, 4],
    [8, 8, 8],
    [16, 16, 16],
    [16, 16, 64],
    [100, 100, 16],
    [1000, 1000, 16],
  ]) {
    const A = rand(m * d, 1);
    const B = rand(n * d, 2);
    const out = new Float64Array(m * n);
    // the TS reference of the same expansion
    const ts = () => {
      for (let i = 0; i < m; i++) {
        let na = 0;
        for (let k = 0; k < d; k++) na += A[i * d + k] * A[i * d + k];
        for (let j = 0; j < n; j++) {
          let nb2 = 0;
          let dot = 0;
          for (let k = 0; k < d; k++) {
            nb2 += B[j * d + k] * B[j * d + k];
            dot += A[i * d + k] * B[j * d + k];
          }
          const v = na + nb2 - 2 * dot;
          out[i * n + j] = v > 0 ? v : 0;
        }
      }
    };
    // the WASM path forced (sqDistWasm itself stays in TS below its switch-over)
    const wasmForced = () => {
      w.ensure((m * d + n * d + m * n + m + n + 64) * 8);
      const p = w.dataPtr() / 8;
      const h = new Float64Array(w.memory.buffer);
      h.set(A, p);
      h.set(B, p + m * d);
      const oc = p + m * d + n * d;
      w.sqDist(m, n, d, p * 8, (p + m * d) * 8, oc * 8, (oc + m * n) * 8);
      out.set(h.subarray(oc, oc + m * n));
    };
    row(`sqDist ${m}×${n}×${d}`, time(ts, opt), time(wasmForced, opt));
    if (m * n * d >= 1e6)
      console.log(`    (sqDistWasm wrapper: ${fmt(time(() => sqDistWasm(A, m, B, n, d, out), opt))})`);
  }
}
