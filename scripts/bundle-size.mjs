#!/usr/bin/env node
/**
 * `npm run size`: what an application pays for an import from the built package (dist/), as
 * esbuild --bundle --minify measures it (ESM, browser platform, tree-shaking on). Prints bytes
 * and gzip bytes per case and checks the budgets; exit 1 when one is exceeded. Build first.
 */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cases = [
  {
    name: "import { lgamma }",
    code: 'import { lgamma } from "kullback"; console.log(lgamma(3));',
    budget: 5 * 1024,
  },
  {
    name: "import { kl, Normal }",
    code: 'import { kl, Normal } from "kullback"; console.log(kl(new Normal(0, 1), new Normal(1, 2)));',
    budget: 80 * 1024,
  },
  {
    name: "import * (the whole library)",
    code: 'import * as k from "kullback"; console.log(Object.keys(k).length, k);',
    // no larger than before the per-module build (commit 044378d: 449 741 bytes, 439.2 KB)
    budget: 449_741,
  },
];
let over = 0;
for (const c of cases) {
  const r = await build({
    stdin: { contents: c.code, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "error",
    alias: { kullback: `${root}dist/index.js` },
    external: ["node:*"],
  });
  const bytes = r.outputFiles[0].contents;
  const gz = gzipSync(bytes).length;
  const ok = bytes.length <= c.budget;
  if (!ok) over++;
  console.log(
    `${c.name.padEnd(30)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KB  budget ${(c.budget / 1024).toFixed(0)} KB  ${ok ? "ok" : "OVER"}`,
  );
}
process.exit(over ? 1 : 0);
