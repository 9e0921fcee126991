/**
 * Messages between the pool (./pool.ts) and its worker threads (./worker.ts). Typed arrays in a
 * job live in SharedArrayBuffers, so posting a job shares them (nothing is copied). Workers take
 * chunks of a job by incrementing `counter[0]` atomically until it reaches `chunks` (dynamic
 * load balancing; the pool stores a huge value there to stop a failed job early).
 */
import type { CategoricalKlData } from "../pairwise/categorical-kernel.js";
import type { DiagKlData } from "../pairwise/diag-kernel.js";

/**
 * Which dense kernels the calling thread uses: `"wasm"` after `enableWasm()`, `"default"`
 * (TypeScript, WASM for large dense problems: `kernelsFor`), `"js"` after `disableWasm()`.
 */
export type KernelMode = "wasm" | "default" | "js";

interface JobBase {
  id: number;
  /** The calling thread's kernel selection, which the worker installs (see {@link KernelMode}). */
  kernels: KernelMode;
  counter: Int32Array;
  chunks: number;
}

/** Rows [r0, r1) of a Categorical pairwise-KL matrix, `chunk` rows at a time, into `out` (row r0 first). */
export interface CategoricalKlJob extends JobBase {
  kind: "categoricalKl";
  data: CategoricalKlData;
  r0: number;
  r1: number;
  chunk: number;
  out: Float64Array;
}

/** As {@link CategoricalKlJob}, for Gaussian pairs with a diagonal Σq. */
export interface DiagKlJob extends JobBase {
  kind: "diagKl";
  data: DiagKlData;
  r0: number;
  r1: number;
  chunk: number;
  out: Float64Array;
}

/**
 * Squared k-th neighbour distances of the n rows of x within x (rho, self excluded) and in y
 * (nu): chunks 0 … ceil(n/chunk) − 1 fill rho, the next as many fill nu.
 */
export interface KnnJob extends JobBase {
  kind: "knn";
  x: Float64Array;
  n: number;
  y: Float64Array;
  m: number;
  d: number;
  k: number;
  method: "kdtree" | "brute";
  chunk: number;
  rho: Float64Array;
  nu: Float64Array;
}

/** For the tests: a worker that throws, or exits. */
export interface SelfTestJob extends JobBase {
  kind: "selfTest";
  mode: "throw" | "throwKullback" | "exit";
}

export type Job = CategoricalKlJob | DiagKlJob | KnnJob | SelfTestJob;
/** A job without the fields the pool fills in. */
export type JobSpec =
  | Omit<CategoricalKlJob, "id" | "kernels">
  | Omit<DiagKlJob, "id" | "kernels">
  | Omit<KnnJob, "id" | "kernels">
  | Omit<SelfTestJob, "id" | "kernels">;

export interface Reply {
  id: number;
  ok: boolean;
  error?: { message: string; code?: string; argument?: string; index?: number[]; value?: unknown };
}
