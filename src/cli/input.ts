/**
 * Input files of the CLI. Every input is recognised by its content (the extension is not
 * needed, so `-` for stdin works for every format):
 *
 * - NumPy `.npy` (magic bytes): samples, 1-D (one column) or 2-D [rows, columns];
 * - JSON: a distribution `{"family": …}`; a list of distributions (stacked along a new first
 *   batch axis); samples as a nested array `[[…], …]` (rows) or `[…]` (one column), as records
 *   `[{"a": 1, "b": 2}, …]`, as columns `{"a": […], "b": […]}` or as
 *   `{"columns": […], "data": [[…], …]}` (pandas' orient "split");
 * - JSONL: one JSON value per line: rows (arrays), records (objects) or distributions;
 * - anything else is CSV with a header row (an all-numeric first line is taken as data).
 *
 * Problems with a file (missing, malformed, ragged, non-numeric, NaN) raise {@link InputError}
 * (exit code 2) with one line naming the file, and the line/row/column where it applies.
 */
import { readFileSync } from "node:fs";
import { type Distribution, KullbackError, NDArray, fromJSON } from "../index.js";
import { isNpy, readNpy } from "../io/index.js";
import { parseCsv } from "../io/index.js";

/** Bad command-line usage (exit code 2). */
export class UsageError extends Error {}
/** An input file that cannot be read or parsed (exit code 2). */
export class InputError extends Error {}

export interface Samples {
  kind: "samples";
  name: string;
  columns: string[];
  /** True when the column names come from the file (CSV header, records, column objects). */
  named: boolean;
  /** Shape [rows, columns]. */
  values: NDArray;
}

export interface DistributionInput {
  kind: "distribution";
  name: string;
  dist: Distribution;
}

let stdinUsed = false;

/** The bytes of a file, or of stdin for `-` (only once per run). */
export function readBytes(path: string): Uint8Array {
  if (path === "-") {
    if (stdinUsed) throw new UsageError("only one input can be read from stdin (-)");
    stdinUsed = true;
    try {
      return readFileSync(0);
    } catch (e) {
      throw new InputError(`stdin: ${(e as Error).message}`);
    }
  }
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") throw new InputError(`${path}: no such file`);
    if (code === "EISDIR") throw new InputError(`${path}: is a directory, expected a file`);
    if (code === "EACCES") throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: ${(e as Error).message}`);
  }
}

export function readText(path: string): string {
  return new TextDecoder("utf-8").decode(readBytes(path));
}

export function displayName(path: string): string {
  return path === "-" ? "stdin" : path;
}

/** Runs `f`, turning library errors about the file's content into an {@link InputError}. */
function asInput<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) throw e;
    if (e instanceof KullbackError) throw new InputError(e.message);
    throw e;
  }
}

function parseJsonText(text: string, name: string): { value: unknown; jsonl: boolean } {
  try {
    return { value: JSON.parse(text), jsonl: false };
  } catch (whole) {
    const lines = text.split(/\r?\n/);
    const nonEmpty = lines.filter((l) => l.trim() !== "");
    if (nonEmpty.length <= 1) throw new InputError(`${name}: not valid JSON: ${(whole as Error).message}`);
    const values: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].trim();
      if (!l) continue;
      try {
        values.push(JSON.parse(l));
      } catch (e) {
        throw new InputError(`${name}: line ${i + 1} is not valid JSON (JSONL): ${(e as Error).message}`);
      }
    }
    return { value: values, jsonl: true };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function cellValue(v: unknown, name: string, where: string): number {
  if (typeof v === "number") return v;
  if (v === null)
    throw new InputError(`${name}: ${where}: null (missing value); drop or impute missing values first`);
  throw new InputError(`${name}: ${where}: ${JSON.stringify(v)} is not a number`);
}

function checkFinite(values: NDArray, columns: string[], name: string, rowWord: string): void {
  const d = columns.length;
  for (let i = 0; i < values.data.length; i++) {
    const v = values.data[i];
    if (!Number.isFinite(v)) {
      const r = Math.floor(i / d);
      throw new InputError(
        `${name}: ${rowWord} ${r + 1}, column "${columns[i % d]}": ${Number.isNaN(v) ? "NaN (missing value); drop or impute missing values first" : `${v} is not finite`}`,
      );
    }
  }
}

function rowsToSamples(rows: unknown[], name: string, rowWord: string): Samples {
  if (rows.length === 0) throw new InputError(`${name}: no rows`);
  if (rows.every((r) => typeof r === "number")) {
    const v = new NDArray(Float64Array.from(rows as number[]), [rows.length, 1]);
    checkFinite(v, ["col1"], name, rowWord);
    return { kind: "samples", name, columns: ["col1"], named: false, values: v };
  }
  if (rows.every(Array.isArray)) {
    const d = (rows[0] as unknown[]).length;
    if (d === 0) throw new InputError(`${name}: ${rowWord} 1 is empty`);
    const data = new Float64Array(rows.length * d);
    const columns = Array.from({ length: d }, (_, j) => `col${j + 1}`);
    rows.forEach((r, i) => {
      const row = r as unknown[];
      if (row.length !== d) {
        throw new InputError(
          `${name}: ${rowWord} ${i + 1} has ${row.length} values, expected ${d} like ${rowWord} 1`,
        );
      }
      row.forEach((v, j) => {
        data[i * d + j] = cellValue(v, name, `${rowWord} ${i + 1}, column ${j + 1}`);
      });
    });
    const values = new NDArray(data, [rows.length, d]);
    checkFinite(values, columns, name, rowWord);
    return { kind: "samples", name, columns, named: false, values };
  }
  if (rows.every(isPlainObject)) {
    const columns = Object.keys(rows[0] as Record<string, unknown>);
    const d = columns.length;
    if (d === 0) throw new InputError(`${name}: ${rowWord} 1 is an empty object`);
    const data = new Float64Array(rows.length * d);
    rows.forEach((r, i) => {
      const rec = r as Record<string, unknown>;
      const keys = Object.keys(rec);
      const missing = columns.filter((c) => !(c in rec));
      const extra = keys.filter((k) => !columns.includes(k));
      if (missing.length || extra.length) {
        throw new InputError(
          `${name}: ${rowWord} ${i + 1} has different fields than ${rowWord} 1` +
            (missing.length ? ` (missing ${missing.map((c) => `"${c}"`).join(", ")})` : "") +
            (extra.length ? ` (extra ${extra.map((c) => `"${c}"`).join(", ")})` : ""),
        );
      }
      columns.forEach((c, j) => {
        data[i * d + j] = cellValue(rec[c], name, `${rowWord} ${i + 1}, column "${c}"`);
      });
    });
    const values = new NDArray(data, [rows.length, d]);
    checkFinite(values, columns, name, rowWord);
    return { kind: "samples", name, columns, named: true, values };
  }
  throw new InputError(
    `${name}: mixed ${rowWord}s: expected all arrays (rows), all objects (records) or all numbers`,
  );
}

function columnsToSamples(obj: Record<string, unknown>, name: string): Samples {
  const columns = Object.keys(obj);
  const n = (obj[columns[0]] as unknown[]).length;
  const d = columns.length;
  const data = new Float64Array(n * d);
  columns.forEach((c, j) => {
    const col = obj[c] as unknown[];
    if (col.length !== n) {
      throw new InputError(
        `${name}: column "${c}" has ${col.length} values, expected ${n} like column "${columns[0]}"`,
      );
    }
    col.forEach((v, i) => {
      data[i * d + j] = cellValue(v, name, `row ${i + 1}, column "${c}"`);
    });
  });
  const values = new NDArray(data, [n, d]);
  checkFinite(values, columns, name, "row");
  return { kind: "samples", name, columns, named: true, values };
}

const STRUCTURAL = new Set(["family", "reinterpretedBatchNdims"]);

/** Stacks the JSON of several distributions of one family along a new first batch axis. */
function stackJson(values: unknown[], path: string, name: string): unknown {
  const first = values[0];
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    values.forEach((v, i) => {
      if (!isPlainObject(v))
        throw new InputError(
          `${name}: distribution ${i + 1}: ${path || "value"} is not an object like in distribution 1`,
        );
      const ks = Object.keys(v);
      if (ks.length !== keys.length || ks.some((k) => !keys.includes(k))) {
        throw new InputError(
          `${name}: distribution ${i + 1} has parameters {${ks.join(", ")}}, distribution 1 has {${keys.join(", ")}}; they must match to stack`,
        );
      }
    });
    for (const k of keys) {
      const sub = values.map((v) => (v as Record<string, unknown>)[k]);
      const p = path ? `${path}.${k}` : k;
      if (STRUCTURAL.has(k)) {
        const bad = sub.findIndex((s) => JSON.stringify(s) !== JSON.stringify(sub[0]));
        if (bad >= 0) {
          throw new InputError(
            `${name}: distribution ${bad + 1} has ${p} = ${JSON.stringify(sub[bad])}, distribution 1 has ${JSON.stringify(sub[0])}`,
          );
        }
        out[k] = sub[0];
      } else out[k] = stackJson(sub, p, name);
    }
    return out;
  }
  return values;
}

function distributionFrom(value: unknown, name: string): Distribution {
  // Errors of the distribution itself (wrong family, invalid or non-PD parameters) stay
  // KullbackErrors: exit code 1, with the file named.
  try {
    return fromJSON(value);
  } catch (e) {
    if (e instanceof KullbackError) {
      throw new KullbackError(e.code, `${name}: ${e.message}`, {
        argument: e.argument,
        index: e.index,
        value: e.value,
      });
    }
    throw e;
  }
}

function stackDistributions(list: Record<string, unknown>[], name: string): Distribution {
  const fam = list[0].family;
  const bad = list.findIndex((d) => d.family !== fam);
  if (bad >= 0) {
    throw new InputError(
      `${name}: distribution ${bad + 1} is ${JSON.stringify(list[bad].family)}, distribution 1 is ${JSON.stringify(fam)}; a batch needs one family`,
    );
  }
  const dist = distributionFrom(stackJson(list, "", name), name);
  if (dist.batchShape[0] !== list.length) {
    throw new InputError(
      `${name}: stacking ${list.length} distributions gave batch shape [${dist.batchShape.join(", ")}]; give each distribution unbatched parameters`,
    );
  }
  return dist;
}

/** Reads any input: samples or a distribution, recognised by content. */
export function readInput(path: string): Samples | DistributionInput {
  const name = displayName(path);
  const bytes = readBytes(path);
  if (isNpy(bytes)) {
    const a = asInput(() => readNpy(bytes, name));
    let values: NDArray;
    if (a.ndim === 1) values = new NDArray(a.data, [a.shape[0], 1]);
    else if (a.ndim === 2) values = a;
    else
      throw new InputError(
        `${name}: expected a 1-D or 2-D array of samples, got shape (${a.shape.join(", ")})`,
      );
    const columns = Array.from({ length: values.shape[1] }, (_, j) => `col${j + 1}`);
    checkFinite(values, columns, name, "row");
    return { kind: "samples", name, columns, named: false, values };
  }
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === "npy")
    throw new InputError(`${name}: not a readable .npy file: missing the \\x93NUMPY magic string`);
  const text = new TextDecoder("utf-8").decode(bytes);
  const head = text.replace(/^\uFEFF/, "").trimStart();
  if (head === "") throw new InputError(`${name}: the file is empty`);
  const jsonByName = ext === "json" || ext === "jsonl" || ext === "ndjson";
  const csvByName = ext === "csv" || ext === "tsv" || ext === "txt";
  if (jsonByName || (!csvByName && (head[0] === "{" || head[0] === "["))) {
    const { value, jsonl } = parseJsonText(text, name);
    const rowWord = jsonl ? "line" : "row";
    if (isPlainObject(value)) {
      if ("family" in value) return { kind: "distribution", name, dist: distributionFrom(value, name) };
      if (Array.isArray(value.columns) && Array.isArray(value.data)) {
        const s = rowsToSamples(value.data as unknown[], name, "row");
        const cols = (value.columns as unknown[]).map(String);
        if (cols.length !== s.columns.length) {
          throw new InputError(
            `${name}: ${cols.length} column names for ${s.columns.length} columns of data`,
          );
        }
        return { ...s, columns: cols, named: true };
      }
      const entries = Object.values(value);
      if (entries.length > 0 && entries.every(Array.isArray)) return columnsToSamples(value, name);
      throw new InputError(
        `${name}: a JSON object must be a distribution {"family": …}, columns {"a": […], …} or {"columns": […], "data": […]}`,
      );
    }
    if (Array.isArray(value)) {
      if (value.length > 0 && value.every((v) => isPlainObject(v) && "family" in v)) {
        const list = value as Record<string, unknown>[];
        if (list.length === 1) return { kind: "distribution", name, dist: distributionFrom(list[0], name) };
        return { kind: "distribution", name, dist: stackDistributions(list, name) };
      }
      if (value.some((v) => isPlainObject(v) && "family" in v)) {
        throw new InputError(`${name}: mixes distributions and other values`);
      }
      return rowsToSamples(value, name, rowWord);
    }
    throw new InputError(`${name}: expected a JSON object or array, got ${typeof value}`);
  }
  const t = asInput(() => parseCsv(text, { name, header: "auto" }));
  if (t.values.shape[0] === 0) throw new InputError(`${name}: no data rows after the header`);
  return { kind: "samples", name, columns: t.columns, named: t.hadHeader, values: t.values };
}

export function readSamples(path: string, context: string): Samples {
  const r = readInput(path);
  if (r.kind !== "samples") {
    throw new UsageError(`${r.name} is a distribution (family ${r.dist.family}); ${context}`);
  }
  return r;
}

export function readDistribution(path: string, context: string): Distribution {
  const r = readInput(path);
  if (r.kind !== "distribution") {
    throw new UsageError(
      `${r.name} holds samples (${r.values.shape[0]} rows × ${r.values.shape[1]} columns); ${context}`,
    );
  }
  return r.dist;
}

/** Inline JSON of a distribution (kl --p/--q). */
export function inlineDistribution(text: string, side: string): Distribution {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${side} is not valid JSON: ${(e as Error).message}`);
  }
  return distributionFrom(v, `--${side}`);
}

/**
 * Keeps the columns named in `spec` (comma-separated names or 1-based indices), in that order.
 */
export function selectColumns(s: Samples, spec: string | undefined): Samples {
  if (!spec) return s;
  const wanted = spec
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  const idx = wanted.map((w) => {
    let j = s.columns.indexOf(w);
    if (j < 0 && /^\d+$/.test(w)) j = Number(w) - 1;
    if (j < 0 || j >= s.columns.length) {
      throw new UsageError(`--columns: ${s.name} has no column "${w}" (columns: ${s.columns.join(", ")})`);
    }
    return j;
  });
  return takeColumns(s, idx);
}

function takeColumns(s: Samples, idx: number[]): Samples {
  const [n, d] = s.values.shape;
  const out = new Float64Array(n * idx.length);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < idx.length; t++) out[i * idx.length + t] = s.values.data[i * d + idx[t]];
  return { ...s, columns: idx.map((j) => s.columns[j]), values: new NDArray(out, [n, idx.length]) };
}

/**
 * Puts y's columns in x's order when both have named columns (same set of names required,
 * unless `byPosition`); otherwise the column counts must agree.
 */
export function alignColumns(
  x: Samples,
  y: Samples,
  byPosition: boolean,
  hint = "use --columns, or --by-position to ignore names",
): Samples {
  const dx = x.columns.length;
  const dy = y.columns.length;
  if (!byPosition && x.named && y.named) {
    const missing = x.columns.filter((c) => !y.columns.includes(c));
    const extra = y.columns.filter((c) => !x.columns.includes(c));
    if (missing.length || extra.length) {
      const parts: string[] = [];
      if (missing.length) parts.push(`only in ${x.name}: ${missing.map((c) => `"${c}"`).join(", ")}`);
      if (extra.length) parts.push(`only in ${y.name}: ${extra.map((c) => `"${c}"`).join(", ")}`);
      throw new InputError(`the column names differ (${parts.join("; ")}); ${hint}`);
    }
    return takeColumns(
      y,
      x.columns.map((c) => y.columns.indexOf(c)),
    );
  }
  if (dx !== dy) throw new InputError(`${x.name} has ${dx} columns but ${y.name} has ${dy}`);
  return y;
}
