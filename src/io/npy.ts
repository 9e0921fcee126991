/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0, as specified in `numpy.lib.format`).
 *
 * Writing always produces float64, little-endian, C-order arrays (`'<f8'`, version 1.0 unless
 * the header needs more than 65 535 bytes), with the header padded so that the data starts on a
 * 64-byte boundary, as NumPy itself does. Reading accepts the same, plus the other plain numeric
 * dtypes (`f4`, `i1`…`i8`, `u1`…`u8`, `b1`, either byte order) and Fortran order; the values are
 * converted to float64 in C order. Object arrays, structured dtypes, strings, complex numbers and
 * pickles are rejected with an `InvalidParameter` error naming the file and what was found.
 *
 * Browser-safe: works on `Uint8Array`s, no Node APIs.
 */
import { NDArray, sizeOf } from "../core/array.js";
import { KullbackError } from "../core/errors.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function bad(name: string, what: string): KullbackError {
  return new KullbackError("InvalidParameter", `${name}: not a readable .npy file: ${what}`, {
    argument: name,
  });
}

/** True when the bytes start with the `.npy` magic string `\x93NUMPY`. */
export function isNpy(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

type Reader = (view: DataView, offset: number, little: boolean) => number;

const READERS: Record<string, { size: number; read: Reader }> = {
  f8: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
  f4: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  i8: { size: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  i4: { size: 4, read: (v, o, le) => v.getInt32(o, le) },
  i2: { size: 2, read: (v, o, le) => v.getInt16(o, le) },
  i1: { size: 1, read: (v, o) => v.getInt8(o) },
  u8: { size: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  u4: { size: 4, read: (v, o, le) => v.getUint32(o, le) },
  u2: { size: 2, read: (v, o, le) => v.getUint16(o, le) },
  u1: { size: 1, read: (v, o) => v.getUint8(o) },
  b1: { size: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
};

/** Parses the Python-literal header dict `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`. */
function parseHeader(text: string, name: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descr) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) throw bad(name, "structured dtypes are not supported");
    throw bad(name, `header has no 'descr': ${JSON.stringify(text.trim())}`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw bad(name, `header has no 'fortran_order': ${JSON.stringify(text.trim())}`);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeMatch) throw bad(name, `header has no 'shape': ${JSON.stringify(text.trim())}`);
  const shape = shapeMatch[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ""));
      if (!Number.isInteger(v) || v < 0) throw bad(name, `shape entry ${JSON.stringify(s)} is not a size`);
      return v;
    });
  return { descr: descr[1], fortran: fortran[1] === "True", shape };
}

/**
 * Reads a `.npy` file into an NDArray of float64 (C order). `name` labels error messages.
 *
 * Errors (`InvalidParameter`, one line, naming the file): missing magic string, unknown version,
 * truncated header or data, unsupported dtype (object, string, complex, structured), or a data
 * section whose length does not match the shape.
 *
 * @example readNpy(writeNpy(new NDArray(Float64Array.of(1, 2, 3, 4), [2, 2]))).shape; // [2, 2]
 */
export function readNpy(bytes: Uint8Array, name = "npy"): NDArray {
  if (!isNpy(bytes)) throw bad(name, "missing the \\x93NUMPY magic string");
  if (bytes.length < 10) throw bad(name, "truncated header");
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad(name, "truncated header");
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw bad(name, `unsupported format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) throw bad(name, "truncated header");
  const headerBytes = bytes.subarray(start, start + headerLen);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(headerBytes);
  const { descr, fortran, shape } = parseHeader(header, name);
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const key = m ? `${m[2]}${m[3]}` : "";
  const reader = READERS[key];
  if (!m || !reader) {
    throw bad(
      name,
      `dtype '${descr}' is not supported (use float64 '<f8'; other plain numeric dtypes are converted)`,
    );
  }
  // '=' is native order; every platform this runs on is little-endian in practice, and NumPy
  // writes '<' or '|' anyway.
  const little = m[1] !== ">";
  const count = sizeOf(shape);
  const dataStart = start + headerLen;
  const need = count * reader.size;
  if (bytes.length - dataStart < need) {
    throw bad(
      name,
      `data is truncated: shape (${shape.join(", ")}) needs ${need} bytes, file has ${bytes.length - dataStart}`,
    );
  }
  const out = new Float64Array(count);
  if (key === "f8" && little && (bytes.byteOffset + dataStart) % 8 === 0 && isLittleEndianHost()) {
    out.set(new Float64Array(bytes.buffer, bytes.byteOffset + dataStart, count));
  } else {
    for (let i = 0; i < count; i++) out[i] = reader.read(view, dataStart + i * reader.size, little);
  }
  if (!fortran || shape.length < 2) return new NDArray(out, shape);
  // Fortran order: element (i0, i1, …) is at offset i0 + n0·(i1 + n1·(…)). Reorder to C order.
  const c = new Float64Array(count);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < count; k++) {
    let f = 0;
    for (let a = nd - 1; a >= 0; a--) f = f * shape[a] + idx[a];
    c[k] = out[f];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return new NDArray(c, shape);
}

let hostLE: boolean | undefined;
function isLittleEndianHost(): boolean {
  hostLE ??= new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  return hostLE;
}

/**
 * The header block (magic, version, length, dict, padding) of a float64 C-order `.npy` file of
 * the given shape; the data (see {@link float64LE}) follows it directly. Lets a writer stream
 * rows of a large array without holding it in memory.
 *
 * @example encodeNpyHeader([2, 3]).length % 64; // 0
 */
export function encodeNpyHeader(shape: readonly number[]): Uint8Array {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new KullbackError("InvalidShape", `npy: shape [${shape.join(", ")}] is not valid`, {
        argument: "shape",
        value: shape,
      });
    }
  }
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${tuple}, }`;
  let version = 1;
  let prefix = 10;
  if (dict.length + 1 + prefix > 65535) {
    version = 2;
    prefix = 12;
  }
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLen = total - prefix;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  const text = dict.padEnd(headerLen - 1, " ") + "\n";
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  return out;
}

/** The bytes of float64 values in little-endian order (a copy). */
export function float64LE(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  if (isLittleEndianHost()) {
    new Float64Array(out.buffer).set(values);
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  }
  return out;
}

/**
 * A complete `.npy` file (float64, little-endian, C order) holding `array`; NaN and ±Infinity are
 * stored as IEEE values. Read back with {@link readNpy} or `numpy.load`.
 *
 * @example writeNpy(new NDArray(Float64Array.of(0, 1), [2])); // Uint8Array of 64 + 16 bytes
 */
export function writeNpy(array: NDArray | { data: ArrayLike<number>; shape: readonly number[] }): Uint8Array {
  const n = sizeOf(array.shape);
  if (array.data.length !== n) {
    throw new KullbackError(
      "InvalidShape",
      `npy: data has ${array.data.length} values but shape [${array.shape.join(", ")}] needs ${n}`,
      { argument: "array", value: array.shape },
    );
  }
  const header = encodeNpyHeader(array.shape);
  const body = float64LE(array.data);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
