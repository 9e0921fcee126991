/**
 * A small pool of worker threads over shared memory: Node `worker_threads`, or Web Workers in a
 * cross-origin-isolated browser page.
 *
 * - Workers are created lazily on the first threaded call, kept between calls, and `unref()`ed
 *   whenever they have no job, so an idle pool never keeps the process alive;
 *   {@link shutdownThreads} terminates them.
 * - Each worker runs one self-contained script (./generated/worker-source.ts, bundled from
 *   ./worker.ts at build time) started with `eval: true`: no worker file has to be found on disk,
 *   so the pool works the same from the sources, the ESM build and the CJS build.
 * - Inputs and outputs are SharedArrayBuffers; a job is cut into chunks of rows that the workers
 *   take one at a time from a shared atomic counter (dynamic load balancing on a busy machine).
 * - `node:worker_threads` and `node:os` are loaded by dynamic `import()` only under Node, with
 *   specifiers a bundler does not follow: browser bundles of the library never pull them in.
 * - In a browser, workers are Web Workers started from a Blob URL of the same script (no file to
 *   serve, no bundler plugin), sized by `navigator.hardwareConcurrency`. They need
 *   SharedArrayBuffer, i.e. a cross-origin-isolated page (served with `Cross-Origin-Opener-Policy:
 *   same-origin` and `Cross-Origin-Embedder-Policy: require-corp`); without it (or without Worker)
 *   every threaded function runs in the calling thread, with the same results.
 */
import { KullbackError, invalidParameter, type ErrorCode } from "../core/errors.js";
import { jsKernels, kernels } from "../linalg/kernels.js";
import { kernelsFor, wasmKernels } from "../linalg/wasm.js";
import { shutdownDenseThreads } from "../linalg/threaded.js";
import { workerSource } from "./generated/worker-source.js";
import type { Job, JobSpec, KernelMode, Reply } from "./protocol.js";

import { MAX_THREADS, type ThreadsOption } from "../core/threads-option.js";
export { MAX_THREADS, type ThreadsOption };

/** The slice of `node:worker_threads`' Worker the pool uses. */
interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: "message", listener: (reply: Reply) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** The slice of a browser's Web Worker the pool uses. */
interface WebWorker {
  postMessage(message: unknown): void;
  onmessage: ((e: { data: Reply }) => void) | null;
  onerror: ((e: { message?: string; preventDefault(): void }) => void) | null;
  onmessageerror: (() => void) | null;
  terminate(): void;
}

/** A Node Worker, or a Web Worker adapted to the same shape. */
type PoolWorker = NodeWorker;

interface NodeModules {
  /** Starts a worker running the bundled worker script. */
  create: () => PoolWorker;
  parallelism: number;
}

interface BrowserGlobals {
  Worker?: new (url: string) => WebWorker;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL?(blob: unknown): string };
}

/** A Web Worker with the Node Worker's methods (ref/unref are no-ops; there is no exit event). */
function adaptWebWorker(w: WebWorker): PoolWorker {
  const on = (event: string, listener: (x: never) => void): void => {
    if (event === "message") w.onmessage = (e) => (listener as (r: Reply) => void)(e.data);
    else if (event === "error") {
      const report = listener as (err: Error) => void;
      w.onerror = (e) => {
        e.preventDefault();
        report(new Error(e.message || "a Web Worker failed to start or run"));
      };
      // a message that cannot be deserialized would otherwise leave its job pending forever
      w.onmessageerror = () => report(new Error("a message from a Web Worker could not be read"));
    }
  };
  return {
    postMessage: (m) => w.postMessage(m),
    on: on as PoolWorker["on"],
    ref: () => undefined,
    unref: () => undefined,
    terminate: () => {
      w.terminate();
      return Promise.resolve(0);
    },
  };
}

/** The browser's pool environment, or null where Web Workers over shared memory are unavailable. */
function browserModules(): NodeModules | null {
  const g = globalThis as unknown as BrowserGlobals;
  const W = g.Worker;
  if (typeof W !== "function" || typeof SharedArrayBuffer !== "function" || g.crossOriginIsolated !== true)
    return null;
  if (typeof g.Blob !== "function" || typeof g.URL?.createObjectURL !== "function") return null;
  const url = g.URL.createObjectURL(new g.Blob([workerSource], { type: "text/javascript" }));
  return {
    create: () => adaptWebWorker(new W(url)),
    parallelism: Math.max(1, g.navigator?.hardwareConcurrency ?? 2),
  };
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

interface Slot {
  worker: NodeWorker;
  pending: Map<number, { resolve: () => void; reject: (e: KullbackError) => void }>;
  dead: boolean;
}

let slots: Slot[] = [];
let modules: Promise<NodeModules | null> | undefined;
let nextId = 1;

/**
 * True where the pool can run: under Node (worker_threads), and in a browser page that is
 * cross-origin isolated (`crossOriginIsolated`, so SharedArrayBuffer exists) and has Web Workers.
 * Elsewhere the threaded functions compute in the calling thread.
 *
 * @example threadsSupported(); // true under Node 20
 */
export function threadsSupported(): boolean {
  if (typeof SharedArrayBuffer !== "function") return false;
  if (isNode()) return true;
  const g = globalThis as unknown as BrowserGlobals;
  return typeof g.Worker === "function" && g.crossOriginIsolated === true;
}

function loadModules(): Promise<NodeModules | null> {
  modules ??= (async () => {
    if (!threadsSupported()) return null;
    if (!isNode()) return browserModules();
    // specifiers in variables: bundlers (Vite, esbuild) leave these imports alone
    const wtName = "node:worker_threads";
    const osName = "node:os";
    const wt = (await import(/* @vite-ignore */ wtName)) as {
      Worker: new (code: string, options: { eval: boolean }) => NodeWorker;
    };
    const os = (await import(/* @vite-ignore */ osName)) as {
      availableParallelism?: () => number;
      cpus: () => unknown[];
    };
    const parallelism = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
    const Worker = wt.Worker;
    return { create: () => new Worker(workerSource, { eval: true }), parallelism: Math.max(1, parallelism) };
  })();
  return modules;
}

function workerError(message: string, code: ErrorCode = "WorkerFailed", details = {}): KullbackError {
  return new KullbackError(code, message, details);
}

function fail(slot: Slot, message: string): void {
  if (slot.dead) return;
  slot.dead = true;
  slots = slots.filter((s) => s !== slot);
  for (const p of slot.pending.values()) p.reject(workerError(`a worker thread failed: ${message}`));
  slot.pending.clear();
}

function spawn(mods: NodeModules): Slot {
  const worker = mods.create();
  worker.unref();
  const slot: Slot = { worker, pending: new Map(), dead: false };
  worker.on("message", (reply: Reply) => {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) worker.unref();
    if (reply.ok) p.resolve();
    else {
      const e = reply.error ?? { message: "unknown error" };
      const code = e.code as ErrorCode | undefined;
      p.reject(
        code
          ? workerError(e.message, code, { argument: e.argument, index: e.index, value: e.value })
          : workerError(`a worker thread failed: ${e.message}`),
      );
    }
  });
  worker.on("error", (err: Error) => fail(slot, err.message));
  worker.on("exit", (code: number) => fail(slot, `it exited with code ${code}`));
  return slot;
}

/**
 * The calling thread's kernel selection, for the workers to install the same one (so they compute
 * the same bits); null for kernels a user installed with `setKernels`, which workers cannot get
 * (threaded functions then run in the calling thread).
 */
export function kernelMode(): KernelMode | null {
  const k = kernels();
  if (k === wasmKernels) return "wasm";
  if (k !== jsKernels) return null;
  return kernelsFor(Number.MAX_SAFE_INTEGER) === wasmKernels ? "default" : "js";
}

/**
 * Validates a `threads` option and resolves it to a thread count for a job of `work` units:
 * `"auto"` (the default) is the machine's parallelism when work ≥ `threshold`, else 1; an
 * integer is taken as given. 1 means "compute in the calling thread"; so does any environment
 * without the pool (see {@link threadsSupported}), after validation, and custom kernels installed
 * with `setKernels`. Throws `InvalidParameter` naming `threads` and the value.
 */
export async function resolveThreads(threads: unknown, work: number, threshold: number): Promise<number> {
  const t = threads === undefined ? "auto" : threads;
  if (t !== "auto" && !(typeof t === "number" && Number.isInteger(t) && t >= 1 && t <= MAX_THREADS)) {
    throw invalidParameter("threads", `"auto" or an integer in [1, ${MAX_THREADS}]`, t);
  }
  if (t === 1) return 1;
  if (t === "auto" && work < threshold) return 1;
  if (!kernelMode()) return 1;
  const mods = await loadModules();
  if (!mods) return 1;
  return t === "auto" ? mods.parallelism : t;
}

/**
 * Runs a job on `threads` workers (each takes chunks until none is left) and resolves when all
 * of them are done. Rejects with a `KullbackError`: the worker's own error when it threw one,
 * code `"WorkerFailed"` when a worker threw anything else, crashed or exited.
 */
export async function runJob(spec: JobSpec, threads: number): Promise<void> {
  const mods = await loadModules();
  if (!mods) throw workerError("worker threads are not available in this environment");
  try {
    while (slots.length < threads) slots.push(spawn(mods));
  } catch (e) {
    // a Worker constructor that throws, e.g. a SecurityError (the workers already started stay)
    throw workerError(`could not start a worker: ${e instanceof Error ? e.message : String(e)}`);
  }
  const mode = kernelMode();
  if (!mode) throw workerError("worker threads cannot use kernels installed with setKernels");
  const used = slots.slice(0, threads);
  const runs = used.map(
    (slot) =>
      new Promise<void>((resolve, reject) => {
        const id = nextId++;
        slot.pending.set(id, { resolve, reject });
        slot.worker.ref();
        const job = { ...spec, id, kernels: mode } as Job;
        slot.worker.postMessage(job);
      }),
  );
  // on the first failure, stop the others from taking more chunks, then wait for all of them
  // (so nothing writes into the outputs after this function settles)
  const stop = (): void => void Atomics.store(spec.counter, 0, 1 << 30);
  const settled = await Promise.allSettled(runs.map((r) => r.catch((e) => (stop(), Promise.reject(e)))));
  for (const s of settled) if (s.status === "rejected") throw s.reason;
}

/**
 * Terminates the worker threads of the pool and those of the threaded dense factorisations
 * (both are re-created on the next threaded call). Not needed for the process to exit: idle
 * workers never keep it alive.
 *
 * @example await shutdownThreads();
 */
export async function shutdownThreads(): Promise<void> {
  shutdownDenseThreads();
  const old = slots;
  slots = [];
  for (const s of old) s.dead = true;
  await Promise.all(old.map((s) => s.worker.terminate()));
  for (const s of old) {
    for (const p of s.pending.values()) p.reject(workerError("the worker threads were shut down"));
    s.pending.clear();
  }
}

/**
 * Number of live workers in the pool (diagnostics: 0 until a threaded call has used workers).
 * Exported as `threadPoolSize`.
 */
export function poolSize(): number {
  return slots.length;
}

/** A Float64Array in shared memory holding a copy of `a` (or zeros of length `a`). */
export function shared(a: Float64Array | number): Float64Array {
  const n = typeof a === "number" ? a : a.length;
  const out = new Float64Array(new SharedArrayBuffer(n * 8));
  if (typeof a !== "number") out.set(a);
  return out;
}

/** A fresh shared chunk counter. */
export function counter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}
