#!/usr/bin/env node
/**
 * Accuracy report of the closed-form KL divergences (issue "Every closed form", part 7).
 *
 * Runs every case of scripts/accuracy-cases.jsonl (50-digit mpmath references written by
 * scripts/accuracy-ref.py) through the BUILT library (`dist/index.js`: `npx tsup` first) with
 * `evaluateCase`, and prints per family pair: the number of cases, the worst relative error and
 * its case, and for the near-identical group (KL ≈ 1e-10) the fewest correct digits
 * (−log10 of the relative error). Exits with status 1 when a near-identical case keeps fewer
 * than 8 correct digits or any case misses its own tolerance (rtol 1e-9 for ordinary and
 * extreme-scale cases, 1e-8 for near-identical ones; atol 0).
 *
 * Usage: npx tsup && npm run accuracy      (or: node scripts/accuracy.mjs [cases.jsonl])
 */
import { readFileSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";
import { evaluateCase, checkOutput } from "../dist/index.js";

const MIN_DIGITS = 8;
const file = process.argv[2] ?? fileURLToPath(new URL("./accuracy-cases.jsonl", import.meta.url));
const cases = readFileSync(file, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const num = (v) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v === "NaN" ? NaN : v);

/** Worst elementwise relative error of got against expected (0 for exact special values). */
function relError(got, exp) {
  if (Array.isArray(exp)) {
    if (!Array.isArray(got) || got.length !== exp.length) return Infinity;
    return exp.reduce((w, e, i) => Math.max(w, relError(got[i], e)), 0);
  }
  const e = num(exp);
  const g = num(got);
  if (typeof g !== "number") return Infinity;
  if (!Number.isFinite(e)) return Object.is(g, e) || (Number.isNaN(e) && Number.isNaN(g)) ? 0 : Infinity;
  if (!Number.isFinite(g)) return Infinity;
  return e === 0 ? Math.abs(g) : Math.abs(g - e) / Math.abs(e);
}

const digits = (err) => (err === 0 ? 16 : Math.min(16, -Math.log10(err)));

function label(d) {
  if (d.family === "Independent") return `Independent(${d.base.family})`;
  return d.family;
}

function method(source) {
  if (/\+Infinity/.test(source)) return "support";
  if (/check: tanh-sinh/.test(source)) return "closed + quad check";
  if (/tanh-sinh quadrature of p/.test(source)) return "quadrature";
  if (/check: direct summation|check \(K = 2/.test(source)) return "closed + sum check";
  if (/definition sum/.test(source)) return "exact sum";
  if (/definition/.test(source)) return "definition";
  return "closed form";
}

const rows = new Map();
const failures = [];
for (const c of cases) {
  const parts = String(c.id).split("-");
  const group = parts[parts.length - 2];
  const pair = c.op === "kl" ? `${label(c.p)} ‖ ${label(c.q)}` : `${c.op} (elementwise)`;
  const out = evaluateCase(c);
  const err = out.error ? Infinity : relError(out.value, c.expected);
  const check = checkOutput(c, out);
  const d = digits(err);
  if (!check.pass) failures.push(`${c.id}: ${check.reason}`);
  if (group === "near" && d < MIN_DIGITS)
    failures.push(`${c.id}: only ${d.toFixed(1)} correct digits (near-identical, need ≥ ${MIN_DIGITS})`);
  let r = rows.get(pair);
  if (!r) {
    r = { pair, n: 0, worst: -1, worstId: "", nearN: 0, nearDigits: Infinity, methods: new Set() };
    rows.set(pair, r);
  }
  r.n++;
  r.methods.add(method(String(c.source)));
  if (err > r.worst) {
    r.worst = err;
    r.worstId = c.id;
  }
  if (group === "near") {
    r.nearN++;
    r.nearDigits = Math.min(r.nearDigits, d);
  }
}

const fmtErr = (e) => (e === 0 ? "0" : e.toExponential(1));
const table = [...rows.values()].map((r) => [
  r.pair,
  String(r.n),
  fmtErr(r.worst),
  r.worstId,
  r.nearN ? String(r.nearN) : "",
  r.nearN ? (r.nearDigits >= 16 ? "≥16" : r.nearDigits.toFixed(1)) : "",
  [...r.methods].join(", "),
]);
const head = [
  "family pair",
  "cases",
  "worst rel err",
  "worst case",
  "near",
  "near digits (min)",
  "reference",
];
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (i === 1 || i === 2 || i === 4 || i === 5 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
    .join("  ");
console.log(line(head));
console.log(widths.map((w) => "─".repeat(w)).join("  "));
for (const t of table) console.log(line(t));

const near = cases.filter((c) => String(c.id).split("-").at(-2) === "near").length;
const nearMin = Math.min(...[...rows.values()].filter((r) => r.nearN).map((r) => r.nearDigits));
console.log(
  `\n${cases.length} cases, ${rows.size} family pairs; ${near} near-identical cases (KL ≈ 1e-10), ` +
    `fewest correct digits among them: ${nearMin >= 16 ? "≥16" : nearMin.toFixed(1)} (required ≥ ${MIN_DIGITS}).`,
);
console.log("reference: mpmath at 50 digits (scripts/accuracy-ref.py; each case's `source` says how).");
if (failures.length) {
  console.log(`\n${failures.length} failure(s):`);
  for (const f of failures) console.log(`  ${f}`);
  process.exitCode = 1;
} else {
  console.log("all cases within tolerance.");
}
