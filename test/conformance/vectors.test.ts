/**
 * Every reference vector through the library's eval API, file by file, once per kernel mode
 * (`npm test` runs this file in the default, wasm and ts projects; in the wasm project every file
 * runs with WASM at every size and again with the production switch-over sizes). A case passes
 * when it matches FORMAT.md's tolerance rule (or raises the expected error code).
 *
 * The Monte Carlo lines of gmm.jsonl carry a tolerance of 5 standard errors of a 10^7-draw
 * reference. Under test each runs alone with MC_TEST_SAMPLES draws (seeded): the difference of two
 * independent estimates then has standard error SE_ref·√(1 + 10^7/n), so the same 5-SE test widens
 * the line's rtol by that factor. `npm run vectors:full` runs every line as written (10^7 draws).
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkOutput, evaluateCase } from "../../src/conformance/eval.js";
import { jsKernels, kernels, setKernels, type Kernels } from "../../src/linalg/kernels.js";
import { wasmKernels } from "../../src/linalg/wasm.js";
import { kernelMode, wasmEverywhere } from "../helpers.js";

type Line = Record<string, unknown>;

const dir = new URL("../fixtures/vectors/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));

/** Draws of one Monte Carlo line under test (the reference used 10^7). */
const MC_TEST_SAMPLES = 1_000_000;
const REFERENCE_SAMPLES = 10_000_000;

const isMonteCarlo = (c: Line): boolean => c.method === "monteCarlo";

/** The kernels each file runs with in this mode: the mode's own, or WASM everywhere and WASM as shipped. */
const backends: (Kernels | null)[] = kernelMode() === "wasm" ? [wasmEverywhere, wasmKernels] : [null];

function failuresOf(lines: Line[], k: Kernels | null): string[] {
  const before = kernels();
  const failures: string[] = [];
  if (k) setKernels(k);
  try {
    for (const c of lines) {
      const r = checkOutput(c, evaluateCase(c));
      if (!r.pass) failures.push(`${String(c.id)}: ${r.reason}`);
    }
  } finally {
    setKernels(before);
  }
  return failures;
}

describe("reference vectors", () => {
  it("fixtures are present (copied from ../shared/vectors)", () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });

  for (const file of files) {
    const lines = readFileSync(new URL(file, dir), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Line);
    const exact = lines.filter((c) => !isMonteCarlo(c));
    const mc = lines.filter(isMonteCarlo);
    for (const k of backends) {
      const how = k ? ` with ${k.name}` : "";
      // one test per file (listing every failing case) keeps the runner light on ~1000 cases
      it(`${file}${how}: all ${exact.length} deterministic cases pass`, () => {
        expect(exact.length).toBeGreaterThan(0);
        expect(failuresOf(exact, k)).toEqual([]);
      });
    }
    // Monte Carlo lines: one test each (a few tenths of a second), with the mode's own kernels
    for (const c of mc) {
      it(`${file}: ${String(c.id)} (Monte Carlo, ${MC_TEST_SAMPLES} draws, rtol widened)`, () => {
        const widen = Math.sqrt(1 + REFERENCE_SAMPLES / MC_TEST_SAMPLES);
        const line = { ...c, samples: MC_TEST_SAMPLES, seed: 7, rtol: (c.rtol as number) * widen };
        expect(failuresOf([line], null)).toEqual([]);
      });
    }
  }

  it("gmm.jsonl has its 7 Monte Carlo lines (run one test each above)", () => {
    const gmm = readFileSync(new URL("gmm.jsonl", dir), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Line);
    expect(gmm.filter(isMonteCarlo).length).toBe(7);
  });
});

// the kernels in use are back to the mode's own after every file
it("the mode's kernels are restored", () => {
  expect(kernels().name).toBe(kernelMode() === "wasm" ? wasmKernels.name : jsKernels.name);
});
