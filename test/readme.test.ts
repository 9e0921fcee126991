/**
 * The README: at most 12 KB, its family-pair table is the registry's, and every TypeScript
 * example runs (bundled with `kullback` resolved to src/; `npm run typecheck` also compiles them
 * under --strict, scripts/check-readme.mjs). `KULLBACK_UPDATE_README=1` rewrites the table.
 * Every value the main entry exports has a doc comment with an @example on its declaration.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { klTable } from "../src/kl/registry.js";

const file = fileURLToPath(new URL("../README.md", import.meta.url));
const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(file, "utf8");

/** The README's family-pair table, from the registry: one row per p family, q families sorted. */
function klTableMarkdown(): string {
  const by = new Map<string, Set<string>>();
  for (const r of klTable()) {
    const p = r.p.name;
    if (!by.has(p)) by.set(p, new Set());
    by.get(p)!.add(r.q.name);
  }
  const rows = [...by.keys()].sort().map((p) => `| ${p} | ${[...by.get(p)!].sort().join(", ")} |`);
  return ["| p | q with a closed-form KL(p ‖ q) |", "|---|---|", ...rows].join("\n");
}

/** The ```ts blocks of a markdown text. */
function tsBlocks(text: string): string[] {
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("README.md", () => {
  it("is at most 12 KB", () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });

  it("its family-pair table is the one the registry holds", () => {
    const m = /<!-- kl-table:start -->\n([\s\S]*?)\n<!-- kl-table:end -->/.exec(readme);
    expect(m).not.toBeNull();
    const want = klTableMarkdown();
    if (process.env.KULLBACK_UPDATE_README === "1" && m![1] !== want)
      writeFileSync(file, readme.replace(m![1], want));
    else expect(m![1]).toBe(want);
    expect(want.split("\n").length).toBeGreaterThan(20);
  });

  const blocks = tsBlocks(readme).filter((b) => !b.includes('from "kullback/tfjs"'));
  it("has its examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs (${code.split("\n")[0].slice(0, 60)})`, async () => {
      const logs: unknown[] = [];
      const out = await build({
        stdin: { contents: code, resolveDir: root, loader: "ts" },
        bundle: true,
        format: "esm",
        platform: "node",
        write: false,
        logLevel: "error",
        alias: { kullback: `${root}src/index.ts` },
      });
      const js = out.outputFiles[0].text.replace(/\bconsole\.log\(/g, "__log(");
      (globalThis as { __log?: (...a: unknown[]) => void }).__log = (...a) => logs.push(a);
      await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);
      if (code.includes("console.log(")) expect(logs.length).toBeGreaterThan(0);
    });
  });
});

/** The doc comment on the declaration of `name` in `file`, following re-exports; null if none. */
function docOf(file: string, name: string, seen = new Set<string>()): string | null | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const src = readFileSync(file, "utf8");
  const decl = new RegExp(
    `(?:(\\/\\*\\*(?:(?!\\*\\/)[\\s\\S])*\\*\\/)\\s*)?export\\s+(?:abstract\\s+)?(?:async\\s+)?(?:function\\*?|const|let|class)\\s+${name}\\b`,
  ).exec(src);
  if (decl) return decl[1] ?? null;
  for (const m of src.matchAll(/export\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    const names = m[1].split(",").map((x) => x.trim().split(" as ")[0]);
    if (names.includes(name)) return docOf(join(dirname(file), m[2].replace(/\.js$/, ".ts")), name, seen);
  }
  return undefined;
}

describe("doc comments of the public entry", () => {
  const index = `${root}src/index.ts`;
  const values: [string, string][] = [];
  for (const m of readFileSync(index, "utf8").matchAll(/export\s*\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g))
    for (const n of m[1].split(",").map((x) => x.trim()))
      if (n && !n.startsWith("type "))
        values.push([n.split(" as ")[0], join(root, "src", m[2].replace(/\.js$/, ".ts"))]);

  it("every exported value has a doc comment with an @example on its declaration", () => {
    expect(values.length).toBeGreaterThan(80);
    const bad = values
      .map(([n, f]) => [n, docOf(f, n)] as const)
      .filter(([, d]) => !d || !d.includes("@example"))
      .map(
        ([n, d]) =>
          `${n}: ${d === undefined ? "declaration not found" : d === null ? "no doc comment" : "no @example"}`,
      );
    expect(bad).toEqual([]);
  });
});
