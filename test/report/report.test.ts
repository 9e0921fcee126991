/**
 * The comparison behind `kullback compare` and its HTML report: statistics on known cases, the
 * SVG geometry, escaping, and a rendering check in headless Chromium that also takes a
 * screenshot (docs/compare-report.png with KULLBACK_SCREENSHOTS=1).
 */
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { KullbackError, NDArray, Normal, kl } from "../../src/index.js";
import { parseCsv } from "../../src/io/csv.js";
import { compareDatasets, sharedBins, type Dataset } from "../../src/report/compare.js";
import { renderCompareReport } from "../../src/report/html.js";
import { ellipsePoints, esc, fmt, niceTicks } from "../../src/report/svg.js";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium, requireBrowser, screenshotDir } from "../helpers.js";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const load = (file: string): Dataset => {
  const t = parseCsv(readFileSync(join(examples, file), "utf8"), { name: file });
  return { name: file, columns: t.columns, values: t.values };
};

function table(name: string, columns: string[], rows: number[][]): Dataset {
  return {
    name,
    columns,
    values: new NDArray(Float64Array.from(rows.flat()), [rows.length, columns.length]),
  };
}

/** n draws per column from N(mean_j, sd_j²), seeded, as rows. */
function gaussianRows(n: number, means: number[], sds: number[], seed: number): number[][] {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: n }, () => means.map((m, j) => m + sds[j] * z()));
}

describe("shared histogram bins", () => {
  it("Freedman–Diaconis width on the pooled sample, every point counted", () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => i); // 0…99
    const b = Float64Array.from({ length: 100 }, (_, i) => 100 + i); // 100…199
    const h = sharedBins(a, b);
    // pooled 0…199: IQR (type 7) = 149.25 − 49.75 = 99.5, h = 2·99.5/200^(1/3) ≈ 34.03 → 6 bins
    expect(h.rule).toBe("freedman-diaconis");
    expect(h.countsA.length).toBe(Math.ceil(199 / ((2 * 99.5) / Math.cbrt(200))));
    expect(h.edges[0]).toBe(0);
    expect(h.edges[h.edges.length - 1]).toBe(199);
    expect(h.countsA.reduce((s, v) => s + v, 0)).toBe(100);
    expect(h.countsB.reduce((s, v) => s + v, 0)).toBe(100);
    expect(h.countsA[h.countsA.length - 1]).toBe(0); // the maximum (199, from b) lands in the last bin
    expect(h.countsB[h.countsB.length - 1]).toBeGreaterThan(0);
  });

  it("IQR 0 falls back to Sturges; a constant column gets one bin; maxBins caps", () => {
    const spike = Float64Array.from({ length: 50 }, (_, i) => (i < 45 ? 1 : i));
    const h = sharedBins(spike, spike);
    expect(h.rule).toBe("sturges");
    expect(h.countsA.length).toBe(Math.ceil(Math.log2(100)) + 1);
    const c = sharedBins(Float64Array.of(2, 2, 2), Float64Array.of(2, 2));
    expect(c.rule).toBe("constant");
    expect(c.countsA).toEqual([3]);
    expect(c.countsB).toEqual([2]);
    const wide = Float64Array.from({ length: 1000 }, (_, i) => (i < 10 ? i * 1e6 : i % 7));
    expect(sharedBins(wide, wide, 25).countsA.length).toBe(25);
  });
});

describe("compareDatasets", () => {
  it("identical tables: zero JS and histogram KL in every column", () => {
    const rows = gaussianRows(120, [0, 5], [1, 2], 1);
    const c = compareDatasets(table("a", ["x", "y"], rows), table("b", ["x", "y"], rows), {
      permutations: 20,
    });
    for (const col of c.columns) {
      expect(col.js).toBe(0);
      expect(col.klHistogram).toBeCloseTo(0, 15);
      expect(col.klHistogramRaw).toBeCloseTo(0, 15);
      expect(col.klGaussian).toBe(0);
    }
    expect(c.joint.klGaussian).toBeCloseTo(0, 12);
    expect(c.joint.mmd!.pValue).toBeGreaterThan(0.5);
  });

  it("per-column Gaussian KL is the closed form between the fitted normals; B's column order does not matter", () => {
    const a = table("a", ["u", "v"], gaussianRows(300, [0, 0], [1, 1], 2));
    const rowsB = gaussianRows(300, [1, 0], [2, 1], 3);
    const b = table("b", ["u", "v"], rowsB);
    const swapped = table(
      "b",
      ["v", "u"],
      rowsB.map(([u, v]) => [v, u]),
    );
    const c1 = compareDatasets(a, b, { permutations: 20 });
    const c2 = compareDatasets(a, swapped, { permutations: 20 });
    expect(c2.columns).toEqual(c1.columns);
    expect(c2.joint.klGaussian).toBe(c1.joint.klGaussian);
    const u = c1.columns[0];
    expect(u.klGaussian).toBe(kl(new Normal(u.meanA, u.sdA), new Normal(u.meanB, u.sdB)));
    expect(u.klGaussian).toBeGreaterThan(0.2); // ≈ KL(N(0,1) ‖ N(1,4)) = 0.443
    expect(c1.ranking[0]).toBe("u");
  });

  it("a constant column and a column B never reaches: nulls, notes, +Infinity raw KL — no failure", () => {
    const a = table("a", ["c", "x"], gaussianRows(80, [3, 0], [0, 1], 4));
    const b = table("b", ["c", "x"], gaussianRows(80, [3, 10], [0, 1], 5));
    const cmp = compareDatasets(a, b, { permutations: 10 });
    const [c, x] = cmp.columns;
    expect(c.klGaussian).toBeNull();
    expect(c.notes.join(" ")).toMatch(/constant/);
    expect(c.js).toBe(0);
    expect(x.js).toBeCloseTo(Math.LN2, 12); // disjoint supports
    expect(x.klHistogramRaw).toBe(Infinity);
    expect(x.binsOnlyInA).toBeGreaterThan(0);
    expect(Number.isFinite(x.klHistogram)).toBe(true);
    expect(cmp.joint.klGaussian).toBeNull(); // singular covariance (constant column) …
    expect(cmp.joint.notes.join(" ")).toMatch(/Gaussian KL: .*not positive definite/);
    expect(cmp.ranking).toEqual(["x", "c"]);
  });

  it("different column names are an InvalidShape error naming both sides", () => {
    const e = (() => {
      try {
        compareDatasets(
          table(
            "a.csv",
            ["x", "y"],
            [
              [1, 2],
              [3, 4],
            ],
          ),
          table(
            "b.csv",
            ["x", "z"],
            [
              [1, 2],
              [3, 4],
            ],
          ),
        );
      } catch (err) {
        return err as KullbackError;
      }
    })();
    expect(e).toBeInstanceOf(KullbackError);
    expect(e!.code).toBe("InvalidShape");
    expect(e!.message).toBe('the two tables have different columns (only in a.csv: "y"; only in b.csv: "z")');
  });

  it("the example data: the two drifted columns rank first", () => {
    const c = compareDatasets(load("reference.csv"), load("drifted.csv"), { permutations: 100 });
    expect(c.ranking.slice(0, 2)).toEqual(["latency_ms", "session_minutes"]);
    expect(c.pair!.columns).toEqual(["latency_ms", "session_minutes"]);
    expect(c.pair!.pointsA.length).toBe(300);
  });
});

describe("SVG helpers", () => {
  it("k-sigma ellipse points are at Mahalanobis distance k", () => {
    const mean: [number, number] = [2, -1];
    const cov: [number, number, number] = [4, 1.2, 0.9];
    const det = cov[0] * cov[2] - cov[1] * cov[1];
    for (const k of [1, 2]) {
      for (const [x, y] of ellipsePoints(mean, cov, k, 40)) {
        const dx = x - mean[0];
        const dy = y - mean[1];
        const m2 = (cov[2] * dx * dx - 2 * cov[1] * dx * dy + cov[0] * dy * dy) / det;
        expect(Math.sqrt(m2)).toBeCloseTo(k, 10);
      }
    }
  });

  it("ticks, number formatting and escaping", () => {
    expect(niceTicks(0, 0.27, 5)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(niceTicks(83.2, 231, 5)).toEqual([100, 120, 140, 160, 180, 200, 220]);
    expect(fmt(0.26989)).toBe("0.27");
    expect(fmt(-0.0382)).toBe("−0.0382");
    expect(fmt(Infinity)).toBe("∞");
    expect(fmt(null)).toBe("—");
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("column names and file names are escaped in the report", () => {
    const evil = `<img src=x onerror="alert(1)">`;
    const rows = gaussianRows(40, [0, 0], [1, 1], 9);
    const html = renderCompareReport(
      compareDatasets(
        table("<b>a</b>.csv", [evil, "y"], rows),
        table("b.csv", [evil, "y"], gaussianRows(40, [1, 0], [1, 1], 10)),
        {
          permutations: 10,
        },
      ),
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>a</b>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

// ---------------------------------------------------------------------------------------------
// Rendering in headless Chromium
// ---------------------------------------------------------------------------------------------

describe("the HTML report in a browser", () => {
  requireBrowser("report.test");
  it.skipIf(!hasChromium)(
    "draws every plot (non-empty SVG paths and rects), keeps labels inside their plots, loads nothing; screenshot",
    async () => {
      const { chromium } = await import("playwright-core");
      const cmp = compareDatasets(load("reference.csv"), load("drifted.csv"));
      const html = renderCompareReport(cmp, { generated: "2024-09-17" });
      const dir = mkdtempSync(join(tmpdir(), "kullback-report-"));
      const file = join(dir, "report.html");
      writeFileSync(file, html);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        const problems: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
        });
        page.on("pageerror", (e) => problems.push(e.message));
        await page.goto("file://" + file);
        const stats = await page.evaluate(() => {
          const visible = (el: Element) => {
            const b = (el as SVGGraphicsElement).getBoundingClientRect();
            return b.width > 0 && b.height > 0;
          };
          const count = (sel: string) => Array.from(document.querySelectorAll(sel)).filter(visible).length;
          const inside = (svg: Element) => {
            const s = svg.getBoundingClientRect();
            return Array.from(svg.querySelectorAll("text")).filter((t) => {
              const b = t.getBoundingClientRect();
              return (
                b.left < s.left - 0.5 ||
                b.right > s.right + 0.5 ||
                b.top < s.top - 0.5 ||
                b.bottom > s.bottom + 0.5
              );
            }).length;
          };
          const bars = Array.from(document.querySelectorAll("svg.ranking rect")).map(
            (r) => r.getBoundingClientRect().width,
          );
          return {
            svgs: document.querySelectorAll("svg").length,
            histRects: count("svg.hist rect"),
            histPaths: count("svg.hist path"),
            histograms: Array.from(document.querySelectorAll("svg.hist")).map(
              (s) => Array.from(s.querySelectorAll("rect")).filter(visible).length,
            ),
            ellipses: count("svg.ellipses path.ellipse"),
            ellipsePaths: count("svg.ellipses path"),
            points: count("svg.ellipses circle"),
            bars,
            labelsOutside: Array.from(document.querySelectorAll("svg")).reduce((n, s) => n + inside(s), 0),
            pageWidth: document.documentElement.scrollWidth,
          };
        });
        expect(stats.svgs).toBe(7);
        expect(stats.histograms).toHaveLength(5);
        for (const n of stats.histograms) expect(n).toBeGreaterThan(10); // bars of A and B in every histogram
        expect(stats.histPaths).toBe(5); // the outline of B in each histogram (axis lines are 1-D)
        expect(stats.ellipses).toBe(4);
        expect(stats.ellipsePaths).toBeGreaterThanOrEqual(4 + 2); // + the two mean markers
        expect(stats.points).toBeGreaterThanOrEqual(600);
        expect(stats.bars).toHaveLength(5);
        for (let i = 1; i < 5; i++) expect(stats.bars[i]).toBeLessThanOrEqual(stats.bars[i - 1]); // ranked
        expect(stats.bars[0]).toBeGreaterThan(stats.bars[2] * 5);
        expect(stats.labelsOutside).toBe(0);
        expect(stats.pageWidth).toBeLessThanOrEqual(1200); // no horizontal scrolling
        expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
        expect(problems).toEqual([]);
        const docs = screenshotDir();
        await page.screenshot({ path: join(docs, "compare-report.png"), fullPage: true });
        expect(readFileSync(join(docs, "compare-report.png")).subarray(1, 4).toString()).toBe("PNG");
      } finally {
        await browser.close();
      }
    },
    60000,
  );
});
