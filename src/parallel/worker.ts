/**
 * The worker-thread side of the pool. Bundled by scripts/build-worker.mjs into one self-contained
 * script (./generated/worker-source.ts) that the pool starts with `new Worker(source, { eval:
 * true })`, so it runs the same from the TypeScript sources, the ESM build and the CJS build. It
 * computes with the very functions the calling thread uses (same bits). The script has no
 * `require` and no static `import` (it is bundled as an IIFE and loads `node:worker_threads` by
 * dynamic import), so it runs whether Node evaluates it as CommonJS or, when the parent process
 * was started with `--input-type=module`, as an ES module. In a browser the pool starts the same
 * script as a Web Worker from a Blob URL; it then listens on `self` instead.
 */
import { KullbackError } from "../core/errors.js";
import { KDTree } from "../linalg/kdtree.js";
import { brutePrepare, bruteRange, kdtreeRange, type BruteState } from "../estimators/knn-search.js";
import { defaultKernels, disableWasm, enableWasm } from "../linalg/wasm.js";
import { setDenseThreads } from "../linalg/threaded.js";
import { categoricalKlRows, categoricalKlScratch } from "../pairwise/categorical-kernel.js";
import { diagKlRows, diagKlScratch } from "../pairwise/diag-kernel.js";
import type { CategoricalKlJob, DiagKlJob, Job, KnnJob, Reply } from "./protocol.js";

function* chunks(job: Job): Generator<number> {
  for (;;) {
    const c = Atomics.add(job.counter, 0, 1);
    if (c >= job.chunks) return;
    yield c;
  }
}

function categoricalKl(job: CategoricalKlJob): void {
  const { data, r0, r1, chunk, out } = job;
  const scratch = categoricalKlScratch(data);
  for (const c of chunks(job)) {
    const a = r0 + c * chunk;
    const b = Math.min(r1, a + chunk);
    categoricalKlRows(data, scratch, a, b, out, (a - r0) * data.m);
  }
}

function diagKl(job: DiagKlJob): void {
  const { data, r0, r1, chunk, out } = job;
  const scratch = diagKlScratch(data);
  for (const c of chunks(job)) {
    const a = r0 + c * chunk;
    const b = Math.min(r1, a + chunk);
    diagKlRows(data, scratch, a, b, out, (a - r0) * data.m);
  }
}

function knn(job: KnnJob): void {
  const { x, n, y, m, d, k, method, chunk, rho, nu } = job;
  const per = Math.ceil(n / chunk);
  let tx: KDTree | undefined;
  let ty: KDTree | undefined;
  let order: Int32Array | null = null;
  let bx: BruteState | undefined;
  let by: BruteState | undefined;
  for (const c of chunks(job)) {
    const self = c < per;
    const p0 = (self ? c : c - per) * chunk;
    const p1 = Math.min(n, p0 + chunk);
    if (method === "kdtree") {
      if (!tx) {
        tx = new KDTree(x, n, d);
        order = tx.treeOrder();
      }
      if (self) kdtreeRange(tx, x, d, k, true, order, p0, p1, rho);
      else {
        ty ??= new KDTree(y, m, d);
        kdtreeRange(ty, x, d, k, false, order, p0, p1, nu);
      }
    } else if (self) {
      bx ??= brutePrepare(x, n, x, n, d, k, true);
      bruteRange(bx, p0, p1, rho);
    } else {
      by ??= brutePrepare(y, m, x, n, d, k, false);
      bruteRange(by, p0, p1, nu);
    }
  }
}

// a pool worker is one of several threads already: its kernels never start threads of their own
setDenseThreads(1);

function run(job: Job): void {
  if (job.kernels === "wasm") enableWasm();
  else if (job.kernels === "default") defaultKernels();
  else disableWasm();
  switch (job.kind) {
    case "categoricalKl":
      return categoricalKl(job);
    case "diagKl":
      return diagKl(job);
    case "knn":
      return knn(job);
    case "selfTest":
      if (job.mode === "exit") (globalThis as { process?: { exit(code: number): never } }).process?.exit(3);
      if (job.mode === "throwKullback") {
        throw new KullbackError("InvalidParameter", "selfTest: must be valid; got 1", {
          argument: "selfTest",
          value: 1,
        });
      }
      throw new TypeError("selfTest: a worker failure");
  }
}

interface Port {
  on(event: "message", listener: (job: Job) => void): void;
  postMessage(reply: Reply): void;
}

/** Runs one job and describes its outcome (errors as plain data: they cross a message port). */
function handle(job: Job): Reply {
  try {
    run(job);
    return { id: job.id, ok: true };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const ke = e instanceof KullbackError ? e : undefined;
    return {
      id: job.id,
      ok: false,
      error: {
        message: err.message,
        code: ke?.code,
        argument: ke?.argument,
        index: ke?.index ? [...ke.index] : undefined,
        value: typeof ke?.value === "number" || typeof ke?.value === "string" ? ke.value : undefined,
      },
    };
  }
}

/** A browser's dedicated worker scope (`self` inside a Web Worker). */
interface WorkerScope {
  importScripts?: unknown;
  postMessage(reply: Reply): void;
  onmessage: ((e: { data: Job }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
if (typeof scope.importScripts === "function" && typeof scope.postMessage === "function") {
  // a Web Worker (the browser pool of ./pool.ts, started from a Blob URL of this script)
  scope.onmessage = (e) => scope.postMessage(handle(e.data));
} else {
  void import("node:worker_threads").then((wt) => {
    const port = wt.parentPort as unknown as Port;
    port.on("message", (job: Job) => port.postMessage(handle(job)));
  });
}
