/**
 * The threaded functions in a browser: headless Chromium loads the built library (dist/) from a
 * small local server. On a page served with COOP/COEP headers (cross-origin isolated, so
 * SharedArrayBuffer exists) `pairwiseKlAsync` and `knnKlAsync` run on Web Workers started from a
 * Blob URL, and their results equal the synchronous functions' bit for bit; on a page without
 * those headers they run in the calling thread, with the same results.
 *
 * Without /usr/bin/chromium the tests fail under CI and are skipped with a notice elsewhere
 * (test/browser.ts). dist/ is built by `npm test`'s pretest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireBrowser } from "./browser.js";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));

const PAGE = `<!doctype html><meta charset="utf-8"><title>kullback threads</title>
<script type="module">
import * as kb from "/dist/index.js";
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
  let same = sync.length === threaded.length;
  for (let i = 0; same && i < sync.length; i++) same = Object.is(sync[i], threaded[i]);
  const result = {
    isolated: globalThis.crossOriginIsolated === true,
    supported: kb.threadsSupported(),
    workers: kb.threadPoolSize(),
    same,
    entries: sync.length,
    infinities: Array.from(sync).filter((v) => v === Infinity).length,
    knnSame: Object.is(knnSync, knnThreaded),
    knn: knnSync,
  };
  await kb.shutdownThreads();
  return result;
};
window.ready = true;
</script>`;

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".map": "application/json",
  ".html": "text/html",
};

/** Serves PAGE at / and dist/ at /dist/, with or without the cross-origin isolation headers. */
function serve(isolated: boolean): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers: Record<string, string> = isolated
      ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
      : {};
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
  const ports: Record<"isolated" | "plain", number> = { isolated: 0, plain: 0 };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    const { chromium } = await import("playwright-core");
    for (const kind of ["isolated", "plain"] as const) {
      const { server, port } = await serve(kind === "isolated");
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

  async function run(kind: "isolated" | "plain"): Promise<Record<string, unknown>> {
    const page: Page = await context!.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${ports[kind]}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const r = await page.evaluate(() =>
      (window as unknown as { runThreads(): Promise<Record<string, unknown>> }).runThreads(),
    );
    await page.close();
    return r;
  }

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
      expect(r.knnSame).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    60000,
  );
});
