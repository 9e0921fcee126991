/**
 * The library's one configuration and one status call: parameter validation, the numeric
 * backend (TypeScript, WebAssembly SIMD, or the automatic choice) and the thread count of the
 * synchronous dense kernels. The thresholds behind `"auto"` are internal and measured; they are
 * listed in docs/performance.md.
 */
import { configureValidation, validationEnabled } from "../distributions/base.js";
import { backendSetting, defaultKernels, disableWasm, enableWasm } from "../linalg/wasm.js";
import { initWasm, initWasmSync, wasmStatus, type WasmStatus } from "../linalg/wasm-module.js";
import {
  denseThreadsError,
  denseThreadsFor,
  denseThreadsSetting,
  setDenseThreads,
  shutdownDenseThreads,
  startDenseThreads,
} from "../linalg/threaded.js";
import { poolSize, shutdownThreads as shutdownWorkerPool, threadsSupported } from "../parallel/pool.js";
import { KullbackError, invalidParameter } from "../core/errors.js";
import type { ThreadsOption } from "../core/threads-option.js";

/** Which kernels run the numerics. */
export type Backend = "auto" | "wasm" | "typescript";

/** Options of {@link configure}; each one left out keeps its current value. */
export interface Configuration {
  /** Check parameters on construction (default true). Off saves a pass over the parameters. */
  validate?: boolean;
  /**
   * `"auto"` (default): TypeScript, with WebAssembly SIMD for large dense problems (order ≥ 256,
   * long batches); `"wasm"`: WebAssembly SIMD wherever it is measured to be faster (results differ
   * from TypeScript in the last bits); `"typescript"`: pure TypeScript everywhere.
   */
  backend?: Backend;
  /**
   * Threads of the synchronous dense kernels (Cholesky, products, tridiagonalisation, batched and
   * pairwise KL, k-d tree searches): `"auto"` (default: every core for problems large enough to
   * gain) or a count (1: the calling thread only). Any count gives the same bits. The async
   * calls (`pairwiseKlAsync`, `knnKlAsync`) take their own `{ threads }` per call.
   */
  threads?: ThreadsOption;
}

const KEYS = new Set(["validate", "backend", "threads"]);

/**
 * Sets library-wide options. Validates every option before changing any (nothing changes when
 * one is bad).
 *
 * @throws KullbackError `InvalidParameter` for an unknown key or a bad value, naming it.
 * @example
 * configure({ backend: "wasm", threads: 2 });
 * configure({ validate: false }); // trusted inputs in a hot loop
 */
export function configure(options: Configuration): void {
  if (options === null || typeof options !== "object")
    throw invalidParameter("options", 'an object such as { backend: "wasm" }', options);
  for (const k of Object.keys(options))
    if (!KEYS.has(k))
      throw invalidParameter(`options.${k}`, "one of validate, backend, threads (unknown option)", k);
  const { validate, backend, threads } = options;
  if (validate !== undefined && typeof validate !== "boolean")
    throw invalidParameter("validate", "true or false", validate);
  if (backend !== undefined && backend !== "auto" && backend !== "wasm" && backend !== "typescript")
    throw invalidParameter("backend", '"auto", "wasm" or "typescript"', backend);
  // the last check that can fail, before anything changes
  if (backend === "wasm" && !initWasmSync()) {
    throw new KullbackError(
      "InvalidParameter",
      `backend: "wasm" is not available here (${wasmStatus().error ?? "no WebAssembly SIMD"}); ` +
        `in a browser's main thread call await initBackend() first`,
      { argument: "backend", value: backend },
    );
  }
  if (threads !== undefined) setDenseThreads(threads); // validates first: throws before setting
  if (validate !== undefined) configureValidation(validate);
  if (backend === "auto") defaultKernels();
  else if (backend === "typescript") disableWasm();
  else if (backend === "wasm") enableWasm();
}

/** What {@link backendStatus} reports. */
export interface BackendStatus {
  /** The settings in force (`backend` is `"custom"` when a test installed its own kernels). */
  readonly validate: boolean;
  readonly backend: Backend | "custom";
  readonly threads: ThreadsOption;
  /** The WebAssembly module: present, SIMD, relaxed SIMD, loaded, which build, why not. */
  readonly wasm: WasmStatus;
  /** Threads a large dense problem would use now (1 when threading is unavailable or off). */
  readonly denseThreads: number;
  /** Why threading is off for good in this process, if it is (a worker failed). */
  readonly threadsError?: string;
  /** Whether worker threads exist here (Node, or a cross-origin-isolated page) and the async pool's size. */
  readonly workers: { readonly supported: boolean; readonly running: number };
}

/**
 * The configuration in force and what this runtime offers.
 *
 * @example
 * backendStatus().wasm.loaded; // true once a WASM kernel has run
 * backendStatus().denseThreads; // 2 on a 2-core Node
 */
export function backendStatus(): BackendStatus {
  const error = denseThreadsError();
  return {
    validate: validationEnabled(),
    backend: backendSetting(),
    threads: denseThreadsSetting(),
    wasm: wasmStatus(),
    denseThreads: denseThreadsFor(Number.POSITIVE_INFINITY),
    ...(error !== undefined ? { threadsError: error } : {}),
    workers: { supported: threadsSupported(), running: poolSize() },
  };
}

/**
 * Loads the WebAssembly module and starts the dense-kernel threads where they can run, then
 * resolves to {@link backendStatus} (`wasm.loaded`: the module is in; `denseThreads`: how many
 * threads a large problem now gets). Optional under Node (everything starts on first use);
 * needed on a browser's main thread before `configure({ backend: "wasm" })`, and inside a Web
 * Worker of a cross-origin-isolated page for threaded dense kernels there (with `threads` not 1).
 *
 * @example
 * const status = await initBackend();
 * status.wasm.loaded; // true where WebAssembly SIMD exists
 */
export async function initBackend(): Promise<BackendStatus> {
  const loaded = await initWasm();
  if (loaded && denseThreadsSetting() !== 1) await startDenseThreads();
  return backendStatus();
}

/**
 * Stops every worker thread the library started (the dense-kernel threads and the async pool).
 * Idle workers never keep a Node process alive, so this is only needed to free them early; a
 * later call starts them again.
 *
 * @example
 * await shutdownThreads();
 */
export async function shutdownThreads(): Promise<void> {
  shutdownDenseThreads();
  await shutdownWorkerPool();
}
