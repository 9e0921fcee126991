/**
 * The layers of src/ (docs/architecture.md): every import points down, no file imports itself
 * back through a cycle, and the front doors (report, tfjs adapter, CLI) use only the public
 * entries. No exceptions list: a new upward import fails here.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src/", import.meta.url));

/** The layers, bottom first: a folder may import its own layer and the layers below it. */
const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["linalg"],
  ["distributions"],
  ["kl"],
  ["divergences", "gradients"],
  ["estimators"],
  ["pairwise"],
  ["parallel"],
  ["io"],
  ["conformance"],
  ["config"],
  ["index.ts"],
  ["report", "tfjs"],
  ["cli"],
];
/** The public entries the front doors may import (besides their own folder and lower front doors). */
const ENTRIES = new Set(["index.ts", "io/index.ts", "conformance/index.ts"]);
const FRONT_DOORS = new Set(["report", "tfjs", "cli"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === "generated" ? [] : files(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** Relative module specifiers of static imports, re-exports and dynamic imports (comments stripped). */
function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;}])(?:import|export)\s[^;"'`]*?from\s*"(\.[^"]+)"/g))
    out.push(m[1]);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*"(\.[^"]+)"/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g)) out.push(m[1]);
  return out;
}

const graph = new Map<string, string[]>();
for (const f of files(src)) {
  const from = relative(src, f);
  const deps = specifiers(readFileSync(f, "utf8")).map((s) =>
    relative(src, normalize(join(dirname(f), s))).replace(/\.js$/, ".ts"),
  );
  graph.set(from, deps);
}
const top = (file: string): string => file.split("/")[0];
const rank = new Map<string, number>();
LAYERS.forEach((group, i) => group.forEach((g) => rank.set(g, i)));

describe("layers of src/", () => {
  it("every folder and top-level file of src/ has a layer", () => {
    const unplaced = [...new Set([...graph.keys()].map(top))].filter((t) => !rank.has(t));
    expect(unplaced).toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
  });

  it("every import resolves to a file of src/", () => {
    const missing: string[] = [];
    for (const [from, deps] of graph)
      for (const d of deps) if (!graph.has(d) && !d.includes("/generated/")) missing.push(`${from} -> ${d}`);
    expect(missing).toEqual([]);
  });

  it("imports point down (or stay within their layer)", () => {
    const upward: string[] = [];
    for (const [from, deps] of graph)
      for (const d of deps) {
        if (top(d) === top(from)) continue;
        if (rank.get(top(d))! > rank.get(top(from))!) upward.push(`${from} -> ${d}`);
      }
    expect(upward).toEqual([]);
  });

  it("the report, the tfjs adapter and the CLI use only the public entries", () => {
    const inner: string[] = [];
    for (const [from, deps] of graph) {
      if (!FRONT_DOORS.has(top(from))) continue;
      for (const d of deps) if (!ENTRIES.has(d) && !FRONT_DOORS.has(top(d))) inner.push(`${from} -> ${d}`);
    }
    expect(inner).toEqual([]);
  });

  it("no import cycles", () => {
    // Tarjan's strongly connected components over the file graph
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
      }
    };
    for (const v of graph.keys()) if (!idx.has(v)) visit(v);
    expect(cycles).toEqual([]);
  });

  it("test/ mirrors src/: every test folder is a folder of src/ (or web/)", () => {
    const testDir = fileURLToPath(new URL("./", import.meta.url));
    const folders = readdirSync(testDir).filter(
      (n) => statSync(join(testDir, n)).isDirectory() && n !== "fixtures" && n !== "__snapshots__",
    );
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((n) => !rank.has(n) && n !== "web")).toEqual([]);
    const loose = readdirSync(testDir).filter((n) => n.endsWith(".test.ts"));
    expect(loose.sort()).toEqual(["layers.test.ts", "readme.test.ts"]);
  });

  it("the checker sees an upward import and a cycle when there is one", () => {
    expect(specifiers('import { a } from "../kl/registry.js";\n// import { b } from "../x.js"')).toEqual([
      "../kl/registry.js",
    ]);
    expect(specifiers('export { c, type D } from "./d.js";\nconst m = await import("./e.js");')).toEqual([
      "./d.js",
      "./e.js",
    ]);
    expect(rank.get("core")! < rank.get("kl")!).toBe(true);
  });
});
