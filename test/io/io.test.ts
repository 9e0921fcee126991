/** CSV and NPY readers/writers: formats, round trips, and one-line errors that say where. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asArray, type ArrayInput } from "../../src/core/array.js";
import { SMALL_MAX, smallCopy, smallF64 } from "../../src/core/small.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { KullbackError, NDArray, fromJSON } from "../../src/index.js";
import { readNpy, writeNpy, encodeNpyHeader, isNpy } from "../../src/io/npy.js";
import { formatCsv, parseCsv } from "../../src/io/csv.js";
import { runs } from "../helpers.js";

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

// written by NumPy 2.4 (np.save) — see the comments for the arrays
const NUMPY = {
  // np.array([[1.5, -2.0, 3.25], [np.inf, -0.0, 1e-300]])
  f8: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAAAAAAAAACkAAAAAAAADwfwAAAAAAAACAWfP4wh9upQE=",
  // np.array([1.5, 2.25, -3.0], dtype=np.float32)
  f4: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQQAAAQMA=",
  // np.array([[1, -2], [3, 4]], dtype=np.int64)
  i8: "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////AwAAAAAAAAAEAAAAAAAAAA==",
  // np.asfortranarray(np.arange(6.0).reshape(2, 3))
  fortran:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=",
  // np.array([1.0, 2.0], dtype=">f8")
  be: "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/8AAAAAAAAEAAAAAAAAAA",
  // np.array(["ab", "c"])
  str: "k05VTVBZAQB2AHsnZGVzY3InOiAnPFUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAAYgAAAGMAAAAAAAAA",
  // np.float64(2.5)
  scalar:
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAEQA==",
};

function errorOf(f: () => unknown): KullbackError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KullbackError);
    return e as KullbackError;
  }
  throw new Error("expected an error");
}

describe("parseCsv", () => {
  it("reads a header and numbers, in any decimal notation", () => {
    const t = parseCsv("x,y,z\n1,2.5,-3e2\n.5,+4,1E-3\n");
    expect(t.columns).toEqual(["x", "y", "z"]);
    expect(t.values.shape).toEqual([2, 3]);
    expect(Array.from(t.values.data)).toEqual([1, 2.5, -300, 0.5, 4, 0.001]);
    expect(t.hadHeader).toBe(true);
  });

  it("handles quotes, CRLF, a BOM, blank lines, spaces and tabs", () => {
    const t = parseCsv('\uFEFF"a, first","say ""b"""\r\n 1 , 2 \r\n\r\n"3",4\r\n');
    expect(t.columns).toEqual(["a, first", 'say "b"']);
    expect(Array.from(t.values.data)).toEqual([1, 2, 3, 4]);
    const tab = parseCsv("p\tq\n1\t2\n");
    expect(tab.columns).toEqual(["p", "q"]);
    expect(Array.from(tab.values.data)).toEqual([1, 2]);
  });

  it("header: auto takes an all-numeric first line as data", () => {
    const t = parseCsv("1,2\n3,4\n", { header: "auto" });
    expect(t.hadHeader).toBe(false);
    expect(t.columns).toEqual(["col1", "col2"]);
    expect(t.values.shape).toEqual([2, 2]);
    expect(parseCsv("a,2\n3,4\n", { header: "auto" }).hadHeader).toBe(true);
  });

  it("ragged rows name the line and the field counts", () => {
    const e = errorOf(() => parseCsv("a,b,c\n1,2,3\n4,5\n", { name: "d.csv" }));
    expect(e.code).toBe("InvalidShape");
    expect(e.message).toBe("d.csv: line 3 (data row 2) has 2 fields, expected 3 like the header");
  });

  it("non-numeric cells name the row and the column", () => {
    const e = errorOf(() => parseCsv("age,income\n30,1000\n31,12k\n", { name: "d.csv" }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toBe('d.csv: line 3 (data row 2), column "income": "12k" is not a number');
    expect(e.index).toEqual([1, 1]);
    // things Number() would accept but are not decimal numbers
    for (const bad of ["0x10", "1_000", "1,5"]) {
      expect(() => parseCsv(`a\n"${bad}"\n`)).toThrow(/is not a number/);
    }
  });

  it("NaN, missing values and infinities are errors unless allowed", () => {
    expect(errorOf(() => parseCsv("a,b\n1,NaN\n")).message).toMatch(
      /line 2 \(data row 1\), column "b": "NaN".*missing/,
    );
    expect(errorOf(() => parseCsv("a,b\n1,NA\n")).message).toMatch(/column "b": "NA"/);
    expect(errorOf(() => parseCsv("a,b\n1,\n")).message).toMatch(/column "b": empty cell/);
    expect(errorOf(() => parseCsv("a,b\n1,inf\n")).message).toMatch(/"inf" is not finite/);
    const t = parseCsv("a,b,c\nnan,inf,-Infinity\n", { allowNonFinite: true });
    expect(Number.isNaN(t.values.data[0])).toBe(true);
    expect(t.values.data[1]).toBe(Infinity);
    expect(t.values.data[2]).toBe(-Infinity);
  });

  it("rejects empty files, unnamed and duplicate header columns, unclosed quotes", () => {
    expect(() => parseCsv("")).toThrow(/empty/);
    expect(() => parseCsv("a,,c\n1,2,3\n")).toThrow(/header column 2 has no name/);
    expect(() => parseCsv("a,b,a\n1,2,3\n")).toThrow(/names column "a" twice/);
    expect(() => parseCsv('a,b\n"1,2\n')).toThrow(/quoted field is never closed/);
  });
});

describe("formatCsv", () => {
  it("writes a header and shortest round-trip numbers; specials as inf/nan", () => {
    const v = new NDArray(Float64Array.of(0.1, -2, Infinity, NaN, -Infinity, 1e-310), [3, 2]);
    const text = formatCsv(["a", "b,c"], v);
    expect(text).toBe('a,"b,c"\n0.1,-2\ninf,nan\n-inf,1e-310\n');
    const back = parseCsv(text, { allowNonFinite: true });
    expect(back.columns).toEqual(["a", "b,c"]);
    expect(Object.is(back.values.data[3], NaN)).toBe(true);
    expect(Array.from(back.values.data).filter((_, i) => i !== 3)).toEqual([
      0.1,
      -2,
      Infinity,
      -Infinity,
      1e-310,
    ]);
  });

  it("round-trips any finite matrix bit for bit (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 36 }),
        (d, xs) => {
          const n = Math.floor(xs.length / d);
          if (n === 0) return;
          const data = Float64Array.from(xs.slice(0, n * d));
          const cols = Array.from({ length: d }, (_, j) => `c${j}`);
          const back = parseCsv(formatCsv(cols, new NDArray(data, [n, d])));
          expect(back.columns).toEqual(cols);
          expect(back.values.shape).toEqual([n, d]);
          expect(Buffer.from(back.values.data.buffer)).toEqual(Buffer.from(data.buffer));
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("checks the number of column names", () => {
    expect(() => formatCsv(["a"], new NDArray(Float64Array.of(1, 2), [1, 2]))).toThrow(
      /1 column names for 2 columns/,
    );
  });
});

describe("NPY", () => {
  it("writes exactly the bytes NumPy writes for a float64 C-order array", () => {
    const a = new NDArray(Float64Array.of(1.5, -2.0, 3.25, Infinity, -0, 1e-300), [2, 3]);
    expect(Buffer.from(writeNpy(a)).toString("base64")).toBe(NUMPY.f8);
  });

  it("reads NumPy files: float64, float32, int64, Fortran order, big-endian, 0-d", () => {
    const f8 = readNpy(b64(NUMPY.f8));
    expect(f8.shape).toEqual([2, 3]);
    expect(Array.from(f8.data)).toEqual([1.5, -2, 3.25, Infinity, -0, 1e-300]);
    expect(Object.is(f8.data[4], -0)).toBe(true);
    expect(Array.from(readNpy(b64(NUMPY.f4)).data)).toEqual([1.5, 2.25, -3]);
    const i8 = readNpy(b64(NUMPY.i8));
    expect(i8.shape).toEqual([2, 2]);
    expect(Array.from(i8.data)).toEqual([1, -2, 3, 4]);
    const f = readNpy(b64(NUMPY.fortran));
    expect(f.shape).toEqual([2, 3]);
    expect(Array.from(f.data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(readNpy(b64(NUMPY.be)).data)).toEqual([1, 2]);
    const s = readNpy(b64(NUMPY.scalar));
    expect(s.shape).toEqual([]);
    expect(s.data[0]).toBe(2.5);
  });

  it("round-trips shapes 0-d to 3-d and special values (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.array(fc.double(), { minLength: 64, maxLength: 64 }),
        (shape, pool) => {
          const n = shape.reduce((p, s) => p * s, 1);
          const data = Float64Array.from({ length: n }, (_, i) => pool[i % pool.length]);
          const bytes = writeNpy(new NDArray(data, shape));
          expect(isNpy(bytes)).toBe(true);
          expect((bytes.length - n * 8) % 64).toBe(0);
          const back = readNpy(bytes);
          expect(back.shape).toEqual(shape);
          expect(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
            Buffer.from(data.buffer),
          );
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it("reads from an unaligned view and a subarray", () => {
    const bytes = writeNpy(new NDArray(Float64Array.of(1, 2, 3), [3]));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(readNpy(shifted.subarray(3)).data)).toEqual([1, 2, 3]);
  });

  it("header sizes: aligned to 64 bytes, version 1.0", () => {
    const h = encodeNpyHeader([123456, 7]);
    expect(h.length % 64).toBe(0);
    expect(h[6]).toBe(1);
    expect(new TextDecoder().decode(h.subarray(10))).toMatch(
      /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(123456, 7\), \} *\n$/,
    );
  });

  it("clear errors for bad files", () => {
    expect(errorOf(() => readNpy(new Uint8Array([1, 2, 3]), "x.npy")).message).toBe(
      "x.npy: not a readable .npy file: missing the \\x93NUMPY magic string",
    );
    expect(() => readNpy(b64(NUMPY.str), "s.npy")).toThrow(/s\.npy: .*dtype '<U2' is not supported/);
    const full = writeNpy(new NDArray(Float64Array.of(1, 2, 3), [3]));
    expect(() => readNpy(full.subarray(0, full.length - 4), "t.npy")).toThrow(/t\.npy: .*data is truncated/);
    expect(() => readNpy(full.subarray(0, 20), "h.npy")).toThrow(/truncated header/);
    const v9 = Uint8Array.from(full);
    v9[6] = 9;
    expect(() => readNpy(v9)).toThrow(/unsupported format version 9\.0/);
  });
});

describe("fromJSON parameter names", () => {
  it("reports another library's or a misspelt parameter name instead of ignoring it", () => {
    const bad = {
      family: "MultivariateNormal",
      loc: [0, 0],
      covariance_matrix: [
        [1, 0],
        [0, 1],
      ],
    };
    const err = (() => {
      try {
        fromJSON(bad);
      } catch (e) {
        return e as KullbackError;
      }
      throw new Error("fromJSON accepted an unknown parameter");
    })();
    expect(err).toBeInstanceOf(KullbackError);
    expect(err.code).toBe("InvalidParameter");
    expect(err.message).toContain('"covariance_matrix"');
    expect(err.message).toContain("covariance, scaleTril, precision");
    // even when the right parameter is also present: a typo alongside it is not silently dropped
    expect(() => fromJSON({ family: "Normal", loc: 0, scale: 1, sacle: 2 })).toThrow(
      /unknown parameter "sacle"/,
    );
    expect(bad).toEqual({
      family: "MultivariateNormal",
      loc: [0, 0],
      covariance_matrix: [
        [1, 0],
        [0, 1],
      ],
    });
  });

  it("accepts every parametrisation a family documents", () => {
    expect(() => fromJSON({ family: "Categorical", logits: [0, 1] })).not.toThrow();
    expect(() => fromJSON({ family: "Binomial", totalCount: 3, probs: 0.2 })).not.toThrow();
    expect(() => fromJSON({ family: "MultivariateNormalDiag", loc: [0], logVariance: [0] })).not.toThrow();
    expect(() =>
      fromJSON({
        family: "Independent",
        base: { family: "Normal", loc: [0, 1], scale: [1, 1] },
        reinterpretedBatchNdims: 1,
      }),
    ).not.toThrow();
  });
});

describe("small internal arrays (src/core/small.ts)", () => {
  it("are zero-filled, never overlap, and fall back to ordinary arrays outside (8, SMALL_MAX]", () => {
    const views = Array.from({ length: 200 }, (_, i) => smallF64(9 + (i % 60)));
    for (const v of views) expect(v.every((x) => x === 0)).toBe(true);
    views.forEach((v, i) => v.fill(i + 1));
    views.forEach((v, i) => expect(v.every((x) => x === i + 1)).toBe(true));
    expect(smallF64(8).buffer.byteLength).toBe(64);
    expect(smallF64(SMALL_MAX + 1).buffer.byteLength).toBe((SMALL_MAX + 1) * 8);
    expect(smallF64(100).buffer.byteLength).toBeGreaterThan(800); // a view on a shared slab
    const c = smallCopy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(c)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("never reach callers: public asArray and distribution getters return arrays of their own", () => {
    const m = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 2 : 0.1)));
    const a = asArray(m, "m");
    expect(a.data.buffer.byteLength).toBe(36 * 8);
    const mvn = MultivariateNormal.fromCovariance([1, 2, 3, 4, 5, 6], m);
    for (const x of [mvn.covariance(), mvn.mean(), mvn.variance()]) {
      expect(x.data.byteOffset).toBe(0);
      expect(x.data.buffer.byteLength).toBe(x.data.length * 8);
    }
    expect(mvn.covariance().data[7]).toBe(2);
  });
});

describe("asArray copies every input form", () => {
  it("typed arrays of any element type, {data, shape} and NDArray: values kept, never aliased", () => {
    const f64 = Float64Array.of(1.5, -2, 3);
    const forms: [ArrayInput, number[]][] = [
      [f64, [1.5, -2, 3]],
      [Float32Array.of(1.5, -2, 3), [1.5, -2, 3]],
      [Int8Array.of(1, -2, 3), [1, -2, 3]],
      [Uint16Array.of(1, 2, 65535), [1, 2, 65535]],
      [{ data: f64, shape: [3, 1] }, [1.5, -2, 3]],
      [{ data: [1.5, -2, 3], shape: [3] }, [1.5, -2, 3]],
      [new NDArray(f64, [3]), [1.5, -2, 3]],
    ];
    for (const [x, want] of forms) {
      const a = asArray(x, "x");
      expect(Array.from(a.data)).toEqual(want);
      expect(a.data).not.toBe(f64);
      expect(a.data.buffer).not.toBe(f64.buffer);
    }
    expect(asArray({ data: f64, shape: [3, 1] }, "x").shape).toEqual([3, 1]);
    expect(() => asArray({ data: f64, shape: [2] }, "x")).toThrow(/needs 2/);
  });

  it("nested arrays: vectors, matrices and deeper; bad elements and ragged rows are located", () => {
    expect(Array.from(asArray([1, 2, 3], "x").data)).toEqual([1, 2, 3]);
    const m = asArray(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      "m",
    );
    expect(m.shape).toEqual([3, 2]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const t = asArray(
      [
        [[1], [2]],
        [[3], [4]],
      ],
      "t",
    );
    expect(t.shape).toEqual([2, 2, 1]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    // the shape is the instance's own copy: mutating the caller's array changes nothing
    const shape = [2, 2];
    const a = new NDArray(Float64Array.of(1, 2, 3, 4), shape);
    shape[0] = 4;
    expect(a.shape).toEqual([2, 2]);
    expect(() => asArray([1, "2" as unknown as number, 3], "v")).toThrow(
      /v at batch index \[1\] must be a number/,
    );
    expect(() => asArray([[1, 2], [3]], "m")).toThrow(
      /m: ragged nested array at \[1\]: expected length 2, got 1/,
    );
    expect(() =>
      asArray(
        [
          [1, 2],
          [3, null as unknown as number],
        ],
        "m",
      ),
    ).toThrow(/m at batch index \[1, 1\]/);
    expect(() => asArray([[1, 2], 3 as unknown as number[]], "m")).toThrow(/ragged nested array at \[1\]/);
  });
});
