#!/usr/bin/env node
/**
 * The one build: WASM kernels (asm/build.mjs, skipped when unchanged), the worker script
 * (scripts/build-worker.mjs), the CommonJS entries and the CLI with tsup, then the ES modules:
 * every source module transpiled to its own file under dist/ (esbuild, no bundling), with its
 * declaration file (tsc) when declarations are built.
 *
 *   node scripts/build.mjs              full build with type declarations (`npm run build`, `prepare`)
 *   node scripts/build.mjs --if-stale   nothing when dist/ was built from the same sources;
 *                                       otherwise a build without declarations (`pretest`: the
 *                                       tests need the bundles, not the .d.ts files)
 *
 * "The same sources" is a hash of src/, asm/, the build scripts, tsup.config.ts and package.json,
 * kept in dist/.build-stamp.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const ifStale = process.argv.includes("--if-stale");
const stampFile = join(root, "dist", ".build-stamp");

function run(args, env = {}) {
  execFileSync(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, ...env },
  });
}

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

function sourceHash() {
  const h = createHash("sha256");
  const inputs = [
    ...files(join(root, "src")),
    ...files(join(root, "asm")),
    join(root, "scripts", "build.mjs"),
    join(root, "scripts", "build-worker.mjs"),
    join(root, "tsup.config.ts"),
    join(root, "package.json"),
  ];
  for (const f of inputs) h.update(relative(root, f)).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex");
}

run([join(root, "asm", "build.mjs")]);
run([join(root, "scripts", "build-worker.mjs")]);

const hash = sourceHash();
if (ifStale && existsSync(stampFile)) {
  const stamp = JSON.parse(readFileSync(stampFile, "utf8"));
  if (stamp.hash === hash) process.exit(0);
}
const dts = !ifStale;
const tsup = join(root, "node_modules", "tsup", "dist", "cli-default.js");
run([tsup, "--silent"], { KULLBACK_BUILD_DTS: dts ? "1" : "0" });
// the ES modules, one file per source module (the CLI is bundled above)
const modules = files(join(root, "src")).filter((f) => f.endsWith(".ts") && !f.includes("/src/cli/"));
await build({
  entryPoints: modules,
  outdir: join(root, "dist"),
  outbase: join(root, "src"),
  bundle: false,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  logLevel: "error",
});
if (dts)
  run([join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")]);
writeFileSync(stampFile, JSON.stringify({ hash }) + "\n");
console.log(`build: dist/ ${dts ? "with" : "without"} type declarations`);
