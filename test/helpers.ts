/**
 * The shared test helpers: the kernel mode of this run, WASM at every size, property-test run
 * counts, SPD matrices, where the browser tests find Chromium, and source bundles for child Node
 * processes.
 *
 * `npm test` runs every test file in three kernel modes (vitest.config.ts, one project each):
 * `default` (the library's own choice), `wasm` (WebAssembly SIMD installed) and `ts` (pure
 * TypeScript at every size). `KULLBACK_STRESS=k` multiplies every property test's run count by k
 * and draws fresh seeds (`npm run test:stress`); without it the seeds are fixed, so the suite is
 * deterministic.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Random } from "../src/core/random.js";
import { createWasmKernels } from "../src/linalg/wasm.js";
import { expect, it } from "vitest";

export type KernelMode = "default" | "wasm" | "ts";

/** The kernel mode of this run (KULLBACK_TEST_KERNELS, set per project in vitest.config.ts). */
export function kernelMode(): KernelMode {
  const m = process.env.KULLBACK_TEST_KERNELS ?? "default";
  if (m === "" || m === "default") return "default";
  if (m === "wasm" || m === "ts") return m;
  throw new Error(`KULLBACK_TEST_KERNELS must be wasm, ts or default; got ${JSON.stringify(m)}`);
}

/** WASM at every size (the library's WASM backend switches to TS below its measured sizes). */
export const wasmEverywhere = createWasmKernels(
  { potrf: 0, trsm: 0, trsmWork: 0, trsv: 0, trilSolveTril: 0 },
  "wasm-all",
);

/** The stress factor (KULLBACK_STRESS, default 1). */
export const STRESS: number = (() => {
  const v = process.env.KULLBACK_STRESS;
  if (v === undefined || v === "") return 1;
  const k = Number(v);
  if (!Number.isInteger(k) || k < 1) throw new Error(`KULLBACK_STRESS must be a positive integer; got ${v}`);
  return k;
})();

/** A property test's run count: n, times KULLBACK_STRESS. */
export function runs(n: number): number {
  return n * STRESS;
}

/** A symmetric positive definite matrix G Gᵀ / n + ridge·I (row-major n×n; G has n² normal draws). */
export function spdMatrix(rng: Random, n: number, ridge = 1): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) g[i] = rng.normal();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[i * n + k] * g[j * n + k];
      a[i * n + j] = a[j * n + i] = s / n + (i === j ? ridge : 0);
    }
  }
  return a;
}

// ── browser tests ──
/**
 * Where the browser tests find Chromium, and where they put their screenshots.
 *
 * The browser tests need Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it). Under CI
 * (`CI` set) a missing browser is a test failure; elsewhere the browser tests are skipped with a
 * loud notice so that `npm test` still runs everything else on a machine without Chromium.
 * Screenshots go to a temporary folder unless `KULLBACK_SCREENSHOTS=1`, which writes them to docs/
 * (that is how docs/playground.png and docs/compare-report.png are refreshed).
 */
export const CHROMIUM = "/usr/bin/chromium";

/** Command-line flags of every headless Chromium the tests start (quiet, no network side jobs). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const hasChromium = existsSync(CHROMIUM);
export const browserRequired = Boolean(process.env.CI);

/** Under CI, one test that fails when the browser is missing; elsewhere a notice when it is. */
export function requireBrowser(what: string): void {
  if (!hasChromium && !browserRequired) {
    console.warn(
      `\n[${what}] NOTICE: ${CHROMIUM} not found: the browser tests are SKIPPED ` +
        `(install it with: apt-get install -y chromium; under CI they are required)\n`,
    );
  }
  if (browserRequired) {
    it(`headless Chromium is present at ${CHROMIUM} (required when CI is set)`, () => {
      expect(existsSync(CHROMIUM)).toBe(true);
    });
  }
}

/** Folder for screenshots: docs/ when KULLBACK_SCREENSHOTS=1, a fresh temporary folder otherwise. */
export function screenshotDir(): string {
  if (process.env.KULLBACK_SCREENSHOTS === "1") {
    const docs = fileURLToPath(new URL("../docs/", import.meta.url));
    mkdirSync(docs, { recursive: true });
    return docs;
  }
  return mkdtempSync(join(tmpdir(), "kullback-shots-"));
}

// ── child Node processes ──
/**
 * A bundle of the library's TypeScript sources for child Node processes (tests that start Node
 * with other flags): esbuild bundles `contents` (an ES module whose imports are relative to the
 * repository root) into a temporary .mjs file, whose file URL is returned. For children that need
 * internals beside the public entry; those that need only the public entry import dist/.
 */
const root = fileURLToPath(new URL("..", import.meta.url));

export async function bundleForChild(contents: string): Promise<string> {
  const { build } = await import("esbuild");
  const out = await build({
    stdin: { contents, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "error",
  });
  const file = join(mkdtempSync(join(tmpdir(), "kullback-child-")), "lib.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  return pathToFileURL(file).href;
}
