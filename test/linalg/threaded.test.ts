/**
 * Threaded dense factorisations (src/linalg/threaded.ts): the Cholesky and Lq⁻¹Lp shared with
 * worker threads over one WebAssembly memory must give the bits of the single-threaded WASM
 * kernels, for every thread count and order (panel and column-block edges included), report the
 * same failing pivot, and never keep the process alive.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KullbackError } from "../../src/core/errors.js";
import { Random } from "../../src/core/random.js";
import { spdMatrix, wasmEverywhere } from "../helpers.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../../src/distributions/multivariate-normal-diag.js";
import type { NDArray } from "../../src/core/array.js";
import { kl } from "../../src/kl/registry.js";
import * as ts from "../../src/linalg/cholesky.js";
import {
  DENSE_THREAD_THRESHOLD,
  GEMM_THREAD_WORK,
  gemmThreadsFor,
  denseThreadsError,
  denseThreadsTesting,
  denseThreadsFor,
  setDenseThreads,
  shutdownDenseThreads,
  startDenseThreads,
} from "../../src/linalg/threaded.js";
import { defaultKernels, disableWasm, enableWasm } from "../../src/linalg/wasm.js";
import { initWasmSync } from "../../src/linalg/wasm-module.js";
import { gemmNT } from "../../src/linalg/gemm.js";
import { eigh } from "../../src/linalg/eigh.js";
import { frechetDistance } from "../../src/divergences/gaussian-distances.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { pairwiseKl } from "../../src/pairwise/pairwise.js";
import { catKlTesting } from "../../src/linalg/catkl.js";
import { knnKl, kthNeighbourDistances } from "../../src/estimators/knn.js";
import { KDTree } from "../../src/linalg/kdtree.js";
import { kdtreeRange } from "../../src/estimators/knn-search.js";

// WASM at every size, so that small orders (fast tests) exercise the threaded path
const wasmAll = wasmEverywhere;

function spd(n: number, seed: number): Float64Array {
  return spdMatrix(new Random(seed), n, 0.1);
}

/**
 * Histograms for a pairwise categorical KL: K = 64, some zeros (infinite entries), and rows of P
 * that are copies of rows of Q (cancelling pairs, recomputed exactly).
 */
function categoricalPair(seed: number): { P: Categorical; Q: Categorical } {
  const rng = new Random(seed);
  const hist = (zeros: number): number[] => {
    const v = Array.from({ length: 64 }, () => rng.uniform() + 0.01);
    for (let z = 0; z < zeros; z++) v[Math.floor(rng.uniform() * 64)] = 0;
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / s);
  };
  const q = Array.from({ length: 700 }, (_, j) => hist(j % 7 === 0 ? 1 : 0));
  const p = Array.from({ length: 130 }, (_, i) => (i % 10 === 0 ? q[i] : hist(i % 13 === 0 ? 2 : 0)));
  return { P: new Categorical({ probs: p }), Q: new Categorical({ probs: q }) };
}

/** setDenseThreads(t), then wait until a pool of t threads has started (a threaded call is then threaded). */
function use(t: number): void {
  const ready = denseThreadsTesting.useThreads(t);
  if (t > 1) expect(ready).toBe(true);
}

function sameBits(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  return diff + Math.abs(a.length - b.length);
}

afterEach(() => setDenseThreads("auto"));
afterAll(() => {
  shutdownDenseThreads();
  defaultKernels();
});

describe("threaded dense kernels (Node worker threads, shared WebAssembly memory)", () => {
  it("are available under this Node", () => {
    expect(initWasmSync()).toBe(true);
    use(2);
    expect(denseThreadsFor(10)).toBe(2);
    expect(denseThreadsError()).toBeUndefined();
  });

  it("Cholesky: the bits of the single-threaded kernel for 2 and 3 threads, at panel edges", () => {
    for (const n of [1, 63, 64, 65, 129, 200, 300]) {
      const c = spd(n, n);
      use(1);
      const one = c.slice();
      expect(wasmAll.potrf(n, one, 0)).toBe(0);
      for (const t of [2, 3]) {
        use(t);
        const many = c.slice();
        expect(wasmAll.potrf(n, many, 0)).toBe(0);
        expect(sameBits(one, many), `n=${n} threads=${t}`).toBe(0);
      }
      // and a factor, to round-off, of the TypeScript kernel's
      const tsL = c.slice();
      ts.potrf(n, tsL, 0);
      let err = 0;
      for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(tsL[i] - one[i]));
      expect(err).toBeLessThan(1e-12);
    }
  });

  it("Cholesky at an offset, leaving the rest of the array alone", () => {
    const n = 150;
    const c = spd(n, 3);
    const buf = new Float64Array(n * n + 20).fill(7);
    buf.set(c, 10);
    use(2);
    expect(wasmAll.potrf(n, buf, 10)).toBe(0);
    use(1);
    const one = c.slice();
    wasmAll.potrf(n, one, 0);
    expect(sameBits(buf.subarray(10, 10 + n * n), one)).toBe(0);
    expect([...buf.subarray(0, 10), ...buf.subarray(10 + n * n)].every((v) => v === 7)).toBe(true);
  });

  it("a matrix that is not positive definite: the same failing pivot and written-back matrix", () => {
    const n = 200;
    const c = spd(n, 5);
    c[150 * n + 150] = -1; // the leading minor of order 151 fails
    use(1);
    const one = c.slice();
    const infoOne = wasmAll.potrf(n, one, 0);
    use(2);
    const many = c.slice();
    const infoMany = wasmAll.potrf(n, many, 0);
    expect(infoOne).toBe(151);
    expect(infoMany).toBe(151);
    expect(sameBits(one, many)).toBe(0);
  });

  it("Lq⁻¹Lp: the bits of the single-threaded kernel, at column-block edges", () => {
    for (const n of [5, 64, 65, 128, 191, 260]) {
      const lq = spd(n, 10 + n);
      const lp = spd(n, 20 + n);
      ts.potrf(n, lq, 0);
      ts.potrf(n, lp, 0);
      use(1);
      const one = new Float64Array(n * n).fill(NaN);
      wasmAll.trilSolveTril(n, lq, 0, lp, 0, one);
      for (const t of [2, 4]) {
        use(t);
        const many = new Float64Array(n * n).fill(NaN);
        wasmAll.trilSolveTril(n, lq, 0, lp, 0, many);
        expect(sameBits(one, many), `n=${n} threads=${t}`).toBe(0);
      }
      const ref = new Float64Array(n * n);
      ts.trilSolveTril(n, lq, 0, lp, 0, ref);
      let err = 0;
      let scale = 0;
      for (let i = 0; i < n * n; i++) {
        err = Math.max(err, Math.abs(ref[i] - one[i]));
        scale = Math.max(scale, Math.abs(ref[i]));
      }
      expect(err / scale).toBeLessThan(1e-11);
      // strictly upper part exactly zero
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(one[i * n + j]).toBe(0);
    }
  });

  it("KL between full-covariance Gaussians (public API): the same bits with 1 and 2 threads", () => {
    enableWasm();
    try {
      const d = 260;
      const rng = new Random(11);
      const m0 = Float64Array.from({ length: d }, () => rng.normal());
      const m1 = Float64Array.from({ length: d }, () => rng.normal());
      const s0 = { data: spd(d, 1), shape: [d, d] };
      const s1 = { data: spd(d, 2), shape: [d, d] };
      const kept = s0.data.slice();
      const value = (t: number): number => {
        use(t);
        return kl(
          MultivariateNormal.fromCovariance(m0, s0),
          MultivariateNormal.fromCovariance(m1, s1),
        ) as number;
      };
      const one = value(1);
      expect(Number.isFinite(one) && one > 0).toBe(true);
      expect(Object.is(value(2), one)).toBe(true);
      expect(Object.is(value(3), one)).toBe(true);
      expect(sameBits(s0.data, kept)).toBe(0); // input not mutated
    } finally {
      defaultKernels();
    }
  });

  it("a non-positive-definite covariance raises NotPositiveDefinite with threads too", () => {
    enableWasm();
    try {
      const d = 200;
      const c = spd(d, 9);
      c[120 * d + 120] = -5;
      use(2);
      let err: unknown;
      try {
        MultivariateNormal.fromCovariance(new Float64Array(d), { data: c, shape: [d, d] });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KullbackError);
      expect((err as KullbackError).code).toBe("NotPositiveDefinite");
      expect((err as KullbackError).message).toMatch(/121/);
    } finally {
      defaultKernels();
    }
  });

  it("matrix products (gemmNT, fused and unfused): the bits of one thread", () => {
    const rng = new Random(17);
    for (const [m, n, K] of [
      [100, 90, 300],
      [513, 64, 40],
      [7, 300, 64],
    ]) {
      const A = Float64Array.from({ length: m * K }, () => rng.normal());
      const B = Float64Array.from({ length: n * K }, () => rng.normal());
      const C0 = Float64Array.from({ length: m * n }, () => rng.normal());
      for (const backend of ["wasm", "auto"] as const) {
        const run = (t: number, accumulate: boolean): Float64Array => {
          use(t);
          const C = C0.slice();
          gemmNT(m, n, K, A, 0, K, B, 0, K, C, 0, n, accumulate, backend);
          return C;
        };
        for (const acc of [false, true]) {
          const one = run(1, acc);
          expect(sameBits(one, run(2, acc)), `${m}x${n}x${K} ${backend} acc=${acc}`).toBe(0);
          expect(sameBits(one, run(3, acc))).toBe(0);
        }
      }
    }
  });

  it("FID and eigenvalues (threaded tridiagonalisation): the bits of one thread", () => {
    enableWasm();
    try {
      const d = 330; // steps with l ≥ 256 are shared between threads, smaller ones run in the caller
      const s1 = spd(d, 31);
      const s2 = spd(d, 32);
      const m1 = new Float64Array(d).fill(0.5);
      const m2 = new Float64Array(d);
      const fid = (t: number): number => {
        use(t);
        return frechetDistance(m1, { data: s1, shape: [d, d] }, m2, { data: s2, shape: [d, d] }) as number;
      };
      const one = fid(1);
      expect(one).toBeGreaterThan(0);
      expect(Object.is(fid(2), one)).toBe(true);
      expect(Object.is(fid(4), one)).toBe(true);
      use(1);
      const e1 = eigh(d, s1);
      use(2);
      const e2 = eigh(d, s1);
      expect(sameBits(e1.values, e2.values)).toBe(0);
      expect(sameBits(e1.vectors, e2.vectors)).toBe(0);
      // and right: A v = λ v for the largest pair
      const k = d - 1;
      let res = 0;
      for (let i = 0; i < d; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += s1[i * d + j] * e2.vectors[j * d + k];
        res = Math.max(res, Math.abs(s - e2.values[k] * e2.vectors[i * d + k]));
      }
      expect(res).toBeLessThan(1e-10 * e2.values[k]);
    } finally {
      defaultKernels();
    }
  });

  it("batched diagonal KL (fused WASM kernel): the bits of one thread, shared and per-row q", () => {
    enableWasm();
    try {
      const rng = new Random(23);
      const nb = 3001;
      const d = 7;
      const arr = (len: number, s: number): Float64Array =>
        Float64Array.from({ length: len }, () => s * rng.normal());
      const p = MultivariateNormalDiag.fromLogVariance(
        { data: arr(nb * d, 1), shape: [nb, d] },
        { data: arr(nb * d, 2), shape: [nb, d] },
      );
      const qRows = MultivariateNormalDiag.fromLogVariance(
        { data: arr(nb * d, 1), shape: [nb, d] },
        { data: arr(nb * d, 2), shape: [nb, d] },
      );
      const qOne = MultivariateNormalDiag.fromLogVariance(arr(d, 1), arr(d, 2));
      for (const q of [qRows, qOne]) {
        const run = (t: number): Float64Array => {
          use(t);
          return (kl(p, q) as NDArray).data;
        };
        const one = run(1);
        expect(one.length).toBe(nb);
        expect(one.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        expect(sameBits(one, run(2))).toBe(0);
        expect(sameBits(one, run(3))).toBe(0);
      }
    } finally {
      defaultKernels();
    }
  });

  it("pairwise categorical KL (fused WASM kernel): the bits of one thread and of TypeScript", () => {
    const { P, Q } = categoricalPair(7);
    const run = (t: number): Float64Array => {
      use(t);
      return pairwiseKl(P, Q).data;
    };
    const one = run(1);
    expect(one.some((v) => v === Infinity)).toBe(true);
    expect(one.some((v) => v === 0)).toBe(true); // the pairs that are copies
    expect(sameBits(one, run(2))).toBe(0);
    expect(sameBits(one, run(3))).toBe(0);
    // many small row blocks (5 rows each): the threaded driver copies block b − 1 out while the
    // workers compute block b, from two alternating buffers
    catKlTesting.setBlockDoubles(3600);
    try {
      expect(sameBits(one, run(2))).toBe(0);
      expect(sameBits(one, run(1))).toBe(0);
    } finally {
      catKlTesting.setBlockDoubles(1 << 22);
    }
    disableWasm();
    try {
      use(1);
      expect(sameBits(one, pairwiseKl(P, Q).data)).toBe(0);
    } finally {
      defaultKernels();
    }
    // after enableWasm() (fused rounding in the relaxed build): threads do not change the bits
    enableWasm();
    try {
      const w1 = run(1);
      expect(sameBits(w1, run(2))).toBe(0);
    } finally {
      defaultKernels();
    }
  });

  it("k-d tree searches (WASM kernel): the bits of the TypeScript search, any thread count", () => {
    const rng = new Random(31);
    for (const d of [1, 3, 8]) {
      const n = 1500;
      // rounded coordinates make exact ties, and every 50th row is a copy of the one before
      const x = Float64Array.from({ length: n * d }, (_, i) =>
        i % 5 === 0 ? Math.round(rng.normal() * 4) / 4 : rng.normal(),
      );
      for (let r = 1; r < n; r += 50) x.copyWithin(r * d, (r - 1) * d, r * d);
      const y = Float64Array.from({ length: 900 * d }, () => 0.3 + 1.5 * rng.normal());
      const X = { data: x, shape: [n, d] };
      const Y = { data: y, shape: [900, d] };
      const run = (t: number): Float64Array[] => {
        use(t);
        return [
          kthNeighbourDistances(X, null, 1, { method: "kdtree" }),
          kthNeighbourDistances(X, null, 4, { method: "kdtree" }),
          kthNeighbourDistances(Y, X, 3, { method: "kdtree" }),
          Float64Array.of(knnKl(X, Y, { k: 2, method: "kdtree", onDuplicates: "infinity" }).estimate),
        ];
      };
      disableWasm();
      let ts: Float64Array[];
      try {
        ts = run(1);
      } finally {
        defaultKernels();
      }
      expect(ts[0].some((v) => v === 0)).toBe(true); // duplicates exist
      for (const t of [1, 2, 3]) {
        const got = run(t);
        for (let c = 0; c < ts.length; c++) expect(sameBits(got[c], ts[c])).toBe(0);
      }
    }
  });

  it('knnKl "auto" picks the tree up to d = 16 when its search is threaded WASM, the scan otherwise', () => {
    const rng = new Random(33);
    const d = 14;
    const X = { data: Float64Array.from({ length: 300 * d }, () => rng.normal()), shape: [300, d] };
    const Y = { data: Float64Array.from({ length: 300 * d }, () => rng.normal() + 0.2), shape: [300, d] };
    use(2);
    const a = knnKl(X, Y);
    expect(a.method).toBe("kdtree");
    use(1);
    const b = knnKl(X, Y);
    expect(b.method).toBe("brute");
    expect(Object.is(a.estimate, b.estimate)).toBe(true);
    use(2);
    disableWasm();
    try {
      expect(knnKl(X, Y).method).toBe("brute");
    } finally {
      defaultKernels();
    }
    const hi = { data: Float64Array.from({ length: 300 * 17 }, () => rng.normal()), shape: [300, 17] };
    const hj = { data: Float64Array.from({ length: 300 * 17 }, () => rng.normal()), shape: [300, 17] };
    expect(knnKl(hi, hj).method).toBe("brute");
  });

  it("k-d tree range queries in a tree order: only the range is written, the TypeScript bits", () => {
    const rng = new Random(32);
    const n = 2000;
    const d = 4;
    const x = Float64Array.from({ length: n * d }, () => rng.normal());
    const tree = new KDTree(x, n, d);
    const order = tree.treeOrder();
    use(2);
    const got = new Float64Array(n).fill(-1);
    kdtreeRange(tree, x, d, 2, true, order, 300, 1700, got); // WASM, threaded (1400 queries)
    disableWasm();
    const want = new Float64Array(n).fill(-1);
    try {
      kdtreeRange(tree, x, d, 2, true, order, 300, 1700, want);
    } finally {
      defaultKernels();
    }
    expect(sameBits(got, want)).toBe(0);
    expect(want.filter((v) => v === -1).length).toBe(600);
  });

  it('"auto" threads only from DENSE_THREAD_THRESHOLD; 1 never', () => {
    setDenseThreads("auto");
    expect(denseThreadsFor(DENSE_THREAD_THRESHOLD - 1)).toBe(1);
    expect(denseThreadsFor(DENSE_THREAD_THRESHOLD)).toBeGreaterThanOrEqual(1);
    use(1);
    expect(denseThreadsFor(5000)).toBe(1);
    expect(gemmThreadsFor(2 ** 30)).toBe(1);
    setDenseThreads("auto");
    expect(gemmThreadsFor(GEMM_THREAD_WORK - 1)).toBe(1);
  });

  it("a stopped pool restarts; the first call after does not wait for the workers", async () => {
    const n = 130;
    const c = spd(n, 4);
    use(2);
    const a = c.slice();
    wasmAll.potrf(n, a, 0);
    shutdownDenseThreads();
    expect(denseThreadsTesting.poolState()).toBe("none");
    const b = c.slice();
    wasmAll.potrf(n, b, 0); // starts the workers, computes in this thread meanwhile
    expect(denseThreadsTesting.poolState()).toBe("starting");
    expect(sameBits(a, b)).toBe(0);
    expect(await startDenseThreads()).toBe(true); // resolves once they run
    expect(denseThreadsTesting.poolState()).toBe("ready");
    const e = c.slice();
    wasmAll.potrf(n, e, 0);
    expect(sameBits(a, e)).toBe(0);
    expect(denseThreadsError()).toBeUndefined();
  });

  describe("a worker that dies: the call is recomputed in the calling thread, same bits, threading off", () => {
    const n = 300;
    const K = 200;
    const c = spd(n, 41);
    const A = c.subarray(0, n * K);
    const kx = Float64Array.from({ length: 3000 * 3 }, (_, i) => Math.sin(i * 0.37) * 3);
    // the single-threaded results, computed once for the six cases
    let one: Float64Array, lq: Float64Array, m1: Float64Array, g1: Float64Array;
    let e1: ReturnType<typeof eigh>, cat1: Float64Array, knn1: Float64Array;
    let P: Categorical, Q: Categorical;
    beforeAll(() => {
      use(1);
      one = c.slice();
      wasmAll.potrf(n, one, 0);
      lq = one.slice();
      m1 = new Float64Array(n * n);
      wasmAll.trilSolveTril(n, lq, 0, lq, 0, m1);
      g1 = new Float64Array(n * n);
      gemmNT(n, n, K, A, 0, K, A, 0, K, g1, 0, n, false, "wasm");
      enableWasm();
      e1 = eigh(n, c);
      defaultKernels();
      ({ P, Q } = categoricalPair(9));
      cat1 = pairwiseKl(P, Q).data as Float64Array; // one thread (use(1) above)
      knn1 = kthNeighbourDistances({ data: kx, shape: [3000, 3] }, null, 2, { method: "kdtree" });
    });
    afterEach(() => denseThreadsTesting.reset());

    for (const which of ["potrf", "tril", "gemm", "eigh", "categorical", "knn"] as const) {
      it(which, async () => {
        use(2);
        wasmAll.potrf(64, spd(64, 1), 0); // the pool is up
        denseThreadsTesting.killWorkers();
        await new Promise((r) => setTimeout(r, 100)); // let the termination land
        denseThreadsTesting.setStallSeconds(1);
        const t0 = Date.now();
        if (which === "potrf") {
          const a = c.slice();
          expect(wasmAll.potrf(n, a, 0)).toBe(0);
          expect(sameBits(a, one)).toBe(0);
        } else if (which === "tril") {
          const m = new Float64Array(n * n);
          wasmAll.trilSolveTril(n, lq, 0, lq, 0, m);
          expect(sameBits(m, m1)).toBe(0);
        } else if (which === "gemm") {
          const g = new Float64Array(n * n);
          gemmNT(n, n, K, A, 0, K, A, 0, K, g, 0, n, false, "wasm");
          expect(sameBits(g, g1)).toBe(0);
        } else if (which === "knn") {
          const k2 = kthNeighbourDistances({ data: kx, shape: [3000, 3] }, null, 2, { method: "kdtree" });
          expect(sameBits(k2, knn1)).toBe(0);
        } else if (which === "categorical") {
          expect(sameBits(pairwiseKl(P, Q).data, cat1)).toBe(0);
        } else {
          enableWasm(); // the tridiagonalisation's WASM (and threaded) path
          try {
            const e2 = eigh(n, c);
            expect(sameBits(e2.values, e1.values)).toBe(0);
            expect(sameBits(e2.vectors, e1.vectors)).toBe(0);
          } finally {
            defaultKernels();
          }
        }
        expect(Date.now() - t0).toBeLessThan(10_000);
        expect(denseThreadsError()).toMatch(/worker thread failed/);
        expect(denseThreadsFor(5000)).toBe(1);
        denseThreadsTesting.reset();
        expect(denseThreadsError()).toBeUndefined();
      });
    }
  });

  it("rejects bad thread counts, naming the argument and the value", () => {
    for (const bad of [0, -1, 1.5, 257, Number.NaN, "two"]) {
      let err: unknown;
      try {
        setDenseThreads(bad as number);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KullbackError);
      expect((err as KullbackError).code).toBe("InvalidParameter");
      expect((err as KullbackError).message).toMatch(/threads/);
    }
  });
});

describe("threaded dense kernels in a child process", () => {
  const dist = new URL("../../dist/index.js", import.meta.url).href;
  const run = (flags: string[], body: string): { status: number | null; out: string; ms: number } => {
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      [...flags, "--input-type=module", "-e", `import * as kb from ${JSON.stringify(dist)};\n${body}`],
      {
        encoding: "utf8",
        timeout: 60_000,
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
      },
    );
    if (r.status !== 0) throw new Error(`child node failed (${r.status}): ${r.stderr}`);
    return { status: r.status, out: r.stdout.trim(), ms: Date.now() - t0 };
  };
  const body = `
const d = 400;
const rng = new kb.Random(3);
const g = () => { const a = Float64Array.from({ length: d * d }, () => rng.normal());
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) { let s = 0; for (let k = 0; k < d; k++) s += a[i*d+k]*a[j*d+k]; c[i*d+j] = c[j*d+i] = s / d + (i === j ? 0.1 : 0); }
  return { data: c, shape: [d, d] }; };
const S0 = g(), S1 = g(), m = new Float64Array(d);
const v = async (t) => {
  kb.configure({ threads: t });
  if (t > 1 && (await kb.initBackend()).denseThreads < 2) throw new Error("no threads");
  return kb.kl(kb.MultivariateNormal.fromCovariance(m, S0), kb.MultivariateNormal.fromCovariance(m, S1));
};
const one = await v(1), two = await v(2);
// the fused pairwise categorical kernel with the WASM backend (its fused rounding in the relaxed build)
const h = () => { const x = Array.from({ length: 64 }, () => rng.uniform() + 0.01); const s = x.reduce((a, b) => a + b); return x.map((y) => y / s); };
const P = new kb.Categorical({ probs: Array.from({ length: 90 }, h) });
const Q = new kb.Categorical({ probs: Array.from({ length: 400 }, h) });
kb.configure({ backend: "wasm" });
const cat = async (t) => { kb.configure({ threads: t }); if (t > 1) await kb.initBackend(); return Array.from(kb.pairwiseKl(P, Q).data); };
const c1 = await cat(1), c2 = await cat(2);
const catSame = c1.length === 36000 && c1.every((x, i) => Object.is(x, c2[i])) && c1.every((x) => x > 0 && x < Infinity);
console.log(JSON.stringify({ one, two, threads: kb.backendStatus().denseThreads, catSame }));
`;

  it("the idle pool does not keep the process alive (the child exits by itself)", () => {
    const r = run([], body);
    const o = JSON.parse(r.out) as { one: number; two: number; threads: number; catSame: boolean };
    expect(o.threads).toBe(2);
    expect(Object.is(o.one, o.two)).toBe(true);
    expect(o.catSame).toBe(true);
  });

  it("with the relaxed-SIMD build (fused multiply-add): threaded bits equal single-threaded ones", () => {
    const r = run(
      ["--experimental-wasm-relaxed-simd"],
      `${body}\nif (kb.backendStatus().wasm.module !== "relaxed-simd") throw new Error("relaxed build not loaded");`,
    );
    const o = JSON.parse(r.out) as { one: number; two: number; catSame: boolean };
    expect(Object.is(o.one, o.two)).toBe(true);
    expect(o.catSame).toBe(true);
  });
});
