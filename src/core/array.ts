/**
 * The array core: one flat Float64Array plus a row-major shape (the scijs `ndarray` idea without
 * strides, since every array kullback makes is contiguous). Inputs are always copied, so
 * nothing a caller passes in is ever mutated or aliased.
 */
import { SMALL_MAX, smallCopy, smallF64 } from "./small.js";
import { invalidShape, invalidParameter } from "./errors.js";

/** A nested array of numbers of any depth. */
export type Nested = number | Nested[];

/** Anything that can be read as an array: a number, nested arrays, a typed array, or `{data, shape}`. */
export type ArrayInput =
  | number
  | readonly ArrayInput[]
  | ArrayLike<number>
  | NDArray
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/**
 * A dense, contiguous, row-major float64 array: `data` (a Float64Array) and `shape`. What batched
 * results are; `toNested()` gives nested arrays, `get(i, j, …)` one entry.
 *
 * @example
 * const v = kl(new Normal([0, 1], 1), new Normal(0, 1)) as NDArray;
 * v.shape; // [2]
 * v.toNested(); // [0, 0.5]
 */
export class NDArray {
  readonly data: Float64Array;
  readonly shape: readonly number[];

  constructor(data: Float64Array, shape: readonly number[]) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw invalidShape("data", `length ${data.length} does not match shape [${shape.join(", ")}]`, shape);
    }
    this.data = data;
    // a plain copy, not frozen: V8 slices and spreads frozen arrays on a slow path (≈ 200 ns
    // against 25 ns), which was a tenth of a small KL call
    const own = new Array<number>(shape.length);
    for (let i = 0; i < shape.length; i++) own[i] = shape[i];
    this.shape = own;
  }

  get size(): number {
    return this.data.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Element at a multi-index (negative indices are not supported). */
  get(...index: number[]): number {
    let off = 0;
    for (let i = 0; i < this.shape.length; i++) off = off * this.shape[i] + (index[i] ?? 0);
    return this.data[off];
  }

  /** Nested plain arrays (a number for a 0-d array). */
  toNested(): Nested {
    return toNested(this.data, this.shape);
  }

  toJSON(): Nested {
    return this.toNested();
  }

  static zeros(shape: readonly number[]): NDArray {
    return new NDArray(new Float64Array(sizeOf(shape)), shape);
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function toNested(data: ArrayLike<number>, shape: readonly number[], offset = 0): Nested {
  if (shape.length === 0) return data[offset];
  const [n, ...rest] = shape;
  const inner = sizeOf(rest);
  const out: Nested[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = toNested(data, rest, offset + i * inner);
  return out;
}

function isShaped(x: unknown): x is { data: ArrayLike<number>; shape: readonly number[] } {
  return typeof x === "object" && x !== null && "data" in x && "shape" in x;
}

function isTyped(x: unknown): x is ArrayLike<number> {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

/**
 * A fresh Float64Array with the values of `data`: a memcpy for a Float64Array and a native
 * conversion for other typed arrays (`Float64Array.from` walks the iterator, about 20× slower
 * on large inputs); plain arrays go through `Float64Array.from`.
 */
function copyToFloat64(data: ArrayLike<number>, small = false): Float64Array {
  if (small && data.length <= SMALL_MAX) return smallCopy(data);
  if (data instanceof Float64Array) return data.slice();
  if (ArrayBuffer.isView(data)) return new Float64Array(data as unknown as ArrayLike<number>);
  return Float64Array.from(data);
}

/**
 * Reads any {@link ArrayInput} into a fresh NDArray (always a copy). `name` is used in error
 * messages. Ragged nested arrays raise `InvalidShape`; non-numbers raise `InvalidParameter`.
 */
export function asArray(x: ArrayInput, name: string): NDArray {
  return readArray(x, name, false);
}

/**
 * {@link asArray} for the library's internal storage (what a distribution keeps of its inputs):
 * arrays of up to `SMALL_MAX` values come from a shared slab (src/core/small.ts), which is much
 * cheaper than a fresh typed array. Never return the result to a caller.
 */
export function asArrayInternal(x: ArrayInput, name: string): NDArray {
  return readArray(x, name, true);
}

function readArray(x: ArrayInput, name: string, small: boolean): NDArray {
  if (typeof x === "number") return new NDArray(Float64Array.of(x), []);
  if (x instanceof NDArray) return new NDArray(copyToFloat64(x.data, small), x.shape);
  if (isShaped(x)) {
    const shape = [...x.shape];
    for (const s of shape) {
      if (!Number.isInteger(s) || s < 0)
        throw invalidShape(name, `shape [${shape.join(", ")}] is not valid`, shape);
    }
    if (x.data.length !== sizeOf(shape)) {
      throw invalidShape(
        name,
        `data has ${x.data.length} values but shape [${shape.join(", ")}] needs ${sizeOf(shape)}`,
      );
    }
    return new NDArray(copyToFloat64(x.data as ArrayLike<number>, small), shape);
  }
  if (isTyped(x)) return new NDArray(copyToFloat64(x, small), [x.length]);
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let probe: unknown = x;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0];
    }
    const data = small ? smallF64(sizeOf(shape)) : new Float64Array(sizeOf(shape));
    // vectors and matrices (nearly every call): plain loops, no closure
    if (shape.length === 1 && fillVector(x, data, 0)) return new NDArray(data, shape);
    if (shape.length === 2) {
      let ok = true;
      for (let i = 0; ok && i < shape[0]; i++) {
        const row: unknown = x[i];
        ok = Array.isArray(row) && row.length === shape[1] && fillVector(row, data, i * shape[1]);
      }
      if (ok) return new NDArray(data, shape);
      locateBad(x, shape, name);
    }
    let k = 0;
    // fast path: no allocation per element; on a bad element, walk again to name its position
    const fill = (v: readonly unknown[], depth: number): boolean => {
      if (v.length !== shape[depth]) return false;
      if (depth === shape.length - 1) {
        for (let i = 0; i < v.length; i++) {
          const e = v[i];
          if (typeof e !== "number") return false;
          data[k++] = e;
        }
        return true;
      }
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (!Array.isArray(e) || !fill(e, depth + 1)) return false;
      }
      return true;
    };
    if (!fill(x, 0)) locateBad(x, shape, name);
    return new NDArray(data, shape);
  }
  throw invalidParameter(name, "a number, an array, a typed array or {data, shape}", x);
}

/** Copies the numbers of `v` to data[off…]; false at the first element that is not a number. */
function fillVector(v: readonly unknown[], data: Float64Array, off: number): boolean {
  for (let i = 0; i < v.length; i++) {
    const e = v[i];
    if (typeof e !== "number") return false;
    data[off + i] = e;
  }
  return true;
}

function locateBad(x: unknown, shape: readonly number[], name: string): never {
  const walk = (v: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v === "number") return;
      if (Array.isArray(v)) throw invalidShape(name, `ragged nested array at [${path.join(", ")}]`);
      throw invalidParameter(name, "a number", v, path);
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw invalidShape(
        name,
        `ragged nested array at [${path.join(", ")}]: expected length ${shape[depth]}, got ${Array.isArray(v) ? v.length : "a number"}`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
  };
  walk(x, 0, []);
  throw invalidShape(name, "malformed nested array");
}

/** NumPy broadcasting of shapes; `names` label the error message. */
export function broadcastShapes(
  shapes: readonly (readonly number[])[],
  names: readonly string[] = [],
): number[] {
  let nd = 0;
  for (let k = 0; k < shapes.length; k++) nd = Math.max(nd, shapes[k].length);
  const out = new Array<number>(nd);
  for (let i = 0; i < nd; i++) out[i] = 1;
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k];
    for (let i = 0; i < s.length; i++) {
      const j = nd - s.length + i;
      const a = out[j];
      const b = s[i];
      if (a === b || b === 1) continue;
      if (a === 1) {
        out[j] = b;
        continue;
      }
      const desc = shapes.map((sh, t) => `${names[t] ?? `arg${t}`} [${sh.join(", ")}]`).join(", ");
      throw invalidShape(names.join("/") || "arguments", `batch shapes do not broadcast: ${desc}`, shapes);
    }
  }
  return out;
}

/**
 * For each flat index of `outShape`, the flat index into an array of shape `inShape` that
 * broadcasts to it (NumPy rules, trailing alignment). Returns null when the shapes are equal
 * (identity map), so callers can skip the indirection.
 */
export function broadcastMap(inShape: readonly number[], outShape: readonly number[]): Int32Array | null {
  if (inShape.length === outShape.length && inShape.every((s, i) => s === outShape[i])) return null;
  const n = sizeOf(outShape);
  const nd = outShape.length;
  const inStrides = new Array<number>(nd).fill(0);
  let stride = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const j = nd - inShape.length + i;
    inStrides[j] = inShape[i] === 1 ? 0 : stride;
    stride *= inShape[i];
  }
  const map = new Int32Array(n);
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let f = 0; f < n; f++) {
    map[f] = off;
    for (let j = nd - 1; j >= 0; j--) {
      idx[j]++;
      off += inStrides[j];
      if (idx[j] < outShape[j]) break;
      off -= inStrides[j] * idx[j];
      idx[j] = 0;
    }
  }
  return map;
}

/** Multi-index of a flat row-major index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return out;
}

/** Broadcasts `a` (a batch of blocks of `blockShape`) to `batchShape`, copying. */
export function expandBatch(a: NDArray, batchShape: readonly number[], blockNdim: number): NDArray {
  const block = a.shape.slice(a.shape.length - blockNdim);
  const inBatch = a.shape.slice(0, a.shape.length - blockNdim);
  const map = broadcastMap(inBatch, batchShape);
  if (!map) return a;
  const bs = sizeOf(block);
  const out = new Float64Array(map.length * bs);
  for (let i = 0; i < map.length; i++) out.set(a.data.subarray(map[i] * bs, map[i] * bs + bs), i * bs);
  return new NDArray(out, [...batchShape, ...block]);
}

/** Wraps a flat result as `number` for an empty batch shape, else an NDArray. */
export function result(data: Float64Array, shape: readonly number[]): number | NDArray {
  return shape.length === 0 ? data[0] : new NDArray(data, shape);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
