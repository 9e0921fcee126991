/**
 * The threaded functions in a browser: headless Chromium loads the built library (dist/) from a
 * small local server. On a page served with COOP/COEP headers (cross-origin isolated, so
 * SharedArrayBuffer exists) `pairwiseKlAsync`, `pairwiseKlBlocksAsync` and `knnKlAsync` run on
 * Web Workers started from a Blob URL, and their results equal the synchronous functions' bit for
 * bit (Categorical and diagonal Gaussian batches, under each kernel selection: default, disableWasm,
 * enableWasm); on a page without those headers they run in the calling thread, same results; on
 * an isolated page whose Content-Security-Policy forbids workers, `threads: 2` rejects with
 * `WorkerFailed` (rather than hanging) and `threads: 1` still computes.
 *
 * Without /usr/bin/chromium the tests fail under CI and are skipped with a notice elsewhere
 * (test/helpers.ts). dist/ is built by `npm test`'s pretest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireBrowser } from "../helpers.js";

const dist = fileURLToPath(new URL("../../dist/", import.meta.url));

const PAGE = `<!doctype html><meta charset="utf-8"><title>kullback threads</title>
<script type="module">
import * as kb from "/dist/index.js";
const identical = (a, b) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
};
window.runThreads = async () => {
  const rng = new kb.Random(11);
  const hist = (n, K, zeros) => {
    const x = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += x[i * K + k] = (rng.uniform() + 1e-3) * (zeros && k % 7 === 0 ? 0 : 1);
      for (let k = 0; k < K; k++) x[i * K + k] /= s;
    }
    return new kb.Categorical({ probs: { data: x, shape: [n, K] } });
  };
  const P = hist(300, 64, false);
  const Q = hist(250, 64, true); // zero bins: exact +Infinity entries
  const sync = kb.pairwiseKl(P, Q).data;
  const threaded = (await kb.pairwiseKlAsync(P, Q, { threads: 2 })).data;
  const X = Float64Array.from({ length: 2000 * 3 }, () => rng.normal());
  const Y = Float64Array.from({ length: 1500 * 3 }, () => rng.normal() + 0.3);
  const x = { data: X, shape: [2000, 3] };
  const y = { data: Y, shape: [1500, 3] };
  const knnSync = kb.knnKl(x, y, { k: 3 }).estimate;
  const knnThreaded = (await kb.knnKlAsync(x, y, { k: 3, threads: 2 })).estimate;
  const same = identical(sync, threaded);
  // streamed blocks, diagonal Gaussians, and every kernel selection (K = 256 = WASM_LARGE_ORDER,
  // where the default selection switches to WASM): the workers follow the calling thread's choice
  const streamed = new Float64Array(sync.length);
  for await (const b of kb.pairwiseKlBlocksAsync(P, Q, { threads: 2, rowsPerBlock: 70 }))
    streamed.set(b.rows.data, b.rowStart * 250);
  const mvn = (n, d, shift) => {
    const loc = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift));
    const v = Array.from({ length: n }, () => Array.from({ length: d }, () => 0.2 + 3 * rng.uniform()));
    return kb.MultivariateNormalDiag.fromVariance(loc, v);
  };
  const A = mvn(120, 16, 0);
  const B = mvn(90, 16, 0.5);
  const P2 = hist(40, 256, false);
  const Q2 = hist(30, 256, true);
  const modes = {};
  for (const [mode, set] of [
    ["default", () => kb.configure({ backend: "auto" })],
    ["js", () => kb.configure({ backend: "typescript" })],
    ["wasm", async () => (await kb.initBackend()).wasm.loaded && kb.configure({ backend: "wasm" })],
  ]) {
    await set();
    modes[mode] = {
      categorical: identical(kb.pairwiseKl(P2, Q2).data, (await kb.pairwiseKlAsync(P2, Q2, { threads: 2 })).data),
      diagonal: identical(kb.pairwiseKl(A, B).data, (await kb.pairwiseKlAsync(A, B, { threads: 2 })).data),
    };
  }
  kb.configure({ backend: "auto" });
  const result = {
    isolated: globalThis.crossOriginIsolated === true,
    supported: kb.backendStatus().workers.supported,
    workers: kb.backendStatus().workers.running,
    same,
    entries: sync.length,
    infinities: Array.from(sync).filter((v) => v === Infinity).length,
    streamedSame: identical(sync, streamed),
    modes,
    wasm: kb.backendStatus().wasm.loaded,
    knnSame: Object.is(knnSync, knnThreaded),
    knn: knnSync,
  };
  await kb.shutdownThreads();
  return result;
};
// a page whose Content-Security-Policy forbids workers: a threaded call rejects (never hangs)
window.runBlocked = async () => {
  const rng = new kb.Random(5);
  const x = Float64Array.from({ length: 64 * 8 }, () => rng.uniform() + 0.01);
  for (let i = 0; i < 64; i++) {
    const row = x.subarray(i * 8, i * 8 + 8);
    const s = row.reduce((a, b) => a + b, 0);
    row.forEach((v, k) => (row[k] = v / s));
  }
  const P = new kb.Categorical({ probs: { data: x, shape: [64, 8] } });
  let error = null;
  try {
    await kb.pairwiseKlAsync(P, P, { threads: 2 });
  } catch (e) {
    error = { name: e.name, code: e.code, message: e.message };
  }
  const D = await kb.pairwiseKlAsync(P, P, { threads: 1 });
  return { isolated: globalThis.crossOriginIsolated === true, error, fallback: identical(D.data, kb.pairwiseKl(P, P).data) };
};
// the synchronous dense kernels on nested Web Workers, inside a module worker (startDenseThreads)
window.runDense = () =>
  new Promise((resolve) => {
    const src = \`import * as kb from "\${location.origin}/dist/index.js";
self.onmessage = async () => {
  try {
    self.postMessage(await run());
  } catch (e) {
    self.postMessage({ workerError: String(e && e.stack || e) });
  }
};
const run = async () => {
  kb.configure({ threads: 2 });
  const started = (await kb.initBackend()).denseThreads === 2;
  const d = 300;
  const rng = new kb.Random(3);
  const spd = () => {
    const g = Float64Array.from({ length: d * d }, () => rng.normal());
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += g[i * d + k] * g[j * d + k];
      c[i * d + j] = c[j * d + i] = t / d + (i === j ? 0.1 : 0);
    }
    return { data: c, shape: [d, d] };
  };
  const S1 = spd(), S2 = spd(), m = new Float64Array(d);
  // histograms (some zero bins: infinite entries) and samples for the fused pairwise categorical
  // kernel and the k-d tree search, which also run on the dense threads
  const hist = (zeros) => { const v = Array.from({ length: 64 }, () => rng.uniform() + 0.01);
    if (zeros) v[Math.floor(rng.uniform() * 64)] = 0; const t = v.reduce((a, b) => a + b); return v.map((x) => x / t); };
  const P = new kb.Categorical({ probs: Array.from({ length: 60 }, (_, i) => hist(i % 5 === 0)) });
  const Q = new kb.Categorical({ probs: Array.from({ length: 400 }, (_, j) => hist(j % 7 === 0)) });
  const X = { data: Float64Array.from({ length: 1500 * 4 }, () => rng.normal()), shape: [1500, 4] };
  const Y = { data: Float64Array.from({ length: 1500 * 4 }, () => rng.normal() + 0.3), shape: [1500, 4] };
  kb.configure({ backend: "wasm" });
  const values = (t) => {
    kb.configure({ threads: t });
    return [
      kb.frechetDistance(m, S1, m, S2),
      kb.kl(kb.MultivariateNormal.fromCovariance(m, S1), kb.MultivariateNormal.fromCovariance(m, S2)),
      kb.knnKl(X, Y, { k: 2 }).estimate,
    ];
  };
  const one = values(1);
  const cat1 = kb.pairwiseKl(P, Q).data;
  const two = values(2);
  const cat2 = kb.pairwiseKl(P, Q).data;
  return {
    started,
    isolated: self.crossOriginIsolated === true,
    threads: kb.backendStatus().denseThreads,
    same: one.every((v, i) => Object.is(v, two[i])),
    catSame: cat1.length === 24000 && cat1.every((v, i) => Object.is(v, cat2[i])),
    catInfinities: cat1.filter((v) => v === Infinity).length,
    values: one,
    error: kb.backendStatus().threadsError ?? null,
  };
};\`;
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: "text/javascript" })), { type: "module" });
    w.onmessage = (e) => {
      w.terminate();
      resolve(e.data);
    };
    w.onerror = (e) => resolve({ workerError: e.message ?? "worker error" });
    w.postMessage(0);
  });
window.ready = true;
</script>`;

/** Every kernel selection gave identical matrices, threaded and synchronous. */
const ALL_MODES_IDENTICAL = {
  default: { categorical: true, diagonal: true },
  js: { categorical: true, diagonal: true },
  wasm: { categorical: true, diagonal: true },
};

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".map": "application/json",
  ".html": "text/html",
};

type Kind = "isolated" | "plain" | "noWorkers";

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/**
 * Serves PAGE at / and dist/ at /dist/: with the cross-origin isolation headers ("isolated"),
 * without them ("plain"), or with them and a Content-Security-Policy that forbids workers.
 */
function serve(kind: Kind): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers: Record<string, string> =
      kind === "plain"
        ? {}
        : kind === "isolated"
          ? ISOLATION
          : { ...ISOLATION, "Content-Security-Policy": "worker-src 'none'" };
    if (url.pathname === "/") {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" });
      res.end(PAGE);
      return;
    }
    if (url.pathname.startsWith("/dist/")) {
      const file = normalize(join(dist, url.pathname.slice("/dist/".length)));
      if (file.startsWith(dist)) {
        try {
          const body = readFileSync(file);
          res.writeHead(200, {
            ...headers,
            "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
          });
          res.end(body);
          return;
        } catch {
          // fall through to 404
        }
      }
    }
    res.writeHead(404, headers);
    res.end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

requireBrowser("parallel.browser");

describe("threaded functions in headless Chromium", () => {
  let userDataDir = "";
  let context: BrowserContext | undefined;
  const servers: Server[] = [];
  const ports: Record<Kind, number> = { isolated: 0, plain: 0, noWorkers: 0 };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    const { chromium } = await import("playwright-core");
    for (const kind of ["isolated", "plain", "noWorkers"] as const) {
      const { server, port } = await serve(kind);
      servers.push(server);
      ports[kind] = port;
    }
    userDataDir = mkdtempSync(join(tmpdir(), "kullback-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 60000);

  afterAll(async () => {
    await context?.close();
    for (const s of servers) s.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  async function run(kind: Kind, fn = "runThreads"): Promise<Record<string, unknown>> {
    const page: Page = await context!.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${ports[kind]}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const r = await page.evaluate(
      (name) => (window as unknown as Record<string, () => Promise<Record<string, unknown>>>)[name](),
      fn,
    );
    await page.close();
    return r;
  }

  it.skipIf(!hasChromium)(
    "dense kernels in a module Web Worker: startDenseThreads starts nested workers; same bits as one thread",
    async () => {
      const r = await run("isolated", "runDense");
      expect(r.workerError).toBeUndefined();
      expect(r.isolated).toBe(true);
      expect(r.started).toBe(true);
      expect(r.error).toBeNull();
      expect(r.threads).toBe(2);
      expect(r.same).toBe(true);
      expect(r.catSame).toBe(true);
      expect(r.catInfinities as number).toBeGreaterThan(0);
      const [fid, klv, knn] = r.values as number[];
      expect(fid > 0 && klv > 0 && Number.isFinite(knn)).toBe(true);
      // without isolation: no pool, one thread, the same values
      const p = await run("plain", "runDense");
      expect(p.isolated).toBe(false);
      expect(p.started).toBe(false);
      expect(p.threads).toBe(1);
      expect(p.same).toBe(true);
      expect(p.catSame).toBe(true);
      expect(p.values).toEqual(r.values);
    },
    60000,
  );

  it.skipIf(!hasChromium)(
    "cross-origin isolated: Web Workers compute pairwiseKl and knnKl, bit for bit",
    async () => {
      const r = await run("isolated");
      expect(r.isolated).toBe(true);
      expect(r.supported).toBe(true);
      expect(r.workers).toBe(2); // the pool started two Web Workers for the jobs
      expect(r.same).toBe(true);
      expect(r.entries).toBe(300 * 250);
      expect(r.infinities as number).toBeGreaterThan(0); // zero bins of Q: exact +Infinity entries
      expect(r.streamedSame).toBe(true);
      expect(r.modes).toEqual(ALL_MODES_IDENTICAL);
      expect(r.wasm).toBe(true); // the "wasm" mode really ran the WASM kernels
      expect(r.knnSame).toBe(true);
      expect(Number.isFinite(r.knn)).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    60000,
  );

  it.skipIf(!hasChromium)(
    "not isolated: no SharedArrayBuffer, so the same calls run in the calling thread, same results",
    async () => {
      const r = await run("plain");
      expect(r.isolated).toBe(false);
      expect(r.supported).toBe(false);
      expect(r.workers).toBe(0);
      expect(r.same).toBe(true);
      expect(r.streamedSame).toBe(true);
      expect(r.modes).toEqual(ALL_MODES_IDENTICAL);
      expect(r.knnSame).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    60000,
  );

  it.skipIf(!hasChromium)(
    "a Content-Security-Policy that forbids workers: threads: 2 rejects with WorkerFailed, threads: 1 works",
    async () => {
      const r = await run("noWorkers", "runBlocked");
      expect(r.isolated).toBe(true);
      expect(r.error).toEqual({
        name: "KullbackError",
        code: "WorkerFailed",
        message: "a worker thread failed: a Web Worker failed to start or run",
      });
      expect(r.fallback).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    60000,
  );
});
