#!/usr/bin/env node
// Generates examples/reference.csv and examples/drifted.csv: the same five columns, where only
// "latency_ms" (shifted and wider) and "session_minutes" (scaled up) drift; the other columns
// come from the same distribution in both files. Seeded, so the files are reproducible:
//   node examples/make-data.mjs
import { writeFileSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

/** mulberry32: a small seeded 32-bit generator, uniform in [0, 1). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller. */
function normal(u) {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function table(rows, seed, drift) {
  const u = rng(seed);
  const z = normal(u);
  const out = ["age,income_k,session_minutes,pages_viewed,latency_ms"];
  for (let i = 0; i < rows; i++) {
    const a0 = 41 + 12 * z();
    const age = a0 < 18 ? 36 - a0 : a0; // reflected at 18, so no pile-up of ties
    const income = Math.exp(3.6 + 0.012 * (age - 41) + 0.35 * z());
    const session = Math.exp(2.3 + 0.45 * z()) * (drift ? 1.6 : 1);
    const pages = 1 + Math.exp(1.55 + 0.01 * (age - 41) + 0.4 * z());
    const latency = drift ? 150 + 24 * z() : 120 + 15 * z();
    out.push([age, income, session, pages, latency].map((v) => v.toFixed(2)).join(","));
  }
  return out.join("\n") + "\n";
}

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
writeFileSync(here("./reference.csv"), table(500, 20240601, false));
writeFileSync(here("./drifted.csv"), table(400, 20240917, true));
console.log("wrote examples/reference.csv (500 rows) and examples/drifted.csv (400 rows)");
