import { readFileSync } from "node:fs";
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { KullbackError } from "../../src/core/errors.js";
import { eigh, eighInPlace, psdSqrtm, traceSqrtProduct } from "../../src/linalg/eigh.js";
import { runs } from "../helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers (dense row-major n×n matrices as Float64Array)
// ---------------------------------------------------------------------------------------------

/** Deterministic uniform [0, 1) generator (32-bit LCG, high bits). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomSymmetric(n: number, rand: () => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = 2 * rand() - 1;
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

function matmul(n: number, a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

function transpose(n: number, a: ArrayLike<number>): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/** V diag(w) Vᵀ. */
function reconstruct(n: number, w: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += v[i * n + j] * w[j] * v[k * n + j];
      out[i * n + k] = s;
    }
  }
  return out;
}

/** Frobenius norm, scaled so that tiny and huge entries neither underflow nor overflow. */
function frob(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / m) ** 2;
  return m * Math.sqrt(s);
}

function diffFrob(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return frob(Array.from(x, (xi, i) => xi - y[i]));
}

/** max |VᵀV - I|. */
function orthoError(n: number, v: ArrayLike<number>): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i * n + j] * v[i * n + k];
      worst = Math.max(worst, Math.abs(s - (j === k ? 1 : 0)));
    }
  }
  return worst;
}

function isAscending(w: ArrayLike<number>): boolean {
  for (let i = 1; i < w.length; i++) if (!(w[i - 1] <= w[i])) return false;
  return true;
}

function trace(n: number, a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i * n + i];
  return s;
}

/** A random orthogonal matrix as a product of `count` Householder reflectors (independent of eigh). */
function randomOrthogonal(n: number, rand: () => number, count = 3): Float64Array {
  let q: Float64Array = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < count; r++) {
    const u = Array.from({ length: n }, () => 2 * rand() - 1);
    const uu = u.reduce((s, x) => s + x * x, 0);
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
    q = matmul(n, q, h);
  }
  return q;
}

/** Q diag(d) Qᵀ, exactly symmetrised. */
function withSpectrum(n: number, q: ArrayLike<number>, d: readonly number[]): Float64Array {
  const a = reconstruct(n, d, q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

/** X Xᵀ for a random n×k X: PSD of rank min(n, k). */
function randomPsd(n: number, k: number, rand: () => number): Float64Array {
  const x = Array.from({ length: n * k }, () => 2 * rand() - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += x[i * k + t] * x[j * k + t];
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

function diag(d: readonly number[]): Float64Array {
  const n = d.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = d[i];
  return a;
}

/** Full checks of a decomposition: ascending, orthonormal, reconstructs A to 1e-12 relative. */
function expectValidDecomposition(n: number, a: ArrayLike<number>, rtol = 1e-12): Float64Array {
  const { values, vectors } = eigh(n, a);
  expect(values.length).toBe(n);
  expect(vectors.length).toBe(n * n);
  expect(isAscending(values)).toBe(true);
  expect(orthoError(n, vectors)).toBeLessThan(1e-12 * Math.max(1, Math.sqrt(n)));
  const norm = frob(a);
  expect(diffFrob(reconstruct(n, values, vectors), a)).toBeLessThanOrEqual(rtol * norm);
  return values;
}

function catchError(f: () => unknown): KullbackError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KullbackError);
    return e as KullbackError;
  }
  throw new Error("expected a KullbackError");
}

/** Reference for traceSqrtProduct through the matrix square root: tr sqrt(S B S), S = A^{1/2}. */
function naiveTraceSqrt(n: number, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const s = new Float64Array(n * n);
  psdSqrtm(n, a, 0, s, 0);
  const m = matmul(n, matmul(n, s, b), s);
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (m[i * n + j] + m[j * n + i]);
  return eigh(n, sym).values.reduce((acc, mu) => acc + Math.sqrt(Math.max(mu, 0)), 0);
}

/** Arbitrary symmetric matrix (lower triangle drawn, mirrored) of order 1..maxN. */
function symmetricArb(maxN: number, bound: number): fc.Arbitrary<{ n: number; a: Float64Array }> {
  return fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc
      .array(fc.double({ min: -bound, max: bound, noNaN: true }), {
        minLength: (n * (n + 1)) / 2,
        maxLength: (n * (n + 1)) / 2,
      })
      .map((lower) => {
        const a = new Float64Array(n * n);
        let t = 0;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            a[i * n + j] = lower[t];
            a[j * n + i] = lower[t];
            t++;
          }
        }
        return { n, a };
      }),
  );
}

/** Arbitrary PSD matrix X Xᵀ with X of order n×k (k may be < n: singular). */
function psdArb(maxN: number): fc.Arbitrary<{ n: number; a: Float64Array }> {
  return fc
    .record({ n: fc.integer({ min: 1, max: maxN }), k: fc.integer({ min: 0, max: maxN }) })
    .chain(({ n, k }) =>
      fc
        .array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * k, maxLength: n * k })
        .map((x) => {
          const a = new Float64Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              let s = 0;
              for (let t = 0; t < k; t++) s += x[i * k + t] * x[j * k + t];
              a[i * n + j] = s;
              a[j * n + i] = s;
            }
          }
          return { n, a };
        }),
    );
}

// ---------------------------------------------------------------------------------------------
// eigh / eighInPlace
// ---------------------------------------------------------------------------------------------

describe("eigh: closed forms", () => {
  it("n = 0 gives empty outputs", () => {
    const { values, vectors } = eigh(0, []);
    expect(values.length).toBe(0);
    expect(vectors.length).toBe(0);
  });

  it("n = 1", () => {
    const { values, vectors } = eigh(1, [-3.5]);
    expect(Array.from(values)).toEqual([-3.5]);
    expect(Array.from(vectors)).toEqual([1]);
  });

  it("2×2 matrices match (a+c)/2 ∓ sqrt(((a-c)/2)² + b²) and A v = λ v", () => {
    const cases: [number, number, number][] = [
      [2, 1, 2],
      [1, 0, 5],
      [5, 0, 1],
      [3, 3, 3],
      [1, 1e-9, 1],
      [4, -2, 1],
      [-7, 0.5, 1e-3],
      [1e6, 1, -1e6],
    ];
    for (const [p, b, c] of cases) {
      const a = [p, b, b, c];
      const { values, vectors } = eigh(2, a);
      const mid = (p + c) / 2;
      const rad = Math.hypot((p - c) / 2, b);
      const scale = Math.max(Math.abs(p), Math.abs(b), Math.abs(c));
      expect(Math.abs(values[0] - (mid - rad))).toBeLessThanOrEqual(4e-16 * scale * 4);
      expect(Math.abs(values[1] - (mid + rad))).toBeLessThanOrEqual(4e-16 * scale * 4);
      for (let j = 0; j < 2; j++) {
        const x = vectors[j];
        const y = vectors[2 + j];
        expect(Math.abs(p * x + b * y - values[j] * x)).toBeLessThan(1e-14 * scale);
        expect(Math.abs(b * x + c * y - values[j] * y)).toBeLessThan(1e-14 * scale);
      }
      expect(orthoError(2, vectors)).toBeLessThan(1e-15);
    }
  });

  it("diagonal input: the sorted diagonal, exactly, with signed permutation eigenvectors", () => {
    const d = [3, -1, 2, 0, 5, -1, 2.5];
    const n = d.length;
    const { values, vectors } = eigh(n, diag(d));
    expect(Array.from(values)).toEqual([...d].sort((x, y) => x - y));
    for (const x of vectors) expect([0, 1]).toContain(Math.abs(x));
    expect(orthoError(n, vectors)).toBe(0);
    expect(diffFrob(reconstruct(n, values, vectors), diag(d))).toBe(0);
  });

  it("the all-ones matrix: eigenvalue 0 (n-1 times) and n, top eigenvector ±1/√n", () => {
    for (const n of [2, 3, 5, 10, 64, 150]) {
      const a = new Float64Array(n * n).fill(1);
      const values = expectValidDecomposition(n, a);
      for (let i = 0; i < n - 1; i++) expect(Math.abs(values[i])).toBeLessThan(1e-14 * n);
      expect(Math.abs(values[n - 1] - n)).toBeLessThan(1e-14 * n);
      const { vectors } = eigh(n, a);
      for (let i = 0; i < n; i++)
        expect(Math.abs(Math.abs(vectors[i * n + n - 1]) - 1 / Math.sqrt(n))).toBeLessThan(1e-14);
    }
  });

  it("the second-difference matrix tridiag(-1, 2, -1): 2 - 2cos(kπ/(n+1))", () => {
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
    }
    const values = expectValidDecomposition(n, a);
    for (let k = 1; k <= n; k++) {
      expect(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-14);
    }
  });

  it("Wilkinson's W21+: the two nearly equal top eigenvalues (mpmath, 40 digits)", () => {
    const n = 21;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = Math.abs(i - 10);
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = 1;
    }
    const values = expectValidDecomposition(n, a);
    expect(Math.abs(values[n - 1] - 10.746194182903393)).toBeLessThan(1e-13);
    expect(Math.abs(values[n - 2] - 10.746194182903322)).toBeLessThan(1e-13);
    expect(Math.abs(values[n - 3] - 9.210678647361332)).toBeLessThan(1e-13);
    expect(Math.abs(values[n - 4] - 9.210678647304919)).toBeLessThan(1e-13);
  });

  it("repeated eigenvalues: values recovered, an orthonormal basis of each eigenspace", () => {
    const rand = rng(7);
    const d = [1, 1, 1, 2, 2, 5, 5, 5, 5, -3, 0, 0];
    const n = d.length;
    const q = randomOrthogonal(n, rand, 4);
    const a = withSpectrum(n, q, d);
    const values = expectValidDecomposition(n, a);
    const sorted = [...d].sort((x, y) => x - y);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThan(1e-13);
  });

  it("a multiple of the identity: exact eigenvalues", () => {
    const n = 6;
    const { values, vectors } = eigh(n, diag(new Array(n).fill(7)));
    expect(Array.from(values)).toEqual(new Array(n).fill(7));
    expect(orthoError(n, vectors)).toBe(0);
  });

  it("the zero matrix: zero eigenvalues and V = I", () => {
    const n = 5;
    const { values, vectors } = eigh(n, new Float64Array(n * n));
    expect(Array.from(values)).toEqual(new Array(n).fill(0));
    expect(Array.from(vectors)).toEqual(Array.from(diag(new Array(n).fill(1))));
  });

  it("rank-deficient PSD X Xᵀ: n - k eigenvalues at round-off level, k positive", () => {
    const rand = rng(11);
    const n = 40;
    const k = 6;
    const a = randomPsd(n, k, rand);
    const values = expectValidDecomposition(n, a);
    const norm = values[n - 1];
    for (let i = 0; i < n - k; i++) expect(Math.abs(values[i])).toBeLessThan(1e-14 * n * norm);
    for (let i = n - k; i < n; i++) expect(values[i]).toBeGreaterThan(1e-6 * norm);
  });

  it("a random 200×200 symmetric matrix: reconstruction, orthonormality, trace, order", () => {
    const n = 200;
    const a = randomSymmetric(n, rng(2024));
    const values = expectValidDecomposition(n, a);
    const sum = values.reduce((s, x) => s + x, 0);
    expect(Math.abs(sum - trace(n, a))).toBeLessThan(1e-12 * frob(a));
  });

  it("graded and badly scaled matrices keep norm-relative accuracy", () => {
    const n = 30;
    const rand = rng(99);
    const q = randomOrthogonal(n, rand, 5);
    const d = Array.from({ length: n }, (_, i) => 10 ** (-i / 2));
    const a = withSpectrum(n, q, d);
    const values = expectValidDecomposition(n, a);
    const sorted = [...d].sort((x, y) => x - y);
    for (let i = 0; i < n; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThan(1e-14);
  });

  it("huge and tiny magnitudes (1e300, 1e-300, subnormal) neither overflow nor underflow", () => {
    const n = 8;
    const base = randomSymmetric(n, rng(5));
    const ref = eigh(n, base).values;
    for (const scale of [1e300, 1e-300, 2 ** -1040]) {
      const scaled = base.map((x) => x * scale);
      const { values, vectors } = eigh(n, scaled);
      expect(orthoError(n, vectors)).toBeLessThan(1e-13);
      for (let i = 0; i < n; i++) {
        expect(Number.isFinite(values[i])).toBe(true);
        const tol = scale < 1e-300 ? 1e-10 : 1e-13;
        expect(Math.abs(values[i] / scale - ref[i])).toBeLessThan(tol * Math.abs(ref[n - 1]) + tol);
      }
    }
  });
});

describe("eighInPlace: storage contract", () => {
  it("reads only the lower triangle; the upper triangle is neither read nor written", () => {
    const n = 9;
    const sym = randomSymmetric(n, rng(3));
    const ref = eigh(n, sym);
    const a = sym.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = Number.NaN;
    const w = new Float64Array(n);
    const v = new Float64Array(n * n);
    eighInPlace(n, a, 0, w, 0, v, 0);
    expect(w).toEqual(ref.values);
    expect(v).toEqual(ref.vectors);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(a[i * n + j]).toBeNaN();
  });

  it("v = null gives bitwise the same eigenvalues", () => {
    for (const n of [2, 3, 17, 60]) {
      const sym = randomSymmetric(n, rng(n));
      const full = eigh(n, sym).values;
      const w = new Float64Array(n);
      eighInPlace(n, sym.slice(), 0, w, 0, null, 0);
      expect(w).toEqual(full);
    }
  });

  it("honours offsets and leaves everything outside its ranges untouched", () => {
    const n = 7;
    const sym = randomSymmetric(n, rng(13));
    const ref = eigh(n, sym);
    const aOff = 5;
    const wOff = 3;
    const vOff = 11;
    const a = new Float64Array(aOff + n * n + 4).fill(-99);
    a.set(sym, aOff);
    const w = new Float64Array(wOff + n + 2).fill(-99);
    const v = new Float64Array(vOff + n * n + 2).fill(-99);
    eighInPlace(n, a, aOff, w, wOff, v, vOff);
    expect(w.subarray(wOff, wOff + n)).toEqual(ref.values);
    expect(v.subarray(vOff, vOff + n * n)).toEqual(ref.vectors);
    for (const [buf, off, len] of [
      [a, aOff, n * n],
      [w, wOff, n],
      [v, vOff, n * n],
    ] as const) {
      for (let i = 0; i < buf.length; i++) if (i < off || i >= off + len) expect(buf[i]).toBe(-99);
    }
  });

  it("eigh never mutates its input (plain array or typed array)", () => {
    const n = 5;
    const sym = randomSymmetric(n, rng(1));
    const copy = sym.slice();
    eigh(n, sym);
    expect(sym).toEqual(copy);
    const plain = Array.from(sym);
    eigh(n, plain);
    expect(plain).toEqual(Array.from(copy));
  });

  it("already-tridiagonal and block-diagonal input", () => {
    const n = 12;
    const a = new Float64Array(n * n);
    const rand = rng(77);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = rand();
      if (i > 0 && i % 4 !== 0) a[i * n + i - 1] = a[(i - 1) * n + i] = rand();
    }
    expectValidDecomposition(n, a);
  });
});

describe("eigh: errors", () => {
  it("a NaN entry throws InvalidParameter naming 'matrix' and the value", () => {
    const a = diag([1, 2, 3]);
    a[2 * 3 + 1] = Number.NaN;
    const err = catchError(() => eigh(3, a));
    expect(err.code).toBe("InvalidParameter");
    expect(err.argument).toBe("matrix");
    expect(err.value).toBeNaN();
    expect(err.message).toMatch(/matrix/);
    expect(err.message).toMatch(/NaN/);
    expect(err.message).toMatch(/\[2, 1\]/);
  });

  it("±Infinity entries throw InvalidParameter", () => {
    for (const bad of [Infinity, -Infinity]) {
      const a = diag([1, 2]);
      a[0] = bad;
      const err = catchError(() => eigh(2, a));
      expect(err.code).toBe("InvalidParameter");
      expect(err.argument).toBe("matrix");
      expect(err.value).toBe(bad);
    }
    const w = new Float64Array(1);
    const err = catchError(() => eighInPlace(1, Float64Array.of(NaN), 0, w, 0, null, 0));
    expect(err.argument).toBe("matrix");
  });

  it("shape and argument errors", () => {
    expect(catchError(() => eigh(2, [1, 2, 3])).code).toBe("InvalidShape");
    expect(catchError(() => eigh(-1, [])).code).toBe("InvalidParameter");
    expect(catchError(() => eigh(1.5, [1, 2])).code).toBe("InvalidParameter");
    const a = new Float64Array(4);
    expect(catchError(() => eighInPlace(2, a, 1, new Float64Array(2), 0, null, 0)).code).toBe("InvalidShape");
    expect(catchError(() => eighInPlace(2, a, 0, new Float64Array(1), 0, null, 0)).code).toBe("InvalidShape");
    expect(catchError(() => eighInPlace(2, a, 0, new Float64Array(2), 0, new Float64Array(3), 0)).code).toBe(
      "InvalidShape",
    );
    const shared = new Float64Array(10);
    const e = catchError(() => eighInPlace(2, shared, 0, new Float64Array(2), 0, shared.subarray(2), 0));
    expect(e.code).toBe("InvalidShape");
    expect(e.argument).toBe("v");
  });
});

describe("eigh: properties (fast-check)", () => {
  it("random symmetric matrices: ascending, orthonormal, reconstruct to 1e-12, trace", () => {
    fc.assert(
      fc.property(symmetricArb(12, 1e3), ({ n, a }) => {
        const { values, vectors } = eigh(n, a);
        expect(isAscending(values)).toBe(true);
        expect(orthoError(n, vectors)).toBeLessThan(1e-13 * Math.max(1, n));
        // Subnormal inputs cannot be reproduced better than a few units of Number.MIN_VALUE.
        const floor = 16 * Number.MIN_VALUE;
        const norm = frob(a);
        expect(diffFrob(reconstruct(n, values, vectors), a)).toBeLessThanOrEqual(1e-12 * norm + floor);
        const sum = values.reduce((s, x) => s + x, 0);
        expect(Math.abs(sum - trace(n, a))).toBeLessThanOrEqual(1e-12 * norm * n + floor);
        const w = new Float64Array(n);
        eighInPlace(n, a.slice(), 0, w, 0, null, 0);
        expect(w).toEqual(values);
      }),
      { numRuns: runs(300) },
    );
  });

  it("prescribed spectra with many repeats: eigenvalues recovered to 1e-13 relative", () => {
    const arb = fc.integer({ min: 1, max: 14 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        spectrum: fc.array(fc.constantFrom(-2, -1, 0, 0, 1, 1, 3.5), { minLength: n, maxLength: n }),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ n, spectrum, seed }) => {
        const a = withSpectrum(n, randomOrthogonal(n, rng(seed), 3), spectrum);
        const values = expectValidDecomposition(n, a);
        const sorted = [...spectrum].sort((x, y) => x - y);
        for (let i = 0; i < n; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThan(1e-13 * 3.5 * n);
      }),
      { numRuns: runs(200) },
    );
  });

  it("sparse matrices with exact zeros and ties", () => {
    const arb = fc.integer({ min: 1, max: 10 }).chain((n) =>
      fc
        .array(fc.constantFrom(0, 0, 0, 1, -1, 2), {
          minLength: (n * (n + 1)) / 2,
          maxLength: (n * (n + 1)) / 2,
        })
        .map((lower) => {
          const a = new Float64Array(n * n);
          let t = 0;
          for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = lower[t++];
          return { n, a };
        }),
    );
    fc.assert(
      fc.property(arb, ({ n, a }) => {
        expectValidDecomposition(n, a);
      }),
      { numRuns: runs(300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// psdSqrtm
// ---------------------------------------------------------------------------------------------

function sqrtm(n: number, a: ArrayLike<number>): Float64Array {
  const out = new Float64Array(n * n);
  psdSqrtm(n, a, 0, out, 0);
  return out;
}

describe("psdSqrtm", () => {
  it("diagonal input: elementwise square roots", () => {
    const s = sqrtm(4, diag([4, 9, 0, 2.25]));
    expect(diffFrob(s, diag([2, 3, 0, 1.5]))).toBeLessThan(1e-15);
  });

  it("the singular [[1, 1], [1, 1]] has root [[1, 1], [1, 1]] / √2", () => {
    const s = sqrtm(2, [1, 1, 1, 1]);
    for (const x of s) expect(Math.abs(x - Math.SQRT1_2)).toBeLessThan(1e-15);
  });

  it("full-rank and singular PSD matrices: S symmetric, PSD, S·S = A to 1e-12", () => {
    const rand = rng(21);
    for (const [n, k] of [
      [20, 25],
      [20, 3],
      [50, 50],
      [33, 1],
    ]) {
      const a = randomPsd(n, k, rand);
      const s = sqrtm(n, a);
      expect(s).toEqual(transpose(n, s));
      expect(diffFrob(matmul(n, s, s), a)).toBeLessThan(1e-12 * frob(a));
      const lam = eigh(n, s).values;
      expect(lam[0]).toBeGreaterThan(-1e-12 * lam[n - 1]);
    }
  });

  it("round-off negative eigenvalues are clamped; genuinely negative ones throw NotPositiveDefinite", () => {
    // Eigenvalues ≈ 2 and ≈ -5e-13: inside the 2^-26 relative tolerance.
    const s = sqrtm(2, [1, 1, 1, 1 - 1e-12]);
    expect(s.every(Number.isFinite)).toBe(true);
    const err = catchError(() => sqrtm(2, diag([1, -1])));
    expect(err.code).toBe("NotPositiveDefinite");
    expect(err.argument).toBe("matrix");
    expect(err.value).toBe(-1);
    expect(catchError(() => sqrtm(2, diag([1, -1e-6]))).code).toBe("NotPositiveDefinite");
    expect(catchError(() => sqrtm(1, [-2])).code).toBe("NotPositiveDefinite");
  });

  it("zero matrix, n = 0 and n = 1", () => {
    expect(Array.from(sqrtm(3, new Float64Array(9)))).toEqual(new Array(9).fill(0));
    psdSqrtm(0, [], 0, new Float64Array(0), 0);
    expect(Array.from(sqrtm(1, [6.25]))).toEqual([2.5]);
  });

  it("does not modify a; out may alias a; offsets respected", () => {
    const n = 6;
    const a = randomPsd(n, 4, rng(8));
    const copy = a.slice();
    const ref = sqrtm(n, a);
    expect(a).toEqual(copy);
    const inPlace = a.slice();
    psdSqrtm(n, inPlace, 0, inPlace, 0);
    expect(inPlace).toEqual(ref);
    const buf = new Float64Array(3 + n * n + 2).fill(-1);
    buf.set(a, 3);
    const out = new Float64Array(2 + n * n).fill(-1);
    psdSqrtm(n, buf, 3, out, 2);
    expect(out.subarray(2)).toEqual(ref);
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, -1]);
  });

  it("NaN input throws InvalidParameter naming 'matrix'", () => {
    const err = catchError(() => sqrtm(2, [1, 0, NaN, 1]));
    expect(err.code).toBe("InvalidParameter");
    expect(err.argument).toBe("matrix");
  });

  it("property: S·S = A for random PSD X Xᵀ (possibly singular)", () => {
    fc.assert(
      fc.property(psdArb(10), ({ n, a }) => {
        const s = sqrtm(n, a);
        expect(diffFrob(matmul(n, s, s), a)).toBeLessThanOrEqual(1e-12 * frob(a) + 1e-300);
      }),
      { numRuns: runs(300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// traceSqrtProduct
// ---------------------------------------------------------------------------------------------

describe("traceSqrtProduct", () => {
  it("diagonal (commuting) A and B: Σ √(aᵢ bᵢ), including zero entries", () => {
    const a = [4, 0, 2, 9, 1e-4, 0];
    const b = [9, 5, 8, 0, 1e-4, 0];
    const expected = a.reduce((s, x, i) => s + Math.sqrt(x * b[i]), 0);
    expect(traceSqrtProduct(a.length, diag(a), diag(b))).toBeCloseTo(expected, 14);
    expect(traceSqrtProduct(2, [4, 0, 0, 1], [9, 0, 0, 16])).toBeCloseTo(10, 14);
  });

  it("commuting non-diagonal A = Q diag(a) Qᵀ, B = Q diag(b) Qᵀ", () => {
    const rand = rng(31);
    const n = 15;
    const q = randomOrthogonal(n, rand, 4);
    const da = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 5 * rand()));
    const db = Array.from({ length: n }, (_, i) => (i % 5 === 1 ? 0 : 5 * rand()));
    const expected = da.reduce((s, x, i) => s + Math.sqrt(x * db[i]), 0);
    const t = traceSqrtProduct(n, withSpectrum(n, q, da), withSpectrum(n, q, db));
    expect(Math.abs(t - expected)).toBeLessThan(1e-12 * expected);
  });

  it("2×2 closed form √(tr(AB) + 2√(det A det B))", () => {
    const rand = rng(41);
    for (let r = 0; r < 50; r++) {
      const ka = r % 3 === 0 ? 1 : 3;
      const kb = r % 4 === 0 ? 1 : 2;
      const a = randomPsd(2, ka, rand);
      const b = randomPsd(2, kb, rand);
      const trAB = a[0] * b[0] + 2 * a[1] * b[1] + a[3] * b[3];
      // Rank-one factors have determinant exactly 0 (the rounded formula would give ~1e-18).
      const detA = ka === 1 ? 0 : a[0] * a[3] - a[1] * a[1];
      const detB = kb === 1 ? 0 : b[0] * b[3] - b[1] * b[1];
      const det = detA * detB;
      const expected = Math.sqrt(trAB + 2 * Math.sqrt(det));
      expect(Math.abs(traceSqrtProduct(2, a, b) - expected)).toBeLessThan(1e-12 * Math.max(1, expected));
    }
  });

  it("singular inputs: rank-one A = u uᵀ gives √(uᵀ B u); orthogonal supports give 0", () => {
    const rand = rng(51);
    const n = 9;
    const u = Array.from({ length: n }, () => 2 * rand() - 1);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = u[i] * u[j];
    const b = randomPsd(n, n + 2, rand);
    let ubu = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ubu += u[i] * b[i * n + j] * u[j];
    expect(Math.abs(traceSqrtProduct(n, a, b) - Math.sqrt(ubu))).toBeLessThan(1e-12 * Math.sqrt(ubu));
    expect(Math.abs(traceSqrtProduct(n, b, a) - Math.sqrt(ubu))).toBeLessThan(1e-12 * Math.sqrt(ubu));
    expect(traceSqrtProduct(2, diag([1, 0]), diag([0, 1]))).toBe(0);
    expect(traceSqrtProduct(3, diag([4, 0, 0]), [9, 1, 2, 1, 3, 0, 2, 0, 5])).toBeCloseTo(6, 14);
    expect(traceSqrtProduct(3, new Float64Array(9), diag([1, 2, 3]))).toBe(0);
    expect(traceSqrtProduct(3, diag([1, 2, 3]), new Float64Array(9))).toBe(0);
  });

  it("B = A gives tr A; n = 0 gives 0", () => {
    const n = 12;
    const a = randomPsd(n, 7, rng(61));
    expect(Math.abs(traceSqrtProduct(n, a, a) - trace(n, a))).toBeLessThan(1e-12 * trace(n, a));
    expect(traceSqrtProduct(0, [], [])).toBe(0);
  });

  it("extreme magnitudes: homogeneous of degree ½ in each argument", () => {
    const n = 6;
    const rand = rng(71);
    const a = randomPsd(n, 6, rand);
    const b = randomPsd(n, 4, rand);
    const t = traceSqrtProduct(n, a, b);
    for (const [alpha, beta] of [
      [1e200, 1e-250],
      [1e-300, 1e-300],
      [1e300, 1e300],
    ]) {
      const ts = traceSqrtProduct(
        n,
        a.map((x) => x * alpha),
        b.map((x) => x * beta),
      );
      const expected = t * Math.sqrt(alpha) * Math.sqrt(beta);
      expect(Math.abs(ts - expected)).toBeLessThan(1e-12 * expected);
    }
    // Powers of two, down into the subnormal range: compared with the (rounded) scaled inputs
    // scaled back exactly, since subnormal inputs carry fewer significant bits.
    for (const [ka, kb] of [
      [-1060, 2],
      [700, -900],
      [-1, 0],
    ]) {
      const as = a.map((x) => x * 2 ** ka);
      const bs = b.map((x) => x * 2 ** kb);
      const ref = traceSqrtProduct(
        n,
        as.map((x) => x * 2 ** -(ka / 2) * 2 ** -(ka / 2)),
        bs.map((x) => x * 2 ** -kb),
      );
      const ts = traceSqrtProduct(n, as, bs);
      const expected = ref * 2 ** (ka / 2) * 2 ** (kb / 2);
      expect(Math.abs(ts - expected)).toBeLessThan(1e-14 * expected);
    }
  });

  it("agrees with the reference vectors' Fréchet distances (scipy sqrtm)", () => {
    const lines = readFileSync(
      new URL("../fixtures/vectors/gaussian-distances.jsonl", import.meta.url),
      "utf8",
    )
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l));
    type Mvn = { loc: number[]; covariance?: number[][]; scaleTril?: number[][]; precision?: number[][] };
    const covariance = (p: Mvn): Float64Array => {
      const d = p.loc.length;
      if (p.covariance) return Float64Array.from(p.covariance.flat());
      if (p.scaleTril) {
        const l = p.scaleTril.flat();
        return matmul(d, l, transpose(d, l));
      }
      const { values, vectors } = eigh(d, p.precision!.flat());
      return reconstruct(
        d,
        values.map((x) => 1 / x),
        vectors,
      );
    };
    let checked = 0;
    for (const c of lines) {
      if (c.op !== "frechet" || c.p.family !== "MultivariateNormal" || c.q.family !== "MultivariateNormal")
        continue;
      if (typeof c.expected !== "number" || !Array.isArray(c.p.loc) || typeof c.p.loc[0] !== "number")
        continue;
      const d = c.p.loc.length;
      const s1 = covariance(c.p);
      const s2 = covariance(c.q);
      let dm = 0;
      for (let i = 0; i < d; i++) dm += (c.p.loc[i] - c.q.loc[i]) ** 2;
      const got = dm + trace(d, s1) + trace(d, s2) - 2 * traceSqrtProduct(d, s1, s2);
      expect(Math.abs(got - c.expected), c.id).toBeLessThanOrEqual(c.atol + c.rtol * Math.abs(c.expected));
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("never mutates its inputs", () => {
    const n = 5;
    const a = randomPsd(n, 3, rng(81));
    const b = Array.from(randomPsd(n, 5, rng(82)));
    const ac = a.slice();
    const bc = b.slice();
    traceSqrtProduct(n, a, b);
    expect(a).toEqual(ac);
    expect(b).toEqual(bc);
  });

  it("errors: non-finite entries, wrong lengths, indefinite A or B", () => {
    const e1 = catchError(() => traceSqrtProduct(2, [1, 0, NaN, 1], [1, 0, 0, 1]));
    expect([e1.code, e1.argument]).toEqual(["InvalidParameter", "a"]);
    expect(e1.value).toBeNaN();
    const e2 = catchError(() => traceSqrtProduct(2, [1, 0, 0, 1], [1, 0, 0, Infinity]));
    expect([e2.code, e2.argument, e2.value]).toEqual(["InvalidParameter", "b", Infinity]);
    expect(catchError(() => traceSqrtProduct(2, [1, 0, 0], [1, 0, 0, 1])).code).toBe("InvalidShape");
    expect(catchError(() => traceSqrtProduct(2, [1, 0, 0, 1], [1])).argument).toBe("b");
    const e3 = catchError(() => traceSqrtProduct(2, diag([1, -1]), diag([1, 1])));
    expect([e3.code, e3.argument]).toEqual(["NotPositiveDefinite", "a"]);
    const e4 = catchError(() => traceSqrtProduct(2, diag([1, 1]), diag([1, -1])));
    expect([e4.code, e4.argument]).toEqual(["NotPositiveDefinite", "b"]);
  });

  it("properties: symmetric in (A, B), matches tr √(S B S) via psdSqrtm, 0 ≤ t ≤ √(tr A tr B)", () => {
    const pair = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        ka: fc.integer({ min: 0, max: n + 1 }),
        kb: fc.integer({ min: 0, max: n + 1 }),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      }),
    );
    fc.assert(
      fc.property(pair, ({ n, ka, kb, seed }) => {
        const rand = rng(seed);
        const a = randomPsd(n, ka, rand);
        const b = randomPsd(n, kb, rand);
        const t = traceSqrtProduct(n, a, b);
        const bound = Math.sqrt(trace(n, a) * trace(n, b));
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(bound * (1 + 1e-12));
        expect(t).toBeLessThanOrEqual((trace(n, a) + trace(n, b)) / 2 + 1e-12 * bound);
        // Singular products are ill-conditioned for the square root (error ~ √(ε‖A‖‖B‖)).
        const tol = 1e-6 * bound + 1e-12;
        expect(Math.abs(traceSqrtProduct(n, b, a) - t)).toBeLessThanOrEqual(tol);
        expect(Math.abs(naiveTraceSqrt(n, a, b) - t)).toBeLessThanOrEqual(tol);
      }),
      { numRuns: runs(300) },
    );
  });
});
