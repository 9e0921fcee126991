#!/usr/bin/env node
/**
 * `npm run vectors:full`: every reference-vector file through the built CLI exactly as written,
 * Monte Carlo lines at their own 10^7 draws and tolerances (minutes; the test suite runs those
 * lines with fewer draws and a tolerance widened to match, see test/conformance/vectors.test.ts). Run before
 * resolving numerics work. Exit 1 when any case fails. Build first (`npm run build`).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = join(root, "test", "fixtures", "vectors");
let failed = 0;
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith(".jsonl"))
  .sort()) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, "dist", "cli.js"), "eval", join(dir, f), "--check"], {
    encoding: "utf8",
  });
  const summary = (r.stdout.trim().split("\n").pop() ?? "").trim();
  console.log(`${f}: ${summary} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.status !== 0) {
    failed++;
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
  }
}
process.exit(failed ? 1 : 0);
