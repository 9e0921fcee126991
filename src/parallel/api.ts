/**
 * Threaded (asynchronous) forms of the heavy pairwise and k-NN computations. Each one computes
 * exactly what its synchronous counterpart computes, bit for bit: the workers run the same
 * kernels on row ranges of the output, and no value depends on the range that computed it.
 *
 * `threads`: `"auto"` (default) uses `os.availableParallelism()` workers when the job is at
 * least the measured threshold ({@link PAIRWISE_THREAD_THRESHOLD}, {@link KNN_THREAD_THRESHOLD})
 * and the calling thread below it; an integer n ≥ 2 always uses n workers; 1 never uses workers.
 * Outside Node (browsers) everything runs in the calling thread.
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
import { categoricalKlJob, pairwiseKl, pairwiseKlBlocks, type PairwiseBlock } from "../pairwise/pairwise.js";
import { counter, resolveThreads, runJob, shared, type ThreadsOption } from "./pool.js";

/**
 * Work (N·M·K multiply-adds) from which `threads: "auto"` uses worker threads for
 * {@link pairwiseKlAsync}. Measured (Node 20, 2 cores, K = 64): see bench/RESULTS.md,
 * "Parallelism (worker threads)".
 */
export const PAIRWISE_THREAD_THRESHOLD = 2 ** 25;

/**
 * Work from which `threads: "auto"` uses worker threads for {@link knnKlAsync}: n·(n + m)·d for
 * the blocked scan, 64·n·(d + 1) for the k-d tree (a rough per-query cost). Measured as above.
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

function sharedCategorical(c: CategoricalKlData): CategoricalKlData {
  return {
    ...c,
    pProbs: shared(c.pProbs),
    pLogProbs: shared(c.pLogProbs),
    qProbs: shared(c.qProbs),
    qLogProbs: shared(c.qLogProbs),
    lq: shared(c.lq),
    qz: shared(c.qz),
    negEnt: shared(c.negEnt),
    zcols: Int32Array.from(c.zcols),
  };
}

/** Rows [r0, r1) of the Categorical KL matrix into `out` (shared), on `threads` workers. */
async function categoricalRows(
  data: CategoricalKlData,
  r0: number,
  r1: number,
  out: Float64Array,
  threads: number,
): Promise<void> {
  const rows = r1 - r0;
  // ≈ 8 chunks per thread (balance on a busy machine), at most one tile of rows each
  const chunk = Math.max(1, Math.min(data.tile, Math.ceil(rows / (threads * 8))));
  const chunks = Math.ceil(rows / chunk);
  await runJob(
    { kind: "categoricalKl", data, r0, r1, chunk, out, counter: counter(), chunks },
    Math.min(threads, chunks),
  );
}

/**
 * `pairwiseKl(P, Q)` on worker threads: the same N × M matrix of KL(P_i ‖ Q_j), bit for bit.
 * Categorical and OneHotCategorical batches (the matrix-product path) are split by rows over the
 * workers; every other pair is computed by `pairwiseKl` in the calling thread. The result's data
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
  const job = categoricalKlJob(P, Q, options.tile);
  const work = job ? job.n * job.m * job.K : 0;
  const threads = await resolveThreads(options.threads, work, PAIRWISE_THREAD_THRESHOLD);
  if (!job || threads === 1 || job.n === 0 || job.m === 0) return pairwiseKl(P, Q, { tile: options.tile });
  const out = shared(job.n * job.m);
  await categoricalRows(sharedCategorical(job), 0, job.n, out, threads);
  return new NDArray(out, [job.n, job.m]);
}

/**
 * {@link pairwiseKlAsync} as a stream of row blocks `{ rowStart, rows }` for `for await`: each
 * block (default 1000 rows) is computed by the workers into one reused shared buffer and yielded
 * as a fresh array, so memory stays at about two blocks however large N is. The concatenated
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
  const job = categoricalKlJob(P, Q, options.tile);
  const sync = job ? undefined : pairwiseKlBlocks(P, Q, { rowsPerBlock: step, tile: options.tile });
  const shape: readonly [number, number] = job ? [job.n, job.m] : sync!.shape;
  return {
    shape,
    async *[Symbol.asyncIterator]() {
      const work = job ? job.n * job.m * job.K : 0;
      const threads = await resolveThreads(options.threads, work, PAIRWISE_THREAD_THRESHOLD);
      if (!job || threads === 1) {
        const blocks = sync ?? pairwiseKlBlocks(P, Q, { rowsPerBlock: step, tile: options.tile });
        for await (const b of blocks) yield b;
        return;
      }
      const data = sharedCategorical(job);
      const m = job.m;
      const buf = shared(Math.min(step, job.n) * m);
      for (let r0 = 0; r0 < job.n; r0 += step) {
        const r1 = Math.min(job.n, r0 + step);
        await categoricalRows(data, r0, r1, buf, threads);
        yield { rowStart: r0, rows: new NDArray(buf.slice(0, (r1 - r0) * m), [r1 - r0, m]) };
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
  const s = knnKlSetup(x, y, options);
  const { n, m, d, k, method } = s;
  const work = method === "brute" ? n * (n + m) * d : 64 * n * (d + 1);
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
