/**
 * End-to-end test of the browser playground (web/): builds it with Vite's JS API, serves the
 * build with `vite preview` on a free localhost port, drives Debian's Chromium through
 * playwright-core, and checks that the numbers on the page are the library's own values for the
 * positions shown. Saves a screenshot (to docs/playground.png with KULLBACK_SCREENSHOTS=1).
 *
 * Without /usr/bin/chromium the tests fail under CI and are skipped with a notice elsewhere
 * (test/helpers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import type { PreviewServer } from "vite";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireBrowser, screenshotDir } from "../helpers.js";
import {
  GaussianMixture,
  MultivariateNormal,
  bhattacharyya,
  gmmKl,
  hellinger,
  kl,
  wasserstein2,
  type Distribution,
  type NDArray,
} from "../../src/index.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const webConfig = join(repo, "web", "vite.config.ts");
const screenshotPath = join(screenshotDir(), "playground.png");

const num = (x: number | NDArray): number => (typeof x === "number" ? x : x.data[0]);
const closeTo = (actual: number, expected: number, rtol = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-14 + rtol * Math.abs(expected));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface HandleData {
  x: number;
  y: number;
  cov: number[][];
}

async function handle(page: Page, id: string): Promise<HandleData> {
  return page.$eval(`[data-testid="${id}"]`, (e) => {
    const d = (e as SVGElement).dataset;
    return { x: Number(d.x), y: Number(d.y), cov: JSON.parse(d.cov ?? "null") as number[][] };
  });
}

async function readout(page: Page, key: string): Promise<{ value: number; text: string; method: string }> {
  return page.$eval(`[data-testid="${key}"]`, (e) => {
    const d = (e as HTMLElement).dataset;
    return { value: d.value ? Number(d.value) : NaN, text: e.textContent ?? "", method: d.method ?? "" };
  });
}

/** Waits until the readouts have been recomputed for the state currently drawn. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector("#readouts")?.getAttribute("data-busy") === "false",
  );
}

async function gaussian(page: Page, id: string): Promise<MultivariateNormal> {
  const h = await handle(page, id);
  return MultivariateNormal.fromCovariance([h.x, h.y], h.cov);
}

async function dragBy(page: Page, id: string, dx: number, dy: number): Promise<void> {
  const box = await page.locator(`[data-testid="${id}"]`).boundingBox();
  if (!box) throw new Error(`no bounding box for ${id}`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 8 });
  await page.mouse.up();
  await settled(page);
}

/** The page shows 4 significant digits. */
const shown = (v: number) => v.toPrecision(4);

describe("browser playground (web/)", () => {
  requireBrowser("playground.e2e");
  let outDir = "";
  let userDataDir = "";
  let server: PreviewServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    const { build, preview } = await import("vite");
    const { chromium } = await import("playwright-core");
    outDir = mkdtempSync(join(tmpdir(), "kullback-web-"));
    userDataDir = mkdtempSync(join(tmpdir(), "kullback-chromium-"));
    await build({ configFile: webConfig, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    const port = await freePort();
    server = await preview({
      configFile: webConfig,
      logLevel: "warn",
      build: { outDir },
      preview: { host: "127.0.0.1", port, strictPort: true, open: false },
    });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1380, height: 860 },
      deviceScaleFactor: 1,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('[data-testid="kl-pq"][data-value]');
    await settled(page);
  }, 60000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const dir of [outDir, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasChromium)("shows the library's closed-form values for the drawn Gaussians", async () => {
    const p = await gaussian(page, "p-mean-0");
    const q = await gaussian(page, "q-mean-0");
    const klpq = await readout(page, "kl-pq");
    closeTo(klpq.value, num(kl(p, q)));
    expect(klpq.text.startsWith(shown(klpq.value))).toBe(true);
    expect(klpq.method).toContain("closed form");
    closeTo((await readout(page, "kl-qp")).value, num(kl(q, p)));
    closeTo((await readout(page, "bhattacharyya")).value, num(bhattacharyya(p, q)));
    closeTo((await readout(page, "hellinger")).value, num(hellinger(p, q)));
    closeTo((await readout(page, "w2")).value, num(wasserstein2(p, q)));
    const jsValue = await readout(page, "js");
    expect(jsValue.method).toContain("Monte Carlo");
    expect(jsValue.value).toBeGreaterThan(0);
    expect(jsValue.value).toBeLessThan(Math.LN2);
  });

  it.skipIf(!hasChromium)(
    "dragging p's mean and q's axis handle updates every number to the library's value",
    async () => {
      const before = await readout(page, "kl-pq");
      const p0 = await handle(page, "p-mean-0");
      await dragBy(page, "p-mean-0", 90, -60); // 60 px per unit: +1.5 in x, +1 in y
      const p1 = await handle(page, "p-mean-0");
      expect(p1.x - p0.x).toBeCloseTo(1.5, 1);
      expect(p1.y - p0.y).toBeCloseTo(1.0, 1);
      expect(p1.cov).toEqual(p0.cov);

      const covBefore = (await handle(page, "q-mean-0")).cov;
      await dragBy(page, "q-axis1-0", 25, 20);
      expect((await handle(page, "q-mean-0")).cov).not.toEqual(covBefore);

      const p = await gaussian(page, "p-mean-0");
      const q = await gaussian(page, "q-mean-0");
      const after = await readout(page, "kl-pq");
      expect(after.value).not.toBe(before.value);
      closeTo(after.value, num(kl(p, q)));
      expect(after.text.startsWith(shown(after.value))).toBe(true);
      closeTo((await readout(page, "kl-qp")).value, num(kl(q, p)));
      closeTo((await readout(page, "bhattacharyya")).value, num(bhattacharyya(p, q)));
      closeTo((await readout(page, "hellinger")).value, num(hellinger(p, q)));
      closeTo((await readout(page, "w2")).value, num(wasserstein2(p, q)));
    },
  );

  it.skipIf(!hasChromium)("a mixture p shows gmmKl's variational approximation with its bounds", async () => {
    await page.selectOption("#p-kind", "2");
    await settled(page);
    const comps = [await handle(page, "p-mean-0"), await handle(page, "p-mean-1")];
    const p: Distribution = GaussianMixture.fromCovariance(
      [0.5, 0.5],
      comps.map((c) => [c.x, c.y]),
      comps.map((c) => c.cov),
    );
    const q = await gaussian(page, "q-mean-0");
    const r = await readout(page, "kl-pq");
    expect(r.method).toContain("variational approximation");
    closeTo(r.value, gmmKl(p, q, { method: "variational" }).value, 1e-10);
    const extra = await page.$eval('[data-card="kl-pq"] .extra', (e) => e.textContent ?? "");
    expect(extra).toContain(shown(gmmKl(p, q, { method: "variationalUpperBound" }).value));
    expect(extra).toContain(shown(gmmKl(p, q, { method: "durrieuLowerBound" }).value));
    expect((await readout(page, "w2")).value).toBeNaN(); // no closed form between mixtures: shown as —
  });

  it.skipIf(!hasChromium)(
    "fit (forward KL) with a Gaussian p uses analytic gradients and drives q onto p",
    async () => {
      await page.selectOption("#p-kind", "1");
      await page.check('input[name="direction"][value="forward"]');
      await page.click("#fit");
      await page.waitForFunction(
        () => document.querySelector("#fit-status")?.getAttribute("data-status") !== "running",
        null,
        {
          timeout: 15000,
        },
      );
      await settled(page);
      const fit = await page.$eval("#fit-status", (e) => {
        const d = (e as HTMLElement).dataset;
        return { value: Number(d.value), start: Number(d.startValue), status: d.status };
      });
      expect(fit.status).toBe("converged");
      expect(fit.start).toBeGreaterThan(0.1);
      expect(fit.value).toBeLessThan(1e-6);
      expect(await page.textContent("#fit-method")).toContain("klGradScaleTril");
      const p = await handle(page, "p-mean-0");
      const q = await handle(page, "q-mean-0");
      expect(Math.hypot(q.x - p.x, q.y - p.y)).toBeLessThan(1e-3);
      // The readout agrees with the fit's objective: both are the library's kl(p, q).
      closeTo((await readout(page, "kl-pq")).value, fit.value, 1e-6);
    },
    20000,
  );

  it.skipIf(!hasChromium)(
    "fit (reverse KL) on the bimodal example decreases the objective; saves a screenshot",
    async () => {
      await page.click("#example");
      await page.check('input[name="direction"][value="reverse"]');
      await page.click("#fit");
      await page.waitForFunction(
        () => Number(document.querySelector("#fit-status")?.getAttribute("data-iteration")) >= 5,
      );
      const status = () =>
        page.$eval("#fit-status", (e) => {
          const d = (e as HTMLElement).dataset;
          return {
            iteration: Number(d.iteration),
            value: Number(d.value),
            start: Number(d.startValue),
            status: d.status,
          };
        });
      const mid = await status();
      expect(mid.value).toBeLessThan(mid.start);
      await page.waitForFunction(
        () => document.querySelector("#fit-status")?.getAttribute("data-status") !== "running",
        null,
        {
          timeout: 15000,
        },
      );
      await settled(page);
      const end = await status();
      expect(end.value).toBeLessThanOrEqual(mid.value);
      expect(end.iteration).toBeGreaterThan(mid.iteration);
      await page.screenshot({ path: screenshotPath, fullPage: true });
      expect(existsSync(screenshotPath)).toBe(true);
      expect(pageErrors).toEqual([]);
    },
    30000,
  );
});
