/**
 * Threaded (asynchronous) forms of the heavy pairwise and k-NN computations. Each one computes
 * exactly what its synchronous counterpart computes, bit for bit: the workers run the same
 * kernels on row ranges of the output, and no value depends on the range that computed it.
 *
 * `threads`: `"auto"` (default) uses `os.availableParallelism()` workers under Node and
 * `navigator.hardwareConcurrency` in a browser when the job is at least the measured threshold
 * ({@link PAIRWISE_THREAD_THRESHOLD}, {@link KNN_THREAD_THRESHOLD}) and the calling thread below
 * it; an integer n ≥ 2 always uses n workers; 1 never uses workers. Workers are Node
 * worker_threads, or Web Workers on a cross-origin-isolated browser page; where neither is
 * available (a page without COOP/COEP headers, see `threadsSupported`) everything runs in the
 * calling thread, with the same results.
 */
import { NDArray } from "../core/array.js";
import type { ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import {
  knnKlFinish,
  knnKlSetup,
  wkvCore,
  wkvFinish,
  type KnnKlOptions,
  type KnnKlResult,
} from "../estimators/knn.js";
import type { CategoricalKlData } from "../pairwise/categorical-kernel.js";
import type { DiagKlData } from "../pairwise/diag-kernel.js";
import type { GaussianForm } from "../distributions/gaussian-form.js";
import {
  categoricalKlJob,
  diagKlJob,
  pairwiseKl,
  pairwiseKlBlocks,
  type PairwiseBlock,
} from "../pairwise/pairwise.js";
import { counter, resolveThreads, runJob, shared, type ThreadsOption } from "./pool.js";

/**
 * Work (N·M·K multiply-adds) from which `threads: "auto"` uses worker threads for
 * {@link pairwiseKlAsync}. Measured with Node 20 on 2 cores, K = 64, pool running
 * (`node bench/parallel.mjs threshold`): 2 threads were slower than 1 at 2²² (256², 0.8×) and
 * faster from 2²⁴ (512², 1.5×; 2048²: 1.9×).
 */
export const PAIRWISE_THREAD_THRESHOLD = 2 ** 24;

/**
 * Work from which `threads: "auto"` uses worker threads for {@link knnKlAsync}: n·(n + m)·d for
 * the blocked scan, 1024·n·(d + 1) for the k-d tree (a rough per-query cost). Measured as above:
 * blocked scan d = 16, n = m = 500 (2²²·⁹) 0.5×, n = m = 1000 (2²⁴·⁹) 1.5×; k-d tree d = 2,
 * n = m = 2000 (2²²·⁶) 0.8×, n = m = 8000 (2²⁴·⁶) 1.4×, d = 8, n = m = 2000 (2²⁴·¹) 1.9×.
 */
export const KNN_THREAD_THRESHOLD = 2 ** 24;

export interface PairwiseAsyncOptions {
  /** As in `pairwiseKl` (any value gives identical results). */
  tile?: number;
  /** Worker threads: `"auto"` (default) or a count (1 = the calling thread). */
  threads?: ThreadsOption;
}

export interface PairwiseBlocksAsyncOptions extends PairwiseAsyncOptions {
  /** Rows per yielded block (default: 1000). */
  rowsPerBlock?: number;
}

export interface KnnKlAsyncOptions extends KnnKlOptions {
  /** Worker threads for the neighbour searches: `"auto"` (default) or a count. */
  threads?: ThreadsOption;
}

/** A copy of every Float64Array field in shared memory (others as they are). */
function sharedFields<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v instanceof Float64Array ? shared(v) : v;
  return out as T;
}

/**
 * A Gaussian form in shared memory; `memo` keeps shared sub-objects shared (the kernels test
 * `p.cov === q.cov` to give exact zeros for a member against itself, and posting a job keeps the
 * identity of objects that appear twice in it).
 */
function sharedForm(f: GaussianForm, memo: Map<object, object>): GaussianForm {
  const cov = (memo.get(f.cov) as GaussianForm["cov"] | undefined) ?? sharedFields(f.cov);
  memo.set(f.cov, cov);
  const form = (memo.get(f) as GaussianForm | undefined) ?? { ...sharedFields(f), cov };
  memo.set(f, form);
  return form;
}

/** A prepared pairwise kernel and how to share it. */
type RowsJob = { kind: "categoricalKl"; data: CategoricalKlData } | { kind: "diagKl"; data: DiagKlData };

function pairwiseJob(P: Distribution, Q: Distribution, tile: number | undefined): RowsJob | undefined {
  const c = categoricalKlJob(P, Q, tile);
  if (c) return { kind: "categoricalKl", data: c };
  const g = diagKlJob(P, Q, tile);
  return g ? { kind: "diagKl", data: g } : undefined;
}

function workOf(job: RowsJob | undefined): number {
  return job ? job.data.n * job.data.m * job.data.K : 0;
}

function shareJob(job: RowsJob): RowsJob {
  if (job.kind === "categoricalKl") {
    return { kind: job.kind, data: { ...sharedFields(job.data), zcols: Int32Array.from(job.data.zcols) } };
  }
  const memo = new Map<object, object>();
  const fp = sharedForm(job.data.fp, memo);
  const fq = sharedForm(job.data.fq, memo);
  return { kind: job.kind, data: { ...sharedFields(job.data), fp, fq } };
}

/** Rows [r0, r1) of a pairwise matrix into `out` (shared), on `threads` workers. */
function runRows(job: RowsJob, r0: number, r1: number, out: Float64Array, threads: number): Promise<void> {
  const rows = r1 - r0;
  // ≈ 8 chunks per thread (balance on a busy machine), at most one tile of rows each
  const chunk = Math.max(1, Math.min(job.data.tile, Math.ceil(rows / (threads * 8))));
  const chunks = Math.ceil(rows / chunk);
  const common = { r0, r1, chunk, out, counter: counter(), chunks };
  return runJob(
    job.kind === "categoricalKl"
      ? { kind: job.kind, data: job.data, ...common }
      : { kind: job.kind, data: job.data, ...common },
    Math.min(threads, chunks),
  );
}

/**
 * `pairwiseKl(P, Q)` on worker threads: the same N × M matrix of KL(P_i ‖ Q_j), bit for bit.
 * Categorical and OneHotCategorical batches, and Gaussian batches with a diagonal Σq (e.g.
 * MultivariateNormalDiag, Independent(Normal)) — the matrix-product paths — are split by rows over
 * the workers; every other pair is computed by `pairwiseKl` in the calling thread. The result's data
 * lives in a SharedArrayBuffer (no copy of the N × M output is made). Memory: inputs are copied
 * once into shared memory; see {@link pairwiseKlBlocksAsync} to stream rows instead.
 *
 * Errors (as rejections): those of `pairwiseKl`; `InvalidParameter` for a `threads` value that
 * is not "auto" or an integer in [1, 256]; `WorkerFailed` if a worker thread dies.
 *
 * @example const D = await pairwiseKlAsync(P, Q, { threads: 2 }); // = pairwiseKl(P, Q)
 */
export async function pairwiseKlAsync(
  P: Distribution,
  Q: Distribution,
  options: PairwiseAsyncOptions = {},
): Promise<NDArray> {
  const job = pairwiseJob(P, Q, options.tile);
  const threads = await resolveThreads(options.threads, workOf(job), PAIRWISE_THREAD_THRESHOLD);
  if (!job || threads === 1 || job.data.n === 0 || job.data.m === 0) {
    return pairwiseKl(P, Q, { tile: options.tile });
  }
  const { n, m } = job.data;
  const out = shared(n * m);
  await runRows(shareJob(job), 0, n, out, threads);
  return new NDArray(out, [n, m]);
}

/**
 * {@link pairwiseKlAsync} as a stream of row blocks `{ rowStart, rows }` for `for await`: each
 * block (default 1000 rows) is computed by the workers into its own SharedArrayBuffer and yielded
 * without a copy; the workers compute the next block while the caller consumes the current one,
 * so memory stays at about two blocks however large N is (blocks the caller lets go are freed). The concatenated
 * blocks equal `pairwiseKl(P, Q)` bit for bit. Shape and category errors are thrown by the call;
 * `threads` errors and worker failures by the iteration.
 *
 * @example for await (const { rowStart, rows } of pairwiseKlBlocksAsync(P, Q, { threads: "auto" })) save(rowStart, rows);
 */
export function pairwiseKlBlocksAsync(
  P: Distribution,
  Q: Distribution,
  options: PairwiseBlocksAsyncOptions = {},
): AsyncIterable<PairwiseBlock> & { readonly shape: readonly [number, number] } {
  const step = options.rowsPerBlock ?? 1000;
  if (!Number.isInteger(step) || step < 1) throw invalidParameter("rowsPerBlock", "a positive integer", step);
  const job = pairwiseJob(P, Q, options.tile);
  const sync = job ? undefined : pairwiseKlBlocks(P, Q, { rowsPerBlock: step, tile: options.tile });
  const shape: readonly [number, number] = job ? [job.data.n, job.data.m] : sync!.shape;
  return {
    shape,
    async *[Symbol.asyncIterator]() {
      const threads = await resolveThreads(options.threads, workOf(job), PAIRWISE_THREAD_THRESHOLD);
      if (!job || threads === 1) {
        const blocks = sync ?? pairwiseKlBlocks(P, Q, { rowsPerBlock: step, tile: options.tile });
        for await (const b of blocks) yield b;
        return;
      }
      const { n, m } = job.data;
      const sj = shareJob(job);
      // each block gets its own shared buffer (yielded as is, no copy); the workers compute
      // block b + 1 while the caller consumes block b
      const start = (r0: number): { r0: number; r1: number; out: Float64Array; done: Promise<void> } => {
        const r1 = Math.min(n, r0 + step);
        const out = shared((r1 - r0) * m);
        const done = runRows(sj, r0, r1, out, threads);
        // a failure surfaces at the await below, never as an unhandled rejection
        done.catch(() => undefined);
        return { r0, r1, out, done };
      };
      let cur = n > 0 ? start(0) : undefined;
      while (cur) {
        await cur.done;
        const { r0, r1, out } = cur;
        cur = r1 < n ? start(r1) : undefined;
        yield { rowStart: r0, rows: new NDArray(out, [r1 - r0, m]) };
      }
    },
  };
}

/**
 * `knnKl(x, y, options)` with the neighbour searches (ρ_k within x, ν_k in y) split by query
 * rows over worker threads: the same result, bit for bit, for both back-ends (k-d tree and
 * blocked scan). The subsampling confidence interval (`ci`), made of small searches, runs in
 * the calling thread. Inputs are copied (never mutated).
 *
 * Errors (as rejections): those of `knnKl`; `InvalidParameter` for a bad `threads`;
 * `WorkerFailed` if a worker thread dies.
 *
 * @example const r = await knnKlAsync(x, y, { k: 1, threads: "auto" }); // = knnKl(x, y, { k: 1 })
 */
export async function knnKlAsync(
  x: ArrayInput,
  y: ArrayInput,
  options: KnnKlAsyncOptions = {},
): Promise<KnnKlResult> {
  const s = knnKlSetup(x, y, options, false);
  const { n, m, d, k, method } = s;
  const work = method === "brute" ? n * (n + m) * d : 1024 * n * (d + 1);
  const threads = await resolveThreads(options.threads, work, KNN_THREAD_THRESHOLD);
  if (threads === 1)
    return knnKlFinish(s, wkvCore(s.xs.data, n, s.ys.data, m, d, k, s.policy, method), options);
  const rho = shared(n);
  const nu = shared(n);
  const chunk = Math.max(16, Math.ceil(n / (threads * 8)));
  const chunks = 2 * Math.ceil(n / chunk);
  await runJob(
    {
      kind: "knn",
      x: shared(s.xs.data),
      n,
      y: shared(s.ys.data),
      m,
      d,
      k,
      method,
      chunk,
      rho,
      nu,
      counter: counter(),
      chunks,
    },
    Math.min(threads, chunks),
  );
  return knnKlFinish(s, wkvFinish(rho, nu, n, m, d, k, s.policy), options);
}
