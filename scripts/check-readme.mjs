#!/usr/bin/env node
/**
 * Type-checks every ```ts block of README.md and docs/*.md that is marked to compile (all of the
 * README's; docs blocks are excerpts and are not checked) under the project's strict settings,
 * each block as its own module, with `kullback` and `kullback/tfjs` resolved to src/. Part of
 * `npm run typecheck`. Exit 1 with tsc's messages when a block does not compile.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "node_modules", ".cache", "readme-check");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const blocks = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map(
  (m) => m[1],
);
blocks.forEach((code, i) => writeFileSync(join(dir, `example-${i + 1}.ts`), `${code}\nexport {};\n`));
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({
    extends: "../../../tsconfig.json",
    compilerOptions: {
      strict: true,
      noEmit: true,
      baseUrl: ".",
      paths: { kullback: ["../../../src/index.ts"], "kullback/tfjs": ["../../../src/tfjs/index.ts"] },
    },
    include: ["*.ts"],
  }),
);
try {
  execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", dir], {
    stdio: "inherit",
  });
} catch {
  console.error(`README.md: a TypeScript example does not compile (files in ${dir})`);
  process.exit(1);
}
console.log(`README.md: ${blocks.length} TypeScript examples compile under --strict`);
