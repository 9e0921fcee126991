import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  Categorical,
  KullbackError,
  MultivariateNormal,
  MultivariateNormalDiag,
  Normal,
  Poisson,
  OneHotCategorical,
  knnKl,
  knnKlAsync,
  pairwiseKl,
  pairwiseKlAsync,
  pairwiseKlBlocksAsync,
  shutdownThreads,
  type NDArray,
} from "../../src/index.js";
import { threadsSupported } from "../../src/parallel/pool.js";
import { jsKernels, setKernels } from "../../src/linalg/kernels.js";
import { defaultKernels, disableWasm, enableWasm } from "../../src/linalg/wasm.js";
import { counter, poolSize, runJob } from "../../src/parallel/pool.js";
import { categoricalKlJob, diagKlJob } from "../../src/pairwise/pairwise.js";
import { Random } from "../../src/core/random.js";

afterAll(async () => {
  defaultKernels();
  await shutdownThreads();
});

/** n random histograms of K bins; a fraction `zeros` of the bins is exactly 0. */
function histograms(rng: Random, n: number, K: number, zeros = 0): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    let s = 0;
    for (let k = 0; k < K; k++) {
      const v = rng.uniform() < zeros ? 0 : rng.uniform() + 1e-3;
      row.push(v);
      s += v;
    }
    if (s === 0) row[0] = s = 1;
    out.push(row.map((v) => v / s));
  }
  return out;
}

function samples(rng: Random, n: number, d: number, shift = 0): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift));
}

/** Same shape and every entry the same bits (Object.is: +0/−0, NaN, ±Infinity included). */
function expectIdentical(a: NDArray, b: NDArray): void {
  expect(b.shape).toEqual(a.shape);
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) if (!Object.is(a.data[i], b.data[i])) diff++;
  expect(diff).toBe(0);
}

async function rejection(p: Promise<unknown>): Promise<KullbackError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KullbackError);
    return e as KullbackError;
  }
  throw new Error("expected a rejection");
}

describe("pool environment", () => {
  it("runs under Node with SharedArrayBuffer", () => {
    expect(threadsSupported()).toBe(true);
  });
});

describe("pairwiseKlAsync equals pairwiseKl bit for bit", () => {
  const rng = new Random(7);
  const cases: [number, number, number, number, number][] = [
    // N, M, K, zero fraction, threads
    [1, 1, 3, 0, 2],
    [3, 5, 4, 0.3, 4], // N < threads
    [37, 23, 64, 0, 2], // N not divisible by the threads
    [37, 23, 64, 0.2, 3], // zeros: +Infinity entries
    [301, 130, 64, 0.05, 2], // more than one tile of rows and columns
    [64, 300, 17, 0, 5],
  ];
  for (const [N, M, K, z, t] of cases) {
    it(`N=${N} M=${M} K=${K} zeros=${z} threads=${t}`, async () => {
      const P = new Categorical({ probs: histograms(rng, N, K, z) });
      const Q = new Categorical({ probs: histograms(rng, M, K, z) });
      const ref = pairwiseKl(P, Q);
      const par = await pairwiseKlAsync(P, Q, { threads: t });
      expectIdentical(ref, par);
      if (z > 0) expect(Array.from(par.data).some((v) => v === Infinity)).toBe(true);
      expect(Array.from(par.data).every((v) => v >= 0)).toBe(true);
    });
  }

  it("identical to its own rows of P and Q (exact 0 on the diagonal, near-identical pairs recomputed)", async () => {
    const h = histograms(rng, 50, 32, 0.1);
    const near = h.map((r) => r.map((v, k) => (k === 0 ? v * (1 + 1e-9) : v)));
    const P = new Categorical({ probs: h });
    const Q = new Categorical({ probs: [...h, ...near] });
    const par = await pairwiseKlAsync(P, Q, { threads: 2 });
    expectIdentical(pairwiseKl(P, Q), par);
    for (let i = 0; i < 50; i++) expect(par.data[i * 100 + i]).toBe(0);
  });

  it("with a small tile and OneHotCategorical", async () => {
    const P = new OneHotCategorical({ probs: histograms(rng, 29, 8, 0.2) });
    const Q = new OneHotCategorical({ probs: histograms(rng, 31, 8, 0.2) });
    expectIdentical(pairwiseKl(P, Q, { tile: 5 }), await pairwiseKlAsync(P, Q, { tile: 5, threads: 2 }));
    expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { tile: 5, threads: 3 }));
  });

  it("with the WASM GEMM (K > 256, where WASM differs from TypeScript in the last bits)", async () => {
    const P = new Categorical({ probs: histograms(rng, 40, 300, 0.1) });
    const Q = new Categorical({ probs: histograms(rng, 45, 300, 0.1) });
    expect(enableWasm()).toBe(true);
    try {
      const ref = pairwiseKl(P, Q);
      expectIdentical(ref, await pairwiseKlAsync(P, Q, { threads: 2 }));
    } finally {
      defaultKernels();
    }
    expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: 2 }));
  });

  it("workers follow the kernel selection (default, disableWasm, enableWasm; custom kernels stay in the calling thread)", async () => {
    // d = 256: WASM_LARGE_ORDER, where the default selection switches dense problems to WASM
    const d = 256;
    const h = histograms(rng, 12, d, 0.1);
    const P = new Categorical({ probs: h });
    const Q = new Categorical({ probs: [...histograms(rng, 9, d, 0.1), ...h] });
    const loc = samples(rng, 6, d);
    const v = Array.from({ length: 6 }, () => Array.from({ length: d }, () => 0.5 + rng.uniform()));
    const A = MultivariateNormalDiag.fromVariance(loc, v);
    const B = MultivariateNormalDiag.fromVariance(
      loc.map((r) => r.map((x) => x + 1e-7)),
      v,
    );
    const modes: [string, () => void][] = [
      ["default", defaultKernels],
      ["js", disableWasm],
      ["wasm", () => void enableWasm()],
      ["custom", () => setKernels({ ...jsKernels, name: "custom" })],
    ];
    try {
      for (const [, set] of modes) {
        set();
        expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: 2 }));
        expectIdentical(pairwiseKl(A, B), await pairwiseKlAsync(A, B, { threads: 2 }));
      }
    } finally {
      defaultKernels();
    }
  });

  it("other families run in the calling thread and give pairwiseKl's matrix", async () => {
    const P = new Poisson([0.5, 1, 2]);
    const Q = new Poisson([3, 0.1]);
    expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: 2 }));
  });

  it("does not mutate its inputs", async () => {
    const h = histograms(rng, 20, 6, 0.2);
    const copy = JSON.stringify(h);
    const P = new Categorical({ probs: h });
    const before = Float64Array.from(P.probs);
    await pairwiseKlAsync(P, P, { threads: 2 });
    expect(JSON.stringify(h)).toBe(copy);
    expect(Array.from(P.probs)).toEqual(Array.from(before));
  });

  it("keeps shape errors of pairwiseKl (as rejections)", async () => {
    const P = new Categorical({ probs: histograms(rng, 4, 3) });
    const Q = new Categorical({ probs: histograms(rng, 4, 5) });
    const e = await rejection(pairwiseKlAsync(P, Q, { threads: 2 }));
    expect(e.code).toBe("InvalidShape");
  });
});

describe("pairwiseKlAsync for diagonal Gaussians equals pairwiseKl bit for bit", () => {
  const rng = new Random(21);
  const mvn = (n: number, d: number, spread = 1) =>
    MultivariateNormalDiag.fromVariance(
      samples(rng, n, d).map((r) => r.map((v) => v * spread)),
      Array.from({ length: n }, () => Array.from({ length: d }, () => 0.2 + rng.uniform() * 3)),
    );
  for (const [N, M, d, t] of [
    [1, 1, 2, 2],
    [3, 7, 4, 4], // N < threads
    [101, 67, 8, 2],
    [300, 260, 3, 3],
  ] as const) {
    it(`MultivariateNormalDiag N=${N} M=${M} d=${d} threads=${t}`, async () => {
      const P = mvn(N, d);
      const Q = mvn(M, d, 2);
      expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: t }));
    });
  }

  it("P against itself: exact zeros on the diagonal; near-identical pairs recomputed exactly", async () => {
    const P = mvn(40, 5);
    const par = await pairwiseKlAsync(P, P, { threads: 2 });
    expectIdentical(pairwiseKl(P, P), par);
    for (let i = 0; i < 40; i++) expect(par.data[i * 40 + i]).toBe(0);
    const loc = samples(rng, 30, 3);
    const v = Array.from({ length: 30 }, () => [1, 2, 3]);
    const A = MultivariateNormalDiag.fromVariance(loc, v);
    const B = MultivariateNormalDiag.fromVariance(
      loc.map((r) => r.map((x) => x + 1e-9)),
      v,
    );
    expectIdentical(pairwiseKl(A, B), await pairwiseKlAsync(A, B, { threads: 2 }));
  });

  it("full-covariance P against diagonal Q; the threaded paths are really taken", async () => {
    const P = MultivariateNormal.fromCovariance(
      [
        [0, 0],
        [1, 2],
        [-1, 0.5],
      ],
      [
        [
          [2, 0.5],
          [0.5, 1],
        ],
        [
          [1, -0.3],
          [-0.3, 0.5],
        ],
        [
          [3, 0],
          [0, 3],
        ],
      ],
    );
    const Q = mvn(9, 2);
    expect(diagKlJob(P, Q)).toBeDefined();
    expect(diagKlJob(Q, P)).toBeUndefined(); // full Σq: not threaded (calling thread)
    expect(
      categoricalKlJob(new Categorical({ probs: [[1]] }), new Categorical({ probs: [[1]] })),
    ).toBeDefined();
    expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: 2 }));
    expectIdentical(pairwiseKl(Q, P), await pairwiseKlAsync(Q, P, { threads: 2 }));
  });

  it("Normal batches and a streamed diagonal Gaussian", async () => {
    const P = new Normal([0, 1, 2, 5, -3], [1, 2, 0.5, 1, 4]);
    const Q = new Normal([0, -1, 0.5], [1, 3, 0.1]);
    expectIdentical(pairwiseKl(P, Q), await pairwiseKlAsync(P, Q, { threads: 2 }));
    const A = mvn(45, 4);
    const ref = pairwiseKl(A, A);
    const got: number[] = [];
    for await (const { rows } of pairwiseKlBlocksAsync(A, A, { rowsPerBlock: 8, threads: 2 }))
      got.push(...rows.data);
    expectIdentical(ref, { data: Float64Array.from(got), shape: ref.shape } as NDArray);
  });
});

describe("pairwiseKlBlocksAsync", () => {
  it("concatenated blocks equal pairwiseKl (threads 2, rows not divisible by the block)", async () => {
    const rng = new Random(3);
    const P = new Categorical({ probs: histograms(rng, 53, 16, 0.1) });
    const Q = new Categorical({ probs: histograms(rng, 21, 16, 0.1) });
    const ref = pairwiseKl(P, Q);
    const stream = pairwiseKlBlocksAsync(P, Q, { rowsPerBlock: 10, threads: 2 });
    expect(stream.shape).toEqual([53, 21]);
    const got = new Float64Array(53 * 21);
    const starts: number[] = [];
    for await (const { rowStart, rows } of stream) {
      starts.push(rowStart);
      expect(rows.shape).toEqual([rowStart === 50 ? 3 : 10, 21]);
      got.set(rows.data, rowStart * 21);
    }
    expect(starts).toEqual([0, 10, 20, 30, 40, 50]);
    let diff = 0;
    for (let i = 0; i < got.length; i++) if (!Object.is(got[i], ref.data[i])) diff++;
    expect(diff).toBe(0);
  });

  it("rejects a bad rowsPerBlock at the call and a bad threads at the iteration", async () => {
    const P = new Categorical({ probs: [[0.5, 0.5]] });
    expect(() => pairwiseKlBlocksAsync(P, P, { rowsPerBlock: 0 })).toThrow(KullbackError);
    const it = pairwiseKlBlocksAsync(P, P, { threads: 0 })[Symbol.asyncIterator]();
    const e = await rejection(it.next());
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("threads");
  });
});

describe("knnKlAsync equals knnKl bit for bit", () => {
  const rng = new Random(11);
  const cases: [number, number, number, number, "kdtree" | "brute" | undefined, number][] = [
    // n, m, d, k, method, threads
    [301, 250, 2, 1, undefined, 2],
    [301, 250, 2, 3, "brute", 3],
    [500, 433, 8, 1, "kdtree", 2],
    [257, 300, 12, 2, undefined, 2], // auto → blocked scan
    [123, 77, 16, 1, "brute", 4],
    [5, 4, 3, 1, undefined, 8], // n < threads
  ];
  for (const [n, m, d, k, method, t] of cases) {
    it(`n=${n} m=${m} d=${d} k=${k} method=${method ?? "auto"} threads=${t}`, async () => {
      const x = samples(rng, n, d);
      const y = samples(rng, m, d, 0.5);
      const ref = knnKl(x, y, { k, method });
      const par = await knnKlAsync(x, y, { k, method, threads: t });
      expect(Object.is(par.estimate, ref.estimate)).toBe(true);
      expect(par).toEqual(ref);
    });
  }

  it("with duplicates (skip / error) and a confidence interval", async () => {
    const x = samples(rng, 400, 2);
    for (let i = 0; i < 10; i++) x[100 + i] = [...x[i]];
    const y = samples(rng, 300, 2, 1);
    y[5] = [...x[3]];
    const ref = knnKl(x, y, { onDuplicates: "skip", ci: 0.9, seed: 4, bootstrap: 20 });
    const par = await knnKlAsync(x, y, { onDuplicates: "skip", ci: 0.9, seed: 4, bootstrap: 20, threads: 2 });
    expect(par).toEqual(ref);
    expect(par.duplicates).toBeGreaterThan(0);
    for (const method of ["kdtree", "brute"] as const) {
      let sync: unknown;
      try {
        knnKl(x, y, { method });
      } catch (e) {
        sync = e;
      }
      const e = await rejection(knnKlAsync(x, y, { method, threads: 2 }));
      expect(e.code).toBe("InvalidParameter");
      expect(e.message).toBe((sync as Error).message);
    }
  });

  it("does not mutate its inputs", async () => {
    const x = samples(rng, 300, 3);
    const y = samples(rng, 200, 3);
    const sx = JSON.stringify(x);
    const sy = JSON.stringify(y);
    await knnKlAsync(x, y, { threads: 2 });
    expect(JSON.stringify(x)).toBe(sx);
    expect(JSON.stringify(y)).toBe(sy);
  });
});

describe("threads option", () => {
  const P = new Categorical({ probs: [[0.5, 0.5]] });
  const x = [[0], [1], [3]];
  const y = [[0.5], [2]];
  for (const bad of [0, -1, 1.5, NaN, 257, Infinity, "2", "all", null]) {
    it(`rejects threads = ${String(bad)}`, async () => {
      const opts = { threads: bad as unknown as number };
      for (const p of [pairwiseKlAsync(P, P, opts), knnKlAsync(x, y, opts)]) {
        const e = await rejection(p);
        expect(e.code).toBe("InvalidParameter");
        expect(e.argument).toBe("threads");
        expect(Object.is(e.value, bad)).toBe(true);
        expect(e.message).toContain("threads");
      }
    });
  }

  it('"auto" stays in the calling thread below the threshold; an explicit count starts workers', async () => {
    await shutdownThreads();
    expect(poolSize()).toBe(0);
    const rng = new Random(5);
    const Q = new Categorical({ probs: histograms(rng, 10, 4) });
    expectIdentical(pairwiseKl(Q, Q), await pairwiseKlAsync(Q, Q));
    expectIdentical(pairwiseKl(Q, Q), await pairwiseKlAsync(Q, Q, { threads: "auto" }));
    expectIdentical(pairwiseKl(Q, Q), await pairwiseKlAsync(Q, Q, { threads: 1 }));
    expect(poolSize()).toBe(0);
    await pairwiseKlAsync(Q, Q, { threads: 2 });
    expect(poolSize()).toBe(2);
    await shutdownThreads();
    expect(poolSize()).toBe(0);
    expectIdentical(pairwiseKl(Q, Q), await pairwiseKlAsync(Q, Q, { threads: 2 })); // re-created
    expect(poolSize()).toBe(2);
  });
});

describe("worker failures", () => {
  const job = (mode: "throw" | "throwKullback" | "exit") =>
    runJob({ kind: "selfTest", mode, counter: counter(), chunks: 1 }, 2);

  it("a worker that throws rejects with KullbackError WorkerFailed", async () => {
    const e = await rejection(job("throw"));
    expect(e.code).toBe("WorkerFailed");
    expect(e.message).toContain("selfTest: a worker failure");
  });

  it("a KullbackError thrown in a worker keeps its code, argument and value", async () => {
    const e = await rejection(job("throwKullback"));
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("selfTest");
    expect(e.value).toBe(1);
  });

  it("a worker that exits rejects with WorkerFailed, and the pool recovers", async () => {
    const e = await rejection(job("exit"));
    expect(e.code).toBe("WorkerFailed");
    expect(e.message).toContain("exited with code 3");
    const rng = new Random(9);
    const P = new Categorical({ probs: histograms(rng, 17, 5) });
    expectIdentical(pairwiseKl(P, P), await pairwiseKlAsync(P, P, { threads: 2 }));
  });
});

describe("built package (dist) and process lifetime", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const body = (lib: string) => `
    const P = new lib.Categorical({ probs: [[0.5, 0.5, 0], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]] });
    const Q = new lib.Categorical({ probs: [[0.5, 0, 0.5], [0.1, 0.1, 0.8]] });
    const x = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = Array.from({ length: 150 }, (_, i) => [Math.sin(2 * i) + 0.3, Math.cos(i)]);
    (async () => {
      const a = await ${lib}.pairwiseKlAsync(P, Q, { threads: 2 });
      const b = ${lib}.pairwiseKl(P, Q);
      const same = a.data.every((v, i) => Object.is(v, b.data[i]));
      const k1 = await ${lib}.knnKlAsync(x, y, { threads: 2 });
      const k2 = ${lib}.knnKl(x, y);
      console.log(JSON.stringify({ same, inf: a.data[0] === Infinity, knn: Object.is(k1.estimate, k2.estimate) }));
      // no shutdownThreads(): the idle pool must not keep the process alive
    })();`;

  function run(args: string[]) {
    return spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: 30000 });
  }

  function check(r: ReturnType<typeof run>) {
    expect(r.error).toBeUndefined(); // a timeout (the pool keeping the process alive) sets this
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ same: true, inf: true, knn: true });
  }

  it("ESM dist/index.js: threaded results equal, process exits on its own", () => {
    const code = `import * as lib from "./dist/index.js";\n${body("lib")}`;
    check(run(["--input-type=module", "-e", code]));
  });

  it("CJS dist/index.cjs: threaded results equal, process exits on its own", () => {
    const code = `const lib = require("./dist/index.cjs");\n${body("lib")}`;
    check(run(["-e", code]));
  });
});

describe("browser bundles", () => {
  it("the library bundles for the browser platform with no Node built-in pulled in", async () => {
    const { build } = await import("esbuild");
    const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    // platform "browser": any static import of node:worker_threads / node:os would fail to resolve
    const r = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      logLevel: "silent",
    });
    expect(r.errors).toEqual([]);
    const code = r.outputFiles[0].text;
    expect(code).toContain("pairwiseKlAsync");
    expect(code).not.toMatch(/from\s*["']node:/);
  });
});
