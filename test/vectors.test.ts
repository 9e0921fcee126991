/**
 * Every reference vector through the library's eval API, file by file. A case passes when it
 * matches FORMAT.md's tolerance rule (or raises the expected error code).
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkOutput, evaluateCase } from "../src/io/eval.js";

const dir = new URL("./fixtures/vectors/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));

describe("reference vectors", () => {
  it("fixtures are present (copied from ../shared/vectors)", () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });
  for (const file of files) {
    const lines = readFileSync(new URL(file, dir), "utf8")
      .split("\n")
      .filter((l) => l.trim());
    // one test per file (listing every failing case) keeps the runner light on ~1000 cases
    it(`${file}: all ${lines.length} cases pass`, { timeout: 600_000 }, () => {
      const failures: string[] = [];
      for (const line of lines) {
        const c = JSON.parse(line) as Record<string, unknown>;
        const r = checkOutput(c, evaluateCase(c));
        if (!r.pass) failures.push(`${String(c.id)}: ${r.reason}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
