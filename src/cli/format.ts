/** Output helpers of the CLI: numbers for humans, aligned tables, JSON with special numbers. */
import { NDArray } from "../index.js";

/** A number for a human: 6 significant digits, exponent form for tiny or huge magnitudes. */
export function human(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(5);
  return String(Number(v.toPrecision(6)));
}

/** An aligned text table; numeric-looking columns are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const numeric = headers.map(
    (_, j) => rows.length > 0 && rows.every((r) => /^[-+0-9.eE∞Infinity[\], *]*$|^-$/.test(r[j] ?? "")),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(w[j]) : c.padEnd(w[j])))
      .join("  ")
      .trimEnd();
  return [line(headers), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n") + "\n";
}

/** JSON replacer: NDArrays as nested arrays, NaN and ±Infinity as the strings of FORMAT.md. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (value instanceof NDArray) return value.toNested();
  if (value instanceof Float64Array) return Array.from(value);
  return value;
}

/** JSON text with special numbers as strings ("Infinity", "-Infinity", "NaN"). */
export function toJsonText(v: unknown, pretty = false): string {
  return JSON.stringify(v, replacer, pretty ? 2 : undefined);
}
