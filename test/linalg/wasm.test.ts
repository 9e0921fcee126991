/**
 * The WebAssembly SIMD kernels (asm/kernels.ts via src/linalg/wasm.ts) against the TypeScript
 * kernels: every kernel to round-off on random inputs, the same failing pivot order, the fused
 * diagonal KL bit-for-bit against the library's own path. (The reference vectors run with WASM
 * at every size in the wasm project of test/conformance/vectors.test.ts.)
 */
import { spdMatrix, wasmEverywhere } from "../helpers.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Random } from "../../src/core/random.js";
import {
  MultivariateNormal,
  MultivariateNormalDiag,
  fitGaussian,
  frechetFromSamples,
  kl,
} from "../../src/index.js";
import { eigh, traceSqrtProduct } from "../../src/linalg/eigh.js";
import { expm1MinusX } from "../../src/core/numerics.js";
import { jsKernels, kernels, type Kernels } from "../../src/linalg/kernels.js";
import {
  disableWasm,
  enableWasm,
  defaultKernels,
  kernelsFor,
  klDiagBatchWasm,
  WASM_LARGE_ORDER,
  sqDistWasm,
  wasmKernels,
} from "../../src/linalg/wasm.js";
import { initWasm, initWasmSync, wasmExports, wasmStatus } from "../../src/linalg/wasm-module.js";

const SIZES = [1, 2, 7, 33, 130];

afterEach(() => defaultKernels());

function randn(rng: Random, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** A well-conditioned SPD matrix G Gᵀ / n + I (row-major n×n). */
function spd(rng: Random, n: number): Float64Array {
  return spdMatrix(rng, n);
}

/** Lower Cholesky factor of a well-conditioned SPD matrix (by the TS kernel). */
function tril(rng: Random, n: number): Float64Array {
  const a = spd(rng, n);
  expect(jsKernels.potrf(n, a, 0)).toBe(0);
  return a;
}

/** max |x − y| / max(1, max |y|) */
function relDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let scale = 1;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) {
      if (!(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x[i] - y[i]));
  }
  return m / scale;
}

/** Embeds `a` at offset `off` of a larger array filled with a sentinel. */
function embed(a: Float64Array, off: number, tail = 3): Float64Array {
  const out = new Float64Array(off + a.length + tail).fill(-7.5);
  out.set(a, off);
  return out;
}

describe("WASM backend: loading and feature detection", () => {
  it("detects SIMD under Node 20, loads synchronously and asynchronously", async () => {
    const s0 = wasmStatus();
    expect(s0.wasm).toBe(true);
    expect(s0.simd).toBe(true);
    expect(typeof s0.relaxedSimd).toBe("boolean");
    expect(initWasmSync()).toBe(true);
    expect(await initWasm()).toBe(true);
    expect(wasmStatus().loaded).toBe(true);
    expect(wasmExports()).not.toBeNull();
  });

  it("enableWasm installs the WASM kernels and disableWasm restores the TS ones", () => {
    expect(enableWasm()).toBe(true);
    expect(kernels()).toBe(wasmKernels);
    expect(kernels().name).toBe("wasm");
    disableWasm();
    expect(kernels()).toBe(jsKernels);
  });
});

describe("raw GEMM and SYRK against naive loops", () => {
  const rng = new Random(424242);
  for (const n of SIZES) {
    it(`C += alpha·op(A)·op(B), all transposes, m=${n} n=${n + 3} k=${2 * n + 1}; syrk n=${n}`, () => {
      const w = wasmExports()!;
      const m = n;
      const nn = n + 3;
      const k = 2 * n + 1;
      const A = randn(rng, m * k);
      const B = randn(rng, k * nn);
      const C0 = randn(rng, m * nn);
      for (const ta of [0, 1])
        for (const tb of [0, 1]) {
          expect(w.ensure((m * k + k * nn + m * nn) * 8)).toBe(1);
          const p = w.dataPtr() / 8;
          const h = new Float64Array(w.memory.buffer);
          h.set(A, p);
          h.set(B, p + m * k);
          h.set(C0, p + m * k + k * nn);
          const lda = ta ? m : k;
          const ldb = tb ? k : nn;
          w.gemm(ta, tb, m, nn, k, -0.75, p * 8, lda, (p + m * k) * 8, ldb, (p + m * k + k * nn) * 8, nn);
          const got = new Float64Array(w.memory.buffer).slice(
            p + m * k + k * nn,
            p + m * k + k * nn + m * nn,
          );
          const ref = Float64Array.from(C0);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < nn; j++) {
              let s = 0;
              for (let q = 0; q < k; q++)
                s += (ta ? A[q * m + i] : A[i * k + q]) * (tb ? B[j * k + q] : B[q * nn + j]);
              ref[i * nn + j] += -0.75 * s;
            }
          expect(relDiff(got, ref)).toBeLessThan(1e-13);
        }
      // SYRK touches the lower triangle only
      expect(w.ensure((n * k + n * n) * 8)).toBe(1);
      const p = w.dataPtr() / 8;
      const h = new Float64Array(w.memory.buffer);
      const S = randn(rng, n * k);
      const C = randn(rng, n * n);
      h.set(S, p);
      h.set(C, p + n * k);
      w.syrkLower(n, k, 2, p * 8, k, (p + n * k) * 8, n);
      const got = new Float64Array(w.memory.buffer).slice(p + n * k, p + n * k + n * n);
      const ref = Float64Array.from(C);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let q = 0; q < k; q++) s += S[i * k + q] * S[j * k + q];
          ref[i * n + j] += 2 * s;
        }
      expect(relDiff(got, ref)).toBeLessThan(1e-13);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(got[i * n + j]).toBe(C[i * n + j]);
    });
  }
});

describe("WASM kernels equal the TS kernels to round-off", () => {
  const rng = new Random(20240611);
  for (const k of [wasmEverywhere, wasmKernels] as Kernels[]) {
    for (const n of SIZES) {
      it(`${k.name}: potrf n=${n} (with an offset; upper triangle zeroed)`, () => {
        const a = spd(rng, n);
        // garbage above the diagonal must be ignored
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 1e300;
        const x = embed(a, 5);
        const y = embed(a, 5);
        expect(k.potrf(n, x, 5)).toBe(0);
        expect(jsKernels.potrf(n, y, 5)).toBe(0);
        expect(relDiff(x, y)).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(x[5 + i * n + j]).toBe(0);
        expect(x[0]).toBe(-7.5);
        expect(x[x.length - 1]).toBe(-7.5);
      });

      it(`${k.name}: trsmLower / trsmLowerTrans n=${n}`, () => {
        const l = tril(rng, n);
        for (const m of [1, 3, 17]) {
          const b = randn(rng, n * m);
          const lx = embed(l, 2);
          const x1 = embed(b, 3);
          const y1 = embed(b, 3);
          k.trsmLower(n, m, lx, 2, x1, 3);
          jsKernels.trsmLower(n, m, lx, 2, y1, 3);
          expect(relDiff(x1, y1)).toBeLessThan(1e-13);
          const x2 = embed(b, 1);
          const y2 = embed(b, 1);
          k.trsmLowerTrans(n, m, lx, 2, x2, 1);
          jsKernels.trsmLowerTrans(n, m, lx, 2, y2, 1);
          expect(relDiff(x2, y2)).toBeLessThan(1e-13);
          expect(Array.from(lx.subarray(2, 2 + n * n))).toEqual(Array.from(l));
        }
      });

      it(`${k.name}: trsvLower n=${n}`, () => {
        const l = tril(rng, n);
        const b = randn(rng, n);
        const x = embed(b, 4);
        const y = embed(b, 4);
        k.trsvLower(n, embed(l, 1), 1, x, 4);
        jsKernels.trsvLower(n, embed(l, 1), 1, y, 4);
        expect(relDiff(x, y)).toBeLessThan(1e-13);
      });

      it(`${k.name}: trilSolveTril n=${n}`, () => {
        const lq = tril(rng, n);
        const lp = tril(rng, n);
        const x = new Float64Array(n * n).fill(9);
        const y = new Float64Array(n * n).fill(9);
        k.trilSolveTril(n, embed(lq, 6), 6, embed(lp, 2), 2, x);
        jsKernels.trilSolveTril(n, embed(lq, 6), 6, embed(lp, 2), 2, y);
        expect(relDiff(x, y)).toBeLessThan(1e-13);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(x[i * n + j]).toBe(0);
        // Lq⁻¹ Lq = I exactly (division, not reciprocal multiplication)
        k.trilSolveTril(n, lq, 0, lq, 0, x);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(x[i * n + j]).toBe(i === j ? 1 : 0);
      });

      it(`${k.name}: trilSolveTrilOffSq n=${n}: Σ of the squared strictly-lower entries of trilSolveTril's M, bit for bit`, () => {
        const lq = tril(rng, n);
        const lp = tril(rng, n);
        const m = new Float64Array(n * n);
        k.trilSolveTril(n, embed(lq, 3), 3, embed(lp, 4), 4, m);
        let want = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) want += m[i * n + j] * m[i * n + j];
        const scratch = new Float64Array(n * n).fill(7);
        expect(Object.is(k.trilSolveTrilOffSq(n, embed(lq, 3), 3, embed(lp, 4), 4, scratch), want)).toBe(
          true,
        );
        const viaTs = jsKernels.trilSolveTrilOffSq(n, lq, 0, lp, 0, new Float64Array(n * n));
        expect(Math.abs(viaTs - want)).toBeLessThanOrEqual(1e-12 * want);
        expect(k.trilSolveTrilOffSq(n, lq, 0, lq, 0, scratch)).toBe(0); // Lq⁻¹Lq = I
      });

      it(`${k.name}: logDiagSum n=${n}`, () => {
        const l = tril(rng, n);
        expect(k.logDiagSum(n, l, 0)).toBe(jsKernels.logDiagSum(n, l, 0));
      });
    }
  }

  it("potrf reports the same failing pivot order as the TS kernel (non-PD, NaN, Inf)", () => {
    const r = new Random(7);
    let cases = 0;
    for (const n of SIZES) {
      for (let rep = 0; rep < 4; rep++) {
        const a = spd(r, n);
        const k = Math.floor(r.uniform() * n);
        if (rep === 0)
          a[k * n + k] -= 1e6; // leading minor k+1 fails
        else if (rep === 1)
          a[k * n + k] = 0; // zero pivot unless earlier columns add to it
        else if (rep === 2) a[k * n + Math.floor(r.uniform() * (k + 1))] = NaN;
        else a[k * n + k] = Infinity;
        const x = Float64Array.from(a);
        const y = Float64Array.from(a);
        const iw = wasmEverywhere.potrf(n, x, 0);
        const it = jsKernels.potrf(n, y, 0);
        expect(iw).toBe(it);
        if (it > 0) {
          const pw = x[(it - 1) * (n + 1)];
          const pt = y[(it - 1) * (n + 1)];
          if (!Number.isFinite(pt)) expect(pw).toBe(pt);
          else expect(Math.abs(pw - pt)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(pt)));
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(10);
  });

  it("indefinite matrices fail at the same leading minor as the TS kernel", () => {
    const r = new Random(99);
    for (const n of [3, 33, 130, 200]) {
      // A = G Gᵀ/n − s I fails somewhere in the middle for s inside the spectrum
      const a = spd(r, n);
      for (let i = 0; i < n; i++) a[i * n + i] -= 1.8;
      const x = Float64Array.from(a);
      const y = Float64Array.from(a);
      const it = jsKernels.potrf(n, y, 0);
      expect(it).toBeGreaterThan(0);
      expect(wasmEverywhere.potrf(n, x, 0)).toBe(it);
    }
  });

  it("large sizes (blocked paths, several cache blocks) still agree", () => {
    const r = new Random(3);
    const n = 300;
    const a = spd(r, n);
    const x = Float64Array.from(a);
    const y = Float64Array.from(a);
    expect(wasmKernels.potrf(n, x, 0)).toBe(0);
    expect(jsKernels.potrf(n, y, 0)).toBe(0);
    expect(relDiff(x, y)).toBeLessThan(1e-13);
    const m = 270;
    const b = randn(r, n * m);
    const bx = Float64Array.from(b);
    const by = Float64Array.from(b);
    wasmKernels.trsmLowerTrans(n, m, y, 0, bx, 0);
    jsKernels.trsmLowerTrans(n, m, y, 0, by, 0);
    expect(relDiff(bx, by)).toBeLessThan(1e-13);
  });
});

describe("WASM exp / expm1 − x", () => {
  function inputs(): Float64Array {
    const r = new Random(11);
    const xs: number[] = [
      0,
      -0,
      1e-300,
      -1e-300,
      2 ** -60,
      -(2 ** -60),
      2 ** -29,
      1e-2,
      -1e-2,
      0.0099999,
      -0.0099999,
      0.34657,
      -0.34657,
      0.3466,
      -0.3466,
      1.0397,
      -1.0397,
      1.04,
      -1.04,
      13.8,
      14.6,
      37.9,
      -37.9,
      38.9,
      -38.9,
      56,
      -56,
      300,
      -300,
      700,
      -700,
      709.7,
      709.8,
      -708,
      -745,
      -746,
      1e5,
      -1e5,
      Infinity,
      -Infinity,
      NaN,
    ];
    for (let i = 0; i < 20000; i++) {
      const scale = [1e-6, 1e-3, 1e-2, 0.05, 0.5, 2, 10, 40, 800][i % 9];
      xs.push((2 * r.uniform() - 1) * scale);
    }
    return Float64Array.from(xs);
  }

  function run(name: "expArray" | "expm1MinusXArray", x: Float64Array): Float64Array {
    const w = wasmExports()!;
    expect(w.ensure(16 * x.length + 64)).toBe(1);
    const base = w.dataPtr();
    const h = new Float64Array(w.memory.buffer);
    h.set(x, base / 8);
    const out = base + 8 * x.length;
    w[name](x.length, base, out);
    return new Float64Array(w.memory.buffer).slice(out / 8, out / 8 + x.length);
  }

  /** |g − e| ≤ 2e-16·|e| (infinities and NaN exactly) */
  function close(g: number, e: number): boolean {
    return Number.isNaN(e) ? Number.isNaN(g) : e === g || Math.abs(g - e) <= 2e-16 * Math.abs(e);
  }

  function expectClose(got: Float64Array, ref: (x: number) => number, x: Float64Array): void {
    let bad = 0;
    for (let i = 0; i < x.length; i++) {
      const e = ref(x[i]);
      if (!close(got[i], e) && bad++ < 5) expect.soft(got[i], `x = ${x[i]}`).toBe(e);
    }
    expect(bad).toBe(0);
  }

  it("e^x matches Math.exp to ≤ 2e-16 relative (vector and scalar paths)", () => {
    const x = inputs();
    expectClose(run("expArray", x), Math.exp, x);
    const w = wasmExports()!;
    const scalar = x.map((v) => w.expScalar(v));
    expectClose(scalar, Math.exp, x);
  });

  it("φ(t) = e^t − 1 − t matches the TS expm1MinusX to ≤ 2e-16 relative", () => {
    const x = inputs();
    expectClose(run("expm1MinusXArray", x), expm1MinusX, x);
    const w = wasmExports()!;
    expectClose(
      x.map((v) => w.expm1Scalar(v)),
      Math.expm1,
      x,
    );
    expectClose(
      x.map((v) => w.expm1MinusXScalar(v)),
      expm1MinusX,
      x,
    );
  });
});

describe("fused batched diagonal-Gaussian KL", () => {
  function data(r: Random, nb: number, d: number, shared: boolean) {
    const locP = randn(r, nb * d);
    const lvP = randn(r, nb * d).map((v) => 1.5 * v);
    const nq = shared ? d : nb * d;
    const locQ = randn(r, nq);
    const lvQ = randn(r, nq).map((v, i) => (i % 5 === 0 ? 1e-3 * v : v)); // some |t| < 1e-2
    return { locP, lvP, locQ, lvQ };
  }

  function viaLibrary(nb: number, d: number, x: ReturnType<typeof data>, shared: boolean): Float64Array {
    const p = MultivariateNormalDiag.fromLogVariance(
      { data: x.locP, shape: [nb, d] },
      { data: x.lvP, shape: [nb, d] },
    );
    const qShape = shared ? [d] : [nb, d];
    const q = MultivariateNormalDiag.fromLogVariance(
      { data: x.locQ, shape: qShape },
      { data: x.lvQ, shape: qShape },
    );
    const v = kl(p, q);
    return typeof v === "number" ? Float64Array.of(v) : Float64Array.from(v.data);
  }

  for (const [nb, d] of [
    [1, 1],
    [7, 3],
    [64, 16],
    [33, 130],
    [5000, 5],
  ] as const) {
    for (const shared of [false, true]) {
      it(`matches kl(MultivariateNormalDiag…) to ≤ 4e-15 relative: B=${nb} d=${d}${shared ? ", q shared" : ""}`, () => {
        const r = new Random(nb * 1000 + d + (shared ? 1 : 0));
        const x = data(r, nb, d, shared);
        const got = klDiagBatchWasm(nb, d, x.locP, x.lvP, x.locQ, x.lvQ);
        const ref = viaLibrary(nb, d, x, shared);
        expect(got.length).toBe(nb);
        for (let b = 0; b < nb; b++) {
          if (Math.abs(got[b] - ref[b]) > 4e-15 * Math.abs(ref[b])) expect(got[b], `b = ${b}`).toBe(ref[b]);
        }
      });
    }
  }

  it("is exactly 0 for p = q, handles extreme log-variances, and clamps at 0", () => {
    const r = new Random(5);
    const nb = 9;
    const d = 4;
    const loc = randn(r, nb * d);
    const lv = randn(r, nb * d);
    expect(Array.from(klDiagBatchWasm(nb, d, loc, lv, loc, lv))).toEqual(new Array(nb).fill(0));
    // log-variances far outside the vector range take the scalar path
    const lvP = Float64Array.from(lv).fill(-600, 0, 5);
    const lvQ = Float64Array.from(lv).fill(650, 6, 9);
    lvQ[20] = -720;
    const locQ = Float64Array.from(loc);
    locQ[3] += 1;
    const got = klDiagBatchWasm(nb, d, loc, lvP, locQ, lvQ);
    const ref = viaLibrary(nb, d, { locP: loc, lvP, locQ, lvQ }, false);
    for (let b = 0; b < nb; b++) {
      expect(got[b]).toBeGreaterThanOrEqual(0);
      if (!Number.isFinite(ref[b])) expect(got[b], `b = ${b}`).toBe(ref[b]);
      else expect(Math.abs(got[b] - ref[b]), `b = ${b}`).toBeLessThanOrEqual(4e-15 * ref[b]);
    }
  });

  it("rejects mismatched lengths with InvalidShape", () => {
    expect(() => klDiagBatchWasm(2, 3, [0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0], [0, 0, 0])).toThrow(/locP/);
    expect(() => klDiagBatchWasm(2, 3, new Float64Array(6), new Float64Array(6), [0, 0], [0, 0, 0])).toThrow(
      /locQ/,
    );
  });
});

describe("blocked squared distances", () => {
  function direct(a: Float64Array, m: number, b: Float64Array, n: number, d: number): Float64Array {
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += (a[i * d + k] - b[j * d + k]) ** 2;
        out[i * n + j] = s;
      }
    return out;
  }

  for (const [m, n, d] of [
    [1, 1, 1],
    [2, 7, 3],
    [33, 130, 7],
    [130, 33, 64],
    [1100, 1000, 2],
  ] as const) {
    it(`m=${m} n=${n} d=${d}: ‖a‖² + ‖b‖² − 2a·b to round-off, never negative`, () => {
      const r = new Random(m + n + d);
      const a = randn(r, m * d);
      const b = randn(r, n * d);
      // duplicate points: the expansion must clamp to ≥ 0
      if (n > 1 && m > 1) a.set(b.subarray(0, d), 0);
      const got = sqDistWasm(a, m, b, n, d);
      const ref = direct(a, m, b, n, d);
      const nb = new Float64Array(n);
      for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) nb[j] += b[j * d + k] ** 2;
      let negative = 0;
      for (let i = 0; i < m; i++) {
        let na = 0;
        for (let k = 0; k < d; k++) na += a[i * d + k] ** 2;
        for (let j = 0; j < n; j++) {
          const e = ref[i * n + j];
          const g = got[i * n + j];
          if (!(g >= 0)) negative++;
          if (Math.abs(g - e) > 1e-14 * (na + nb[j] + 1)) expect(g, `[${i}, ${j}]`).toBe(e);
        }
      }
      expect(negative).toBe(0);
      if (m > 1 && n > 1) expect(got[0]).toBeLessThan(1e-14 * (nb[0] + 1)); // a_0 = b_0
    });
  }
});

describe("without WebAssembly every entry point falls back to TypeScript", () => {
  it("reports why, keeps the TS kernels, and still answers", async () => {
    vi.resetModules();
    vi.stubGlobal("WebAssembly", undefined);
    try {
      const w = await import("../../src/linalg/wasm.js");
      const wm = await import("../../src/linalg/wasm-module.js");
      const k = await import("../../src/linalg/kernels.js");
      expect(wm.wasmStatus()).toMatchObject({ wasm: false, simd: false, relaxedSimd: false, loaded: false });
      expect(wm.initWasmSync()).toBe(false);
      expect(await wm.initWasm()).toBe(false);
      expect(wm.wasmStatus().error).toMatch(/WebAssembly/);
      expect(w.enableWasm()).toBe(false);
      expect(k.kernels().name).toBe("js");
      expect(wm.wasmExports()).toBeNull();
      const r = new Random(8);
      const n = 40;
      const a = spd(r, n);
      const x = Float64Array.from(a);
      const y = Float64Array.from(a);
      expect(w.wasmKernels.potrf(n, x, 0)).toBe(jsKernels.potrf(n, y, 0));
      expect(Array.from(x)).toEqual(Array.from(y));
      const nb = 5;
      const d = 3;
      const locP = randn(r, nb * d);
      const lvP = randn(r, nb * d);
      const locQ = randn(r, d);
      const lvQ = randn(r, d);
      const ref = kl(
        MultivariateNormalDiag.fromLogVariance({ data: locP, shape: [nb, d] }, { data: lvP, shape: [nb, d] }),
        MultivariateNormalDiag.fromLogVariance(locQ, lvQ),
      );
      expect(Array.from(w.klDiagBatchWasm(nb, d, locP, lvP, locQ, lvQ))).toEqual(
        Array.from((ref as { data: Float64Array }).data),
      );
      const A = randn(r, 30 * 4);
      const B = randn(r, 20 * 4);
      const D = w.sqDistWasm(A, 30, B, 20, 4);
      let s = 0;
      for (let q = 0; q < 4; q++) s += (A[29 * 4 + q] - B[19 * 4 + q]) ** 2;
      expect(Math.abs(D[29 * 20 + 19] - s)).toBeLessThan(1e-12);
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe("symmetric eigenvalues and FID with the WASM tridiagonalisation step", () => {
  it("eigh (values and vectors) at n = 47 (TS), 48, 97, 130 agrees with the TS path; A V = V Λ", () => {
    const rng = new Random(31);
    for (const n of [47, 48, 97, 130]) {
      const g = randn(rng, n * n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g[i * n + j];
      const ts = eigh(n, a);
      enableWasm();
      const wa = eigh(n, a);
      disableWasm();
      expect(relDiff(wa.values, ts.values)).toBeLessThan(1e-13);
      // residual ‖A v_j − λ_j v_j‖ of the WASM vectors, and orthonormality
      let res = 0;
      let orth = 0;
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += a[i * n + k] * wa.vectors[k * n + j];
          res = Math.max(res, Math.abs(s - wa.values[j] * wa.vectors[i * n + j]));
        }
        for (let m = 0; m <= j; m++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += wa.vectors[k * n + j] * wa.vectors[k * n + m];
          orth = Math.max(orth, Math.abs(s - (m === j ? 1 : 0)));
        }
      }
      const top = Math.max(Math.abs(wa.values[0]), Math.abs(wa.values[n - 1]));
      expect(res).toBeLessThan(1e-12 * top * n);
      expect(orth).toBeLessThan(1e-12 * n);
    }
  });

  it("frechetFromSamples (blocked covariance, triangular products, WASM step) equals the TS path and the naive formula", () => {
    const rng = new Random(5);
    const n = 300; // not a multiple of the 256-row blocks
    const d = 130; // not a multiple of the 128-column strips
    const x = randn(rng, n * d);
    const y = randn(rng, n * d).map((v, i) => 0.7 * v + 0.01 * (i % d));
    const X = { data: x, shape: [n, d] };
    const Y = { data: y, shape: [n, d] };
    const fx = fitGaussian(X);
    // naive two-pass covariance of x
    let worst = 0;
    for (let p = 0; p < d; p += 7) {
      for (let q = 0; q <= p; q += 5) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (x[i * d + p] - fx.loc[p]) * (x[i * d + q] - fx.loc[q]);
        worst = Math.max(worst, Math.abs(s / (n - 1) - fx.covariance[p * d + q]));
        expect(fx.covariance[p * d + q]).toBe(fx.covariance[q * d + p]);
      }
    }
    expect(worst).toBeLessThan(1e-13);
    const ts = frechetFromSamples(X, Y);
    enableWasm();
    const wa = frechetFromSamples(X, Y);
    disableWasm();
    expect(Math.abs(wa - ts)).toBeLessThan(1e-11 * ts);
    // the positive-semi-definite route (eigendecompositions of both) agrees with the Cholesky route
    const fy = fitGaussian(Y);
    let m2 = 0;
    for (let j = 0; j < d; j++) m2 += (fx.loc[j] - fy.loc[j]) ** 2;
    let tr = 0;
    for (let j = 0; j < d; j++) tr += fx.covariance[j * d + j] + fy.covariance[j * d + j];
    const viaPsd = m2 + tr - 2 * traceSqrtProduct(d, fx.covariance, fy.covariance);
    expect(Math.abs(viaPsd - ts)).toBeLessThan(1e-10 * ts);
  });
});

describe("large dense problems use WASM by default (kernelsFor)", () => {
  it("order ≥ WASM_LARGE_ORDER gets WASM with the default kernels; disableWasm turns it off; KL agrees", () => {
    const rng = new Random(8);
    const d = WASM_LARGE_ORDER;
    expect(kernels()).toBe(jsKernels);
    expect(kernelsFor(d - 1).name).toBe("js");
    expect(kernelsFor(d).name).toBe("wasm");
    const mk = () => {
      const c = spd(rng, d);
      return MultivariateNormal.fromCovariance(
        { data: randn(rng, d), shape: [d] },
        { data: c, shape: [d, d] },
      );
    };
    const p = mk();
    const q = mk();
    const auto = kl(p, q) as number;
    disableWasm();
    try {
      expect(kernelsFor(d).name).toBe("js");
      expect(kernelsFor(10 * d).name).toBe("js");
      // rebuilt under pure TypeScript (the factorisation happens at construction)
      const pj = MultivariateNormal.fromJSON(p.toJSON());
      const qj = MultivariateNormal.fromJSON(q.toJSON());
      const pure = kl(pj, qj) as number;
      expect(auto).toBeGreaterThan(0);
      expect(Math.abs(auto - pure)).toBeLessThan(1e-11 * pure);
    } finally {
      defaultKernels(); // TS kernels, WASM for large orders
    }
    expect(kernelsFor(d).name).toBe("wasm");
    expect(kernelsFor(8).name).toBe("js");
  });
});
