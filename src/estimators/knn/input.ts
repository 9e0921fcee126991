import { asArray, type ArrayInput } from "../../core/array.js";
import { KullbackError, invalidParameter, invalidShape } from "../../core/errors.js";

// ---------------------------------------------------------------------------------------------
// Input handling
// ---------------------------------------------------------------------------------------------

/** A validated sample matrix: a fresh row-major copy. */
export interface SampleMatrix {
  data: Float64Array;
  n: number;
  d: number;
}

/**
 * Reads an n × d sample matrix (nested arrays, `{data, shape}`, or an NDArray; always copied).
 * Throws `InvalidShape` unless it is 2-D with d ≥ 1, and `InvalidParameter` naming the argument,
 * the row and the value for a non-finite entry.
 *
 * @example
 * ```ts
 * readSamples([[0, 1], [2, 3]], "x"); // {data: Float64Array [0, 1, 2, 3], n: 2, d: 2}
 * ```
 */
export function readSamples(x: ArrayInput, name: string): SampleMatrix {
  const a = asArray(x, name);
  if (a.ndim !== 2) {
    throw invalidShape(
      name,
      `must be a 2-D array of samples (n × d, one sample per row); got shape [${a.shape.join(", ")}]`,
      a.shape,
    );
  }
  const [n, d] = a.shape;
  if (d < 1) throw invalidShape(name, `must have at least one column; got shape [${n}, ${d}]`, a.shape);
  const data = a.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / d);
      const col = i % d;
      throw new KullbackError(
        "InvalidParameter",
        `${name} row ${row} (column ${col}) must be finite; got ${Number.isNaN(data[i]) ? "NaN" : String(data[i])}`,
        { argument: name, index: [row, col], value: data[i] },
      );
    }
  }
  return { data, n, d };
}

export function checkK(k: unknown, name = "k"): number {
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1)
    throw invalidParameter(name, "a positive integer", k);
  return k;
}

export function checkSizes(xs: SampleMatrix, ys: SampleMatrix | null, k: number): void {
  if (ys && ys.d !== xs.d) {
    throw invalidShape("x/y", `samples must have the same dimension; x has d = ${xs.d}, y has d = ${ys.d}`, [
      xs.d,
      ys.d,
    ]);
  }
  if (xs.n < k + 1) throw invalidParameter("x", `a sample with at least k + 1 = ${k + 1} rows`, xs.n);
  if (ys && ys.n < k) throw invalidParameter("y", `a sample with at least k = ${k} rows`, ys.n);
}

/**
 * Multiplies the samples (in place, on private copies) by a power of two 2^−e so that the largest
 * absolute coordinate is in [0.5, 1); returns e (0 for all-zero data). Exact for normal numbers.
 */
export function normaliseScale(arrays: Float64Array[]): number {
  let mx = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) mx = Math.max(mx, Math.abs(a[i]));
  if (mx === 0) return 0;
  const e = Math.floor(Math.log2(mx)) + 1;
  if (e === 0) return 0;
  // two steps keep each factor a normal power of two even for |e| near 1024
  const h1 = Math.trunc(e / 2);
  const f1 = Math.pow(2, -h1);
  const f2 = Math.pow(2, -(e - h1));
  for (const a of arrays) for (let i = 0; i < a.length; i++) a[i] = a[i] * f1 * f2;
  return e;
}
