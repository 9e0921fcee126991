/**
 * Numeric CSV tables: a header row of column names, then one row of numbers per sample.
 *
 * The reader follows RFC 4180 for the syntax (fields may be quoted with `"`, a doubled `""`
 * inside quotes is a literal quote, quoted fields may contain the delimiter and line breaks;
 * LF or CRLF line ends; a UTF-8 byte-order mark is ignored) and is strict about the content:
 * every row must have as many fields as the header, and every cell must be a decimal number.
 * Each failure is one `InvalidParameter` / `InvalidShape` error that names the file, the line,
 * the data row and the column, e.g.
 *
 *   data.csv: line 7 (data row 6), column "income": "12,5" is not a number
 *
 * Blank lines are skipped. Missing values (empty cells, `NA`, `NaN`, `null`) are errors unless
 * `allowNonFinite` is set (then `nan`/`NaN` read as NaN and `inf`/`Infinity` as ±Infinity; empty
 * cells are always errors): divergences of data with holes are not defined, so impute or drop
 * them first. Browser-safe (strings only).
 */
import { NDArray } from "../core/array.js";
import { KullbackError } from "../core/errors.js";

/** A parsed CSV table: column names and an NDArray of shape [rows, columns]. */
export interface CsvTable {
  columns: string[];
  /** The numbers, shape [rows, columns], row-major. */
  values: NDArray;
  /** Whether the first line was a header (false only with `header: "auto"` on an all-numeric first line). */
  hadHeader: boolean;
}

export interface CsvOptions {
  /** Name of the source used in error messages (default "csv"). */
  name?: string;
  /**
   * `true` (default): the first line is the header. `false`: no header, columns are named
   * col1, col2, …. `"auto"`: a first line made only of numbers is data, otherwise a header.
   */
  header?: boolean | "auto";
  /** Field delimiter; default: a tab if the first line has tabs and no commas, else a comma. */
  delimiter?: string;
  /** Accept NaN and ±Infinity cells (default false: they are errors). */
  allowNonFinite?: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NAN_WORDS = new Set(["nan", "na", "n/a", "null", "none", "-nan"]);
const INF = /^([+-]?)(inf|infinity)$/i;

interface Record {
  fields: string[];
  line: number;
}

/** Splits CSV text into records of raw fields (RFC 4180). */
function records(text: string, delimiter: string, name: string): Record[] {
  const out: Record[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === "" && !quotedField))
      out.push({ fields, line: recordLine });
    fields = [];
    field = "";
    quotedField = false;
  };
  while (i < n) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      inQuotes = true;
      quotedField = true;
      field = "";
      i++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = "";
      quotedField = false;
      i++;
      continue;
    }
    if (ch === "\r" && text[i + 1] === "\n") {
      i++;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      endRecord();
      line++;
      recordLine = line;
      i++;
      continue;
    }
    field += ch;
    i++;
  }
  if (inQuotes) {
    throw new KullbackError(
      "InvalidParameter",
      `${name}: line ${recordLine}: a quoted field is never closed`,
      {
        argument: name,
      },
    );
  }
  if (field !== "" || fields.length > 0 || quotedField) endRecord();
  return out;
}

function isNumberCell(s: string): boolean {
  const t = s.trim();
  return NUMBER.test(t) || INF.test(t) || t.toLowerCase() === "nan";
}

/**
 * Parses numeric CSV text into column names and an NDArray [rows, columns] (see the module
 * comment for the rules and the errors).
 *
 * @example parseCsv("x,y\n1,2\n3,4\n").values.toNested(); // [[1, 2], [3, 4]]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const name = options.name ?? "csv";
  const firstLine = text.slice(0, Math.max(0, text.indexOf("\n")) || text.length);
  const delimiter = options.delimiter ?? (firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",");
  const recs = records(text, delimiter, name);
  if (recs.length === 0) {
    throw new KullbackError(
      "InvalidShape",
      `${name}: the file is empty (expected a header row and data rows)`,
      {
        argument: name,
      },
    );
  }
  const mode = options.header ?? true;
  const hadHeader = mode === "auto" ? !recs[0].fields.every(isNumberCell) : mode;
  let columns: string[];
  let body: Record[];
  if (hadHeader) {
    columns = recs[0].fields.map((f) => f.trim());
    body = recs.slice(1);
    const seen = new Map<string, number>();
    columns.forEach((c, j) => {
      if (c === "") {
        throw new KullbackError(
          "InvalidParameter",
          `${name}: line ${recs[0].line}: header column ${j + 1} has no name`,
          { argument: name, index: [0, j] },
        );
      }
      const prev = seen.get(c);
      if (prev !== undefined) {
        throw new KullbackError(
          "InvalidParameter",
          `${name}: line ${recs[0].line}: header names column "${c}" twice (columns ${prev + 1} and ${j + 1})`,
          { argument: name, index: [0, j] },
        );
      }
      seen.set(c, j);
    });
  } else {
    columns = recs[0].fields.map((_, j) => `col${j + 1}`);
    body = recs;
  }
  const d = columns.length;
  const data = new Float64Array(body.length * d);
  const allowNonFinite = options.allowNonFinite ?? false;
  for (let r = 0; r < body.length; r++) {
    const { fields, line } = body[r];
    const where = `${name}: line ${line} (data row ${r + 1})`;
    if (fields.length !== d) {
      throw new KullbackError(
        "InvalidShape",
        `${where} has ${fields.length} field${fields.length === 1 ? "" : "s"}, expected ${d}` +
          (hadHeader ? ` like the header` : ` like the first row`),
        { argument: name, index: [r], value: fields.length },
      );
    }
    for (let j = 0; j < d; j++) {
      const raw = fields[j];
      const t = raw.trim();
      const col = `column "${columns[j]}"`;
      let v: number;
      if (NUMBER.test(t)) v = Number(t);
      else {
        const inf = INF.exec(t);
        if (inf) v = inf[1] === "-" ? -Infinity : Infinity;
        else if (NAN_WORDS.has(t.toLowerCase())) v = NaN;
        else if (t === "") {
          throw new KullbackError(
            "InvalidParameter",
            `${where}, ${col}: empty cell (missing value); drop or impute missing values first`,
            { argument: name, index: [r, j], value: raw },
          );
        } else {
          throw new KullbackError(
            "InvalidParameter",
            `${where}, ${col}: ${JSON.stringify(raw)} is not a number`,
            {
              argument: name,
              index: [r, j],
              value: raw,
            },
          );
        }
        if (!allowNonFinite && (Number.isNaN(v) || t.toLowerCase() === "-nan")) {
          throw new KullbackError(
            "InvalidParameter",
            `${where}, ${col}: ${JSON.stringify(raw)} (missing value / NaN); drop or impute missing values first`,
            { argument: name, index: [r, j], value: raw },
          );
        }
        if (!allowNonFinite && !Number.isFinite(v)) {
          throw new KullbackError(
            "InvalidParameter",
            `${where}, ${col}: ${JSON.stringify(raw)} is not finite`,
            {
              argument: name,
              index: [r, j],
              value: raw,
            },
          );
        }
      }
      data[r * d + j] = v;
    }
  }
  return { columns, values: new NDArray(data, [body.length, d]), hadHeader };
}

function quoteName(s: string, delimiter: string): string {
  return s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r") || s !== s.trim()
    ? `"${s.replace(/"/g, '""')}"`
    : s;
}

/** One number as a CSV cell: shortest round-trip decimal (`-0` kept); `inf`, `-inf`, `nan` for specials (as NumPy writes them). */
export function formatCsvNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return Object.is(v, -0) ? "-0" : String(v);
}

/**
 * CSV text of rows of numbers `[rows, columns]` (an NDArray of rank 2, or rank 1 as one column)
 * under a header row of `columns`. Numbers are written in the shortest form that reads back to
 * the same double; NaN and ±Infinity as `nan`, `inf`, `-inf` (read back with
 * `allowNonFinite: true`, by NumPy's `loadtxt` and by pandas). Lines end with `\n`.
 *
 * @example formatCsv(["x", "y"], new NDArray(Float64Array.of(1, 2, 3, 4), [2, 2])); // "x,y\n1,2\n3,4\n"
 */
export function formatCsv(
  columns: readonly string[],
  values: NDArray | { data: ArrayLike<number>; shape: readonly number[] },
  options: { delimiter?: string } = {},
): string {
  const delimiter = options.delimiter ?? ",";
  const shape = values.shape.length === 1 ? [values.shape[0], 1] : values.shape;
  if (shape.length !== 2) {
    throw new KullbackError(
      "InvalidShape",
      `csv: values must be 1-D or 2-D; got shape [${values.shape.join(", ")}]`,
      {
        argument: "values",
        value: values.shape,
      },
    );
  }
  const [rows, d] = shape;
  if (columns.length !== d) {
    throw new KullbackError("InvalidShape", `csv: ${columns.length} column names for ${d} columns`, {
      argument: "columns",
      value: columns.length,
    });
  }
  const parts: string[] = [columns.map((c) => quoteName(c, delimiter)).join(delimiter) + "\n"];
  const data = values.data;
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(d);
    for (let j = 0; j < d; j++) cells[j] = formatCsvNumber(data[r * d + j]);
    parts.push(cells.join(delimiter) + "\n");
  }
  return parts.join("");
}
