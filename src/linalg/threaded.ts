/**
 * Threaded dense kernels under Node: the blocked Cholesky (`potrf`), M = Lq⁻¹ Lp
 * (`trilSolveTril`, the trace term of KL between full-covariance Gaussians), large matrix
 * products (`gemmNT`: the FID's triangular products), the steps of the symmetric
 * tridiagonalisation (eigenvalues for the FID, `eigh`), the fused batched diagonal KL and the
 * fused pairwise categorical KL shared between the calling thread and worker threads,
 * synchronously.
 *
 * - One WebAssembly memory, shared: the kernel module's shared-memory build is instantiated once
 *   in the calling thread and once in each worker, over the same `WebAssembly.Memory`; every
 *   instance has its own GEMM scratch region (`setScratch`). The matrix is copied in once and the
 *   result copied out once.
 * - The work is cut into the same steps as the single-threaded kernel (asm/kernels.ts: the
 *   diagonal block, the panel rows, the trailing update; independent 64-column blocks of M; rows
 *   of a product; the eight fixed row parts of a tridiagonalisation step, whose partial products
 *   are summed in a fixed order) and each entry gets the same operations in the same order
 *   whatever thread computes it: the threaded results have the bits of the single-threaded WASM
 *   kernels (tested).
 * - Synchronisation by `Atomics.wait`/`Atomics.notify` on a small shared control block: workers
 *   sleep between phases; in each phase every thread, the caller included, takes chunks (row
 *   ranges or column blocks) from a shared counter until none is left, then the caller waits for
 *   the workers. A factorisation of order 1000 has 32 phases.
 * - Node only (workers are started with `process.getBuiltinModule("node:worker_threads")`, so a
 *   synchronous constructor can use them, and the calling thread must be allowed to block). In a
 *   browser, and wherever a piece is missing, the single-threaded kernels run instead, with the
 *   same results.
 * - Workers start in the background on the first call that would use them (that call runs in
 *   one thread; `startDenseThreads` waits for them), are `unref()`ed (an idle pool never keeps
 *   the process alive) and are stopped by `shutdownThreads()`. If a worker fails, the
 *   call is recomputed in the calling thread and threading is switched off for the process.
 */
import {
  kernelsWasmSharedBase64,
  kernelsWasmSharedPages,
  kernelsWasmSharedRelaxedBase64,
} from "./generated/kernels-wasm.js";
import { decodeBase64 } from "./base64.js";
import { invalidParameter } from "../core/errors.js";
import { initWasm, relaxedSimdLoaded, type WasmKernelExports } from "./wasm-module.js";
import { MAX_THREADS, type ThreadsOption } from "../core/threads-option.js";

/**
 * Order from which `"auto"` threads the WASM Cholesky and Lq⁻¹Lp. Measured with
 * `node bench/parallel.mjs dense` (Node 20, 2 cores, 9 alternating runs; 1-thread time / 2-thread
 * time for a whole KL(MVN‖MVN) from covariances): 0.83–0.86× at d = 384 (waking the workers for
 * 2·⌈n/64⌉ phases costs more than the split saves), 1.14–1.18× at 512, 1.65× at 768, 1.3–1.5× at
 * 1000–2000.
 */
export const DENSE_THREAD_THRESHOLD = 512;

/** The exports of the shared-memory build (the same as the private build's). */
type SharedExports = WasmKernelExports;

/** The slice of `node:worker_threads`' Worker used here. */
interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}

// control block (Int32Array over a SharedArrayBuffer)
const SEQ = 0; // phase counter: workers wake when it changes
const OP = 1; // what to run: OP_PANEL, OP_UPDATE, OP_TRIL, OP_STOP
const NEXT = 2; // next chunk to take
const NCHUNK = 3; // chunks in this phase
const DONE = 4; // workers done with this phase
const ERR = 5; // a worker caught an error
const ARGS = 8; // up to eight int arguments (see drain)
const READY = 16; // one flag per worker: 1 ready, 2 failed to start
const CTRL_INTS = READY + MAX_THREADS;
const OP_PANEL = 1;
const OP_UPDATE = 2;
const OP_TRIL = 3;
const OP_STOP = 4;
const OP_GEMM = 5;
const OP_TRIDIAG = 6;
const OP_KLDIAG = 7;
const OP_CATKL = 8;
const OP_KDKNN = 9;
/** Upper bound of chunks per phase (the bounds array's size). */
export const MAX_CHUNKS = 4096;

/**
 * Takes chunks of the current phase until none is left (the calling thread and every worker run
 * this same function; the worker's copy is its source text, so it must not use anything from
 * outside its parameters).
 */
function drain(ex: SharedExports, ctrl: Int32Array, bounds: Int32Array): void {
  const op = Atomics.load(ctrl, 1);
  const n = ctrl[8];
  const p1 = ctrl[9] >>> 0;
  const p2 = ctrl[10] >>> 0;
  const p3 = ctrl[11] >>> 0;
  const total = Atomics.load(ctrl, 3);
  for (;;) {
    const c = Atomics.add(ctrl, 2, 1);
    if (c >= total) return;
    const lo = bounds[2 * c];
    const hi = bounds[2 * c + 1];
    if (op === 1) ex.potrfPanel(n, p1, p2, p3, lo, hi);
    else if (op === 2) ex.potrfUpdate(n, p1, p2, p3, lo, hi);
    else if (op === 3) ex.trilSolveTrilCols(n, p1, p2, p3, lo, hi);
    else if (op === 5) {
      // rows [lo, hi) of C (n columns) += A (k columns) Bᵀ; p1, p2, p3 = A, B, C; ctrl[12] = fused
      const k = ctrl[12];
      const f = ctrl[13] === 1 ? ex.gemm : ex.gemmUnfused;
      if (ctrl[14] === 1) {
        // columns [lo, hi) of C (rows of B); ctrl[15] = m
        f(0, 1, ctrl[15], hi - lo, k, 1, p1, k, p2 + lo * k * 8, k, p3 + lo * 8, n);
      } else f(0, 1, hi - lo, n, k, 1, p1 + lo * k * 8, k, p2, k, p3 + lo * n * 8, n);
    } else if (op === 6) {
      // parts [lo, hi) of a fused tridiagonalisation step; p1, p2, p3 = A, q, work; i, l
      const i = ctrl[12];
      const l = ctrl[13];
      for (let p = lo; p < hi; p++) {
        const j0 = ex.tridiagPartStart(l, p);
        const j1 = ex.tridiagPartStart(l, p + 1);
        if (j1 > j0) ex.tridiagFusedRows(n, p1, i, l, p2, p3 + p * n * 8, j0, j1);
      }
    } else if (op === 7) {
      // rows [lo, hi) of the fused diagonal KL: n = d; p1, p2, p3 = locP, lvP, locQ; ctrl[12] =
      // lvQ, ctrl[13] = out, ctrl[14] = shared-q flags (1: locQ, 2: lvQ); work in own scratch
      const lvq = ctrl[12] >>> 0;
      const out = ctrl[13] >>> 0;
      const sl = ctrl[14] & 1;
      const sv = (ctrl[14] >> 1) & 1;
      const row = n * 8;
      ex.klDiagBatch(
        hi - lo,
        n,
        p1 + lo * row,
        p2 + lo * row,
        p3 + (sl ? 0 : lo * row),
        sl,
        lvq + (sv ? 0 : lo * row),
        sv,
        out + lo * 8,
        ex.scratchPtr(),
      );
    } else if (op === 8) {
      // columns [lo, hi) of a pairwise categorical KL block, chunk c; p1 = its parameters
      ex.catKlCols(p1, lo, hi, c);
    } else if (op === 9) {
      // queries at positions [lo, hi) of a k-d tree search; p1 = its parameters
      ex.kdKnn(p1, lo, hi);
    }
  }
}

/**
 * A worker's script: under Node run with `eval: true` (as CommonJS, or as a module under
 * `--input-type=module`: no require), in a browser from a Blob URL, started by its first message.
 */
function workerScript(kind: "node" | "web"): string {
  const start =
    kind === "node"
      ? 'start(process.getBuiltinModule("node:worker_threads").workerData);'
      : "self.onmessage = (e) => { self.onmessage = null; start(e.data); };";
  return `"use strict";
function start(data) {
const { module, memory, control, bounds: boundsBuffer, slot, scratch } = data;
const ctrl = new Int32Array(control);
const bounds = new Int32Array(boundsBuffer);
const drain = ${drain.toString()};
// phase 0 is "none yet": the caller starts phases only after every worker is ready, so reading
// the counter after signalling could miss the first one
let seen = 0;
let ex = null;
try {
  ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  ex.setScratch(scratch);
  Atomics.store(ctrl, ${READY} + slot, 1);
} catch (e) {
  Atomics.store(ctrl, ${READY} + slot, 2);
}
Atomics.notify(ctrl, ${READY} + slot);
while (ex) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  seen = Atomics.load(ctrl, ${SEQ});
  if (Atomics.load(ctrl, ${OP}) === ${OP_STOP}) break;
  try {
    drain(ex, ctrl, bounds);
  } catch (e) {
    Atomics.store(ctrl, ${ERR}, 1);
  }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
}
${start}
`;
}

interface Pool {
  /** Every worker has started (see {@link poolReady}). */
  ready: boolean;
  startedAt: number;
  relaxed: boolean;
  memory: WebAssembly.Memory;
  ex: SharedExports;
  heap: Float64Array;
  ctrl: Int32Array;
  bounds: Int32Array;
  workers: { terminate(): unknown }[];
  /** Start of the region for arrays (after the workers' scratch regions). */
  arrays: number;
}

interface NodeEnv {
  Worker: new (code: string, options: { eval: true; workerData: unknown }) => NodeWorker;
  parallelism: number;
}

/** What a browser worker scope offers for a pool of nested Web Workers (see {@link startDenseThreads}). */
interface WebEnv {
  Worker: new (url: string) => { postMessage(message: unknown): void; terminate(): void };
  url: string;
  parallelism: number;
}

let setting: ThreadsOption = "auto";
let env: NodeEnv | null | undefined;
let pool: Pool | null = null;
/** Set when starting workers or a phase failed: no more threading in this process. */
let broken: string | undefined;
/** Seconds without progress after which a phase gives up on its workers (see {@link phase}). */
let stallSeconds = 60;

/**
 * Test hooks (not exported from the package): stop the workers behind the pool's back, as a
 * crash would, shorten the stall timeout, and clear the "broken" state.
 */
export const denseThreadsTesting = {
  killWorkers(): void {
    for (const w of pool?.workers ?? []) void w.terminate();
  },
  setStallSeconds(s: number): void {
    stallSeconds = s;
  },
  reset(): void {
    broken = undefined;
    stallSeconds = 60;
    shutdownDenseThreads();
  },
  /** "none", "starting" (workers booting) or "ready". */
  poolState(): "none" | "starting" | "ready" {
    return pool === null ? "none" : pool.ready ? "ready" : "starting";
  },
  /** setDenseThreads(t), then (Node) block until a pool of t threads has started; its readiness. */
  useThreads(t: number): boolean {
    setDenseThreads(t);
    if (t < 2 || !nodeEnv()) return false;
    ensurePool(t);
    const p = pool;
    if (!p) return false;
    const wait = new Int32Array(new SharedArrayBuffer(4));
    while (pool === p && !poolReady(p) && broken === undefined) Atomics.wait(wait, 0, 0, 2);
    return pool === p && p.ready;
  },
};

/** node:worker_threads and node:os, synchronously (Node ≥ 20.16), or null. */
function nodeEnv(): NodeEnv | null {
  if (env !== undefined) return env;
  env = null;
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function" || typeof SharedArrayBuffer !== "function") return env;
  try {
    const wt = proc.getBuiltinModule("node:worker_threads") as { Worker?: NodeEnv["Worker"] } | undefined;
    const os = proc.getBuiltinModule("node:os") as
      { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
    if (!wt?.Worker || !os) return env;
    const parallelism = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    env = { Worker: wt.Worker, parallelism: Math.max(1, parallelism) };
  } catch {
    env = null;
  }
  return env;
}

/**
 * Sets how many threads the WASM dense kernels use (Cholesky, Lq⁻¹Lp, matrix products,
 * tridiagonalisation, the fused batched diagonal KL, the fused pairwise categorical KL, k-d tree
 * searches; Node, or a browser Web Worker after {@link startDenseThreads}; elsewhere they run in
 * the calling thread): `"auto"` (the default) uses every core (`os.availableParallelism()`) for
 * orders ≥ {@link DENSE_THREAD_THRESHOLD}, products (and pairwise categorical matrices) of ≥
 * {@link GEMM_THREAD_WORK} multiply-adds, batched diagonal KL of ≥ {@link BATCH_THREAD_ELEMENTS}
 * elements and k-d tree searches of ≥ {@link KNN_THREAD_ELEMENTS} query coordinates, one thread
 * below; an integer n ≥ 2 uses n threads (the caller and n − 1 workers) at every size the
 * WASM kernels handle; 1 never uses workers. Any setting gives the same bits. Throws
 * `InvalidParameter` for anything else.
 *
 * @example
 * setDenseThreads(1); // single-threaded factorisations
 */
export function setDenseThreads(threads: ThreadsOption = "auto"): void {
  if (
    threads !== "auto" &&
    !(typeof threads === "number" && Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)
  ) {
    throw invalidParameter("threads", `"auto" or an integer in [1, ${MAX_THREADS}]`, threads);
  }
  setting = threads;
}

/**
 * How many threads a WASM factorisation of order n would use now (1 when threading is not
 * available here: not Node ≥ 20.16, no SharedArrayBuffer, or an earlier worker failure).
 */
export function denseThreadsFor(n: number): number {
  return threadsFor(n, DENSE_THREAD_THRESHOLD);
}

/** Threads for a job of `size` under the current setting, where `"auto"` starts at `threshold`. */
function threadsFor(size: number, threshold: number): number {
  if (setting === 1 || broken !== undefined) return 1;
  if (setting === "auto" && !(size >= threshold)) return 1;
  const e = nodeEnv();
  if (e) return setting === "auto" ? e.parallelism : setting;
  // elsewhere only a pool started by startDenseThreads (a browser worker) is used, at its size
  const have = pool && pool.ready ? pool.workers.length + 1 : 1;
  return setting === "auto" ? have : Math.min(setting, have);
}

/** The thread setting in force (see {@link setDenseThreads}). */
export function denseThreadsSetting(): ThreadsOption {
  return setting;
}

/** Why threading is off for good in this process, if it is. */
export function denseThreadsError(): string | undefined {
  return broken;
}

/** Stops the workers (the next threaded call starts new ones). */
export function shutdownDenseThreads(): void {
  const p = pool;
  pool = null;
  if (!p) return;
  Atomics.store(p.ctrl, OP, OP_STOP);
  Atomics.add(p.ctrl, SEQ, 1);
  Atomics.notify(p.ctrl, SEQ);
  for (const w of p.workers) void w.terminate();
}

/** Waits until ctrl[i] ≠ old, giving up (false) after `ms` without a change. */
function waitChange(ctrl: Int32Array, i: number, old: number, ms: number): boolean {
  return Atomics.wait(ctrl, i, old, ms) !== "timed-out" || Atomics.load(ctrl, i) !== old;
}

/** Starts the pool for `threads` threads (the caller and threads − 1 workers), or returns null. */
function ensurePool(threads: number): Pool | null {
  // the same build as the calling thread's kernels, so that the bits match
  const relaxed = relaxedSimdLoaded();
  const e = nodeEnv();
  // without Node, the pool cannot be started synchronously: use one from startDenseThreads
  if (!e) return pool && pool.ready && pool.relaxed === relaxed ? pool : null;
  if (pool && (pool.relaxed !== relaxed || pool.workers.length !== threads - 1)) shutdownDenseThreads();
  if (!pool) {
    // start the workers and return at once: this call runs in one thread while they boot
    // (≈ 50–100 ms), later calls use them; a one-off call never waits for start-up
    const workers: NodeWorker[] = [];
    try {
      pool = newPool(
        threads - 1,
        relaxed,
        workers,
        (script, data) => {
          const w = new e.Worker(script, { eval: true, workerData: data });
          w.unref();
          return w;
        },
        workerScript("node"),
      );
    } catch (err) {
      for (const w of workers) void w.terminate();
      broken = `starting worker threads failed: ${err instanceof Error ? err.message : String(err)}`;
      return null;
    }
  }
  return poolReady(pool) ? pool : null;
}

/** How long workers may take to start before threading is given up. */
const START_TIMEOUT_MS = 10_000;

/**
 * Whether every worker of `p` has started (marking it ready); false while some are booting.
 * A worker that failed to start, or one still silent after {@link START_TIMEOUT_MS}, turns
 * threading off (false).
 */
function poolReady(p: Pool): boolean {
  if (p.ready) return true;
  let all = true;
  for (let slot = 0; slot < p.workers.length; slot++) {
    const state = Atomics.load(p.ctrl, READY + slot);
    if (state === 2) {
      fail("starting worker threads failed: a worker could not load the kernels");
      return false;
    }
    if (state !== 1) all = false;
  }
  if (!all && Date.now() - p.startedAt > START_TIMEOUT_MS) {
    fail("starting worker threads failed: a worker did not start");
    return false;
  }
  p.ready = all;
  return all;
}

/** Resolves when the pool is ready (true) or has failed or was replaced (false). */
async function whenReady(p: Pool): Promise<boolean> {
  while (pool === p && !poolReady(p) && broken === undefined) await new Promise((r) => setTimeout(r, 5));
  return pool === p && p.ready;
}

/**
 * A pool's shared memory, module, control block and `count` workers (pushed to `workers` as
 * they start, so the caller can stop them on failure); the workers are not waited for.
 */
function newPool(
  count: number,
  relaxed: boolean,
  workers: { terminate(): unknown }[],
  spawn: (script: string, data: unknown) => { terminate(): unknown },
  script: string,
): Pool {
  const memory = new WebAssembly.Memory({
    initial: kernelsWasmSharedPages.initial,
    maximum: kernelsWasmSharedPages.maximum,
    shared: true,
  });
  const bytes = decodeBase64(relaxed ? kernelsWasmSharedRelaxedBase64 : kernelsWasmSharedBase64);
  const module = new WebAssembly.Module(bytes as BufferSource);
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SharedExports;
  const control = new SharedArrayBuffer(CTRL_INTS * 4);
  const boundsBuffer = new SharedArrayBuffer(MAX_CHUNKS * 2 * 4);
  const S = ex.scratchBytes();
  const base = ex.dataPtr();
  if (!ex.ensure(count * S)) throw new Error("could not allocate the workers' scratch memory");
  for (let slot = 0; slot < count; slot++) {
    workers.push(
      spawn(script, { module, memory, control, bounds: boundsBuffer, slot, scratch: base + slot * S }),
    );
  }
  return {
    ready: false,
    startedAt: Date.now(),
    relaxed,
    memory,
    ex,
    heap: new Float64Array(memory.buffer),
    ctrl: new Int32Array(control),
    bounds: new Int32Array(boundsBuffer),
    workers,
    arrays: base + count * S,
  };
}

/** A browser worker scope that can run a pool of nested Web Workers, or null. */
function webEnv(): WebEnv | null {
  const g = globalThis as unknown as {
    WorkerGlobalScope?: new () => unknown;
    crossOriginIsolated?: boolean;
    Worker?: WebEnv["Worker"];
    Blob?: new (parts: string[], options: { type: string }) => unknown;
    URL?: { createObjectURL?(blob: unknown): string };
    navigator?: { hardwareConcurrency?: number };
  };
  if (typeof g.WorkerGlobalScope !== "function" || !(globalThis instanceof g.WorkerGlobalScope)) return null;
  if (g.crossOriginIsolated !== true || typeof SharedArrayBuffer !== "function") return null;
  if (
    typeof g.Worker !== "function" ||
    typeof g.Blob !== "function" ||
    typeof g.URL?.createObjectURL !== "function"
  )
    return null;
  const url = g.URL.createObjectURL(new g.Blob([workerScript("web")], { type: "text/javascript" }));
  return { Worker: g.Worker, url, parallelism: Math.max(1, g.navigator?.hardwareConcurrency ?? 1) };
}

/**
 * Starts the dense thread pool ahead of use, for `threads` threads (default: every core), and
 * resolves to whether it runs. Under Node this is optional: the synchronous calls start the
 * workers in the background on first use and use them once they run; awaiting this first makes
 * the very first large call threaded too (benchmarks). In a browser it is what makes threading possible at all, inside a Web Worker of a
 * cross-origin-isolated page (a page's main thread may not block): the pool's nested Web Workers
 * start asynchronously, and afterwards the synchronous calls in that worker use them. Elsewhere
 * (a page's main thread, no isolation) it resolves to false and everything runs in one thread.
 *
 * @example
 * // in a module Web Worker of a page served with COOP/COEP headers
 * await startDenseThreads();
 * frechetDistance(mu1, sigma1, mu2, sigma2); // Cholesky, products and eigenvalues on all cores
 */
export async function startDenseThreads(threads?: number): Promise<boolean> {
  if (threads !== undefined) setDenseThreads(threads); // validates
  if (broken !== undefined) return false;
  if (!(await initWasm())) return false;
  const relaxed = relaxedSimdLoaded();
  const node = nodeEnv();
  if (node) {
    const t = typeof setting === "number" ? setting : node.parallelism;
    if (t < 2) return false;
    ensurePool(t);
    return pool !== null && (await whenReady(pool));
  }
  if (pool && pool.ready && pool.relaxed === relaxed) return true;
  const web = webEnv();
  if (!web) return false;
  const count = (typeof setting === "number" ? setting : web.parallelism) - 1;
  if (count < 1) return false;
  const workers: { terminate(): unknown }[] = [];
  try {
    const p = newPool(
      count,
      relaxed,
      workers,
      (_script, data) => {
        const w = new web.Worker(web.url);
        w.postMessage(data);
        return w;
      },
      "",
    );
    pool = p;
    return await whenReady(p);
  } catch (err) {
    for (const w of workers) void w.terminate();
    broken = `starting Web Workers failed: ${err instanceof Error ? err.message : String(err)}`;
    return false;
  }
}

/** A view of the pool's memory for `doubles` values from its array region, growing it; null if it cannot grow. */
function region(p: Pool, doubles: number): Float64Array | null {
  if (!p.ex.ensure(p.arrays - p.ex.dataPtr() + doubles * 8)) return null;
  if (p.heap.length * 8 !== p.memory.buffer.byteLength) p.heap = new Float64Array(p.memory.buffer);
  return p.heap;
}

/**
 * Runs one phase: `chunks` ranges [lo, hi) of operation `op` on args, shared by the calling
 * thread and the workers. Returns false when a worker failed or stalled.
 */
function phase(
  p: Pool,
  op: number,
  args: readonly number[],
  ranges: readonly number[],
  during?: () => void,
): boolean {
  const { ctrl, bounds } = p;
  const chunks = ranges.length / 2;
  for (let i = 0; i < ranges.length; i++) bounds[i] = ranges[i];
  for (let i = 0; i < args.length; i++) ctrl[ARGS + i] = args[i] | 0;
  Atomics.store(ctrl, OP, op);
  Atomics.store(ctrl, NCHUNK, chunks);
  Atomics.store(ctrl, NEXT, 0);
  Atomics.store(ctrl, DONE, 0);
  Atomics.add(ctrl, SEQ, 1);
  Atomics.notify(ctrl, SEQ);
  // the caller's own work while the workers start on the chunks (e.g. copying out the previous
  // block); an error in it is rethrown once the phase is over
  let duringError: { e: unknown } | null = null;
  if (during) {
    try {
      during();
    } catch (e) {
      duringError = { e };
    }
  }
  let ownFailed = false;
  try {
    drain(p.ex, ctrl, bounds);
  } catch {
    // a trap in this thread's share: hand out no more chunks, let the workers finish, report it
    ownFailed = true;
    Atomics.store(ctrl, NEXT, 1 << 30);
  }
  const want = p.workers.length;
  let done = Atomics.load(ctrl, DONE);
  let lastNext = Atomics.load(ctrl, NEXT);
  let idle = 0;
  while (done < want) {
    if (waitChange(ctrl, DONE, done, 1000)) idle = 0;
    else {
      // no worker finished within a second: fine while chunks are still being taken or the
      // phase's chunks are long; a minute without any progress means a worker is gone
      const next = Atomics.load(ctrl, NEXT);
      idle = next === lastNext ? idle + 1 : 0;
      lastNext = next;
      if (idle >= stallSeconds) {
        if (duringError) throw duringError.e;
        return false;
      }
    }
    done = Atomics.load(ctrl, DONE);
  }
  if (duringError) throw duringError.e;
  return !ownFailed && Atomics.load(ctrl, ERR) === 0;
}

/** `count` ranges splitting [lo, hi) evenly (none empty). */
function evenRanges(lo: number, hi: number, count: number): number[] {
  const out: number[] = [];
  const k = Math.max(1, Math.min(count, hi - lo));
  for (let c = 0; c < k; c++) {
    const a = lo + Math.floor(((hi - lo) * c) / k);
    const b = lo + Math.floor(((hi - lo) * (c + 1)) / k);
    if (b > a) out.push(a, b);
  }
  return out;
}

/** Ranges of rows of [lo, hi) with about equal lower-triangle area below row lo (trailing update). */
function triangleRanges(lo: number, hi: number, count: number): number[] {
  const m = hi - lo;
  const out: number[] = [];
  let prev = lo;
  for (let c = 1; c <= count; c++) {
    const next = c === count ? hi : lo + Math.round(m * Math.sqrt(c / count));
    if (next > prev) {
      out.push(prev, next);
      prev = next;
    }
  }
  return out;
}

/** Below this many multiply-adds a phase runs in the calling thread alone (waking workers costs more). */
const MIN_PHASE_WORK = 1 << 17;

function fail(message: string): null {
  broken = message;
  shutdownDenseThreads();
  return null;
}

/**
 * Threaded in-place lower Cholesky of the n×n matrix at a[aOff…] (the contract of the WASM
 * `potrf`: 0 or the 1-based failing pivot; the upper triangle zeroed on success; the matrix
 * written back in both cases). Returns null, with `a` untouched, when threading is unavailable.
 */
export function threadedPotrf(n: number, a: Float64Array, aOff: number, threads: number): number | null {
  const p = ensurePool(threads);
  if (!p) return null;
  const h = region(p, n * n);
  if (!h) return null;
  const o = p.arrays >>> 3;
  h.set(a.subarray(aOff, aOff + n * n), o);
  const ptr = p.arrays;
  const ex = p.ex;
  const nb = ex.potrfBlock();
  const t = p.workers.length + 1;
  let info = 0;
  for (let k0 = 0; k0 < n; k0 += nb) {
    const kb = Math.min(nb, n - k0);
    info = ex.potrfDiag(n, ptr, k0, kb);
    if (info !== 0) break;
    const c0 = k0 + kb;
    if (c0 === n) break;
    const below = n - c0;
    const args = [n, ptr, k0, kb];
    if (below * kb * kb < 2 * MIN_PHASE_WORK) ex.potrfPanel(n, ptr, k0, kb, c0, n);
    else if (!phase(p, OP_PANEL, args, evenRanges(c0, n, 4 * t)))
      return fail("a worker thread failed in the Cholesky panel");
    if (below * below * kb < 2 * MIN_PHASE_WORK) ex.potrfUpdate(n, ptr, k0, kb, c0, n);
    else if (!phase(p, OP_UPDATE, args, triangleRanges(c0, n, 4 * t)))
      return fail("a worker thread failed in the Cholesky update");
  }
  if (info === 0) ex.zeroUpper(n, ptr, 0, n);
  a.set(p.heap.subarray(o, o + n * n), aOff);
  return info;
}

/**
 * Threaded M = Lq⁻¹ Lp (the contract of the WASM `trilSolveTril`), left in the pool's memory:
 * the heap view and the index of M[0, 0] (valid until the next call into this module), or null
 * when threading is unavailable.
 */
export function threadedTrilSolveTrilInPlace(
  n: number,
  lq: Float64Array,
  qOff: number,
  lp: Float64Array,
  pOff: number,
  threads: number,
): { heap: Float64Array; offset: number } | null {
  const p = ensurePool(threads);
  if (!p) return null;
  const nn = (n * n + 7) & ~7;
  const h = region(p, 3 * nn);
  if (!h) return null;
  const o = p.arrays >>> 3;
  h.set(lq.subarray(qOff, qOff + n * n), o);
  h.set(lp.subarray(pOff, pOff + n * n), o + nn);
  const blocks = Math.ceil(n / p.ex.solveBlock());
  const ranges: number[] = [];
  for (let j = 0; j < blocks; j++) ranges.push(j, j + 1); // the costliest (leftmost) first
  if (!phase(p, OP_TRIL, [n, p.arrays, p.arrays + nn * 8, p.arrays + 2 * nn * 8], ranges)) {
    fail("a worker thread failed in Lq⁻¹Lp");
    return null;
  }
  return { heap: p.heap, offset: o + 2 * nn };
}

/**
 * Work (multiply-adds) from which `"auto"` shares a WASM matrix product (`gemmNT`, e.g. the
 * FID's triangular products) between threads: 2²⁴, about the work of a 256³ product.
 */
export const GEMM_THREAD_WORK = 1 << 24;

/** How many threads a WASM matrix product of `work` multiply-adds would use now. */
export function gemmThreadsFor(work: number): number {
  return threadsFor(work, GEMM_THREAD_WORK);
}

/**
 * A region of `doubles` float64 slots in the threaded pool's shared memory (started for
 * `threads` threads): the heap view and the index of the first slot; null when unavailable.
 * Valid until the next call into this module.
 */
export function threadedRegion(
  threads: number,
  doubles: number,
): { heap: Float64Array; offset: number } | null {
  const p = ensurePool(threads);
  if (!p) return null;
  const h = region(p, doubles);
  return h ? { heap: h, offset: p.arrays >>> 3 } : null;
}

/**
 * C[m×n] += A[m×k] · B[n×k]ᵀ on operands already in the region of {@link threadedRegion} (slot
 * indices oa, ob, oc; contiguous rows), rows of C (or its columns, when it is wider than tall)
 * shared between the threads: the same bits as
 * one `gemm` (`fused`) or `gemmUnfused` call. False when a worker failed (C is then undefined;
 * the caller recomputes).
 */
export function threadedGemm(
  m: number,
  n: number,
  k: number,
  oa: number,
  ob: number,
  oc: number,
  fused: boolean,
): boolean {
  const p = pool;
  if (!p) return false;
  const t = p.workers.length + 1;
  // split the longer side of C, in pieces of at least 128 (a packed panel): each thread then
  // packs only its share of the larger operand
  const byCols = n > m;
  const len = byCols ? n : m;
  const ranges = evenRanges(0, len, Math.max(1, Math.min(2 * t, Math.floor(len / 128))));
  if (!phase(p, OP_GEMM, [n, oa * 8, ob * 8, oc * 8, k, fused ? 1 : 0, byCols ? 1 : 0, m], ranges)) {
    fail("a worker thread failed in a matrix product");
    return false;
  }
  return true;
}

/** Below this many entries (l²/2) a tridiagonalisation step runs in the calling thread alone. */
const TRIDIAG_THREAD_ENTRIES = 1 << 15;

/**
 * One fused tridiagonalisation step (the `tridiagFusedStep` contract: rows [0, l), partial
 * products in `work`, reduced into pn) on operands in the region of {@link threadedRegion}
 * (byte pointers), its row parts shared between the threads: the same parts and reduction as
 * the single-threaded kernel, so the same bits. False when a worker failed (the matrix is then
 * partly updated: the caller starts over).
 */
export function threadedTridiagStep(
  n: number,
  a: number,
  i: number,
  l: number,
  q: number,
  pn: number,
  work: number,
): boolean {
  const p = pool;
  if (!p) return false;
  if ((l * l) / 2 < TRIDIAG_THREAD_ENTRIES) {
    p.ex.tridiagFusedStep(n, a, i, l, q, pn, work);
    return true;
  }
  const parts = p.ex.tridiagParts();
  const ranges: number[] = [];
  for (let c = 0; c < parts; c++) ranges.push(c, c + 1);
  if (!phase(p, OP_TRIDIAG, [n, a, q, work, i, l], ranges)) {
    fail("a worker thread failed in the tridiagonalisation");
    return false;
  }
  p.ex.tridiagReduce(n, l, work, pn);
  return true;
}

/**
 * Elements (batch × d) from which `"auto"` shares the fused diagonal-Gaussian KL between threads
 * (the operands are copied into the shared memory by the calling thread, chunk by chunk).
 * Measured (d = 16, 2 threads vs 1, pool running, medians): 2¹⁵ elements 1.35×, 2¹⁷ 1.58×,
 * 2²⁰ 1.55×, 2²² 1.58×.
 */
export const BATCH_THREAD_ELEMENTS = 1 << 17;

/** How many threads a fused diagonal KL over `elements` doubles per input would use now. */
export function batchThreadsFor(elements: number): number {
  return threadsFor(elements, BATCH_THREAD_ELEMENTS);
}

/**
 * The fused diagonal KL (the `klDiagBatch` contract) for `rows` rows of operands already in the
 * region of {@link threadedRegion} (slot indices), rows shared between the threads: each row's
 * value is computed by the same code, so the bits do not depend on the split. False when a worker
 * failed.
 */
export function threadedKlDiag(
  rows: number,
  d: number,
  oLp: number,
  oVp: number,
  oLq: number,
  locQShared: boolean,
  oVq: number,
  lvQShared: boolean,
  oOut: number,
): boolean {
  const p = pool;
  if (!p || d * 8 > p.ex.scratchBytes()) return false;
  const t = p.workers.length + 1;
  const ranges = evenRanges(0, rows, Math.min(4 * t, rows));
  const flags = (locQShared ? 1 : 0) | (lvQShared ? 2 : 0);
  if (!phase(p, OP_KLDIAG, [d, oLp * 8, oVp * 8, oLq * 8, oVq * 8, oOut * 8, flags], ranges)) {
    fail("a worker thread failed in the batched diagonal KL");
    return false;
  }
  return true;
}

/**
 * Column chunks of a block of the fused pairwise categorical KL (the `catKlCols` contract; its
 * parameters at byte `prm` in the region of {@link threadedRegion}), shared between the threads:
 * chunk c is ranges[2c] … ranges[2c + 1]. Every entry is computed by the same code whatever
 * thread takes its chunk, so the bits do not depend on the split. `during` runs in the calling
 * thread before it takes chunks itself (the previous block's copy-out). False when a worker
 * failed.
 */
export function threadedCatKl(prm: number, ranges: readonly number[], during?: () => void): boolean {
  return paramsPhase(OP_CATKL, prm, ranges, "the pairwise categorical KL", during);
}

/**
 * A phase of a kernel that reads its parameters from memory at byte `prm` (with `during` run by
 * the calling thread while the workers start); false on failure.
 */
function paramsPhase(
  op: number,
  prm: number,
  ranges: readonly number[],
  what: string,
  during?: () => void,
): boolean {
  const p = pool;
  if (!p || ranges.length / 2 > MAX_CHUNKS) return false;
  if (!phase(p, op, [0, prm], ranges, during)) {
    fail(`a worker thread failed in ${what}`);
    return false;
  }
  return true;
}

/**
 * Query elements (queries × d) from which `"auto"` shares a k-d tree search (`kdKnn`) between
 * threads. Measured for a whole `knnKl` (n = m, k = 1, 2 threads vs 1, pool running, best of 7):
 * n·d = 2000 (d = 2) 1.06×, 6000 1.14×, 8000 (d = 8) 1.68×, 32 000 1.80×, 40 000 (d = 2) 1.5×.
 */
export const KNN_THREAD_ELEMENTS = 1 << 12;

/** How many threads a k-d tree search of `elements` query coordinates would use now. */
export function knnThreadsFor(elements: number): number {
  return threadsFor(elements, KNN_THREAD_ELEMENTS);
}

/**
 * Chunks of query positions of a k-d tree search (the `kdKnn` contract; parameters at byte `prm`
 * in the region of {@link threadedRegion}) shared between the threads: each query's k-th
 * distance is computed by the same code whatever thread takes it. False when a worker failed.
 */
export function threadedKdKnn(prm: number, ranges: readonly number[]): boolean {
  return paramsPhase(OP_KDKNN, prm, ranges, "a k-d tree search");
}
