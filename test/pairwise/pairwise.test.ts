import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { evaluateCase, checkOutput } from "../../src/conformance/eval.js";
import { Random } from "../../src/core/random.js";
import { NDArray } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import type { Distribution } from "../../src/distributions/base.js";
import { Normal } from "../../src/distributions/normal.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { OneHotCategorical } from "../../src/distributions/one-hot-categorical.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../../src/distributions/multivariate-normal-diag.js";
import { LowRankMultivariateNormal } from "../../src/distributions/low-rank-multivariate-normal.js";
import { Independent } from "../../src/distributions/independent.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Poisson } from "../../src/distributions/poisson.js";
import { Dirichlet } from "../../src/distributions/dirichlet.js";
import { kl } from "../../src/kl/registry.js";
import { bhattacharyya, js } from "../../src/divergences/dispatch.js";
import { wasserstein2 } from "../../src/divergences/gaussian-distances.js";
import {
  pairwiseKl,
  pairwiseKlBlocks,
  pairwise,
  pairwiseBhattacharyya,
  pairwiseWasserstein2,
  pairwiseJs,
  batchMember,
  cancellationThreshold,
  type PairwiseProgress,
} from "../../src/pairwise/pairwise.js";
import { gemmNT } from "../../src/linalg/gemm.js";
import { enableWasm, disableWasm, defaultKernels, batchUsesWasm } from "../../src/linalg/wasm.js";

const lines = (f: string): Record<string, unknown>[] =>
  readFileSync(new URL(`../fixtures/vectors/${f}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

type PairFn = (p: Distribution, q: Distribution) => number | NDArray;

/** The per-pair loop the matrix must reproduce. */
function perPair(P: Distribution, Q: Distribution, fn: PairFn = kl): Float64Array {
  const n = P.batchShape[0];
  const m = Q.batchShape[0];
  const qs = Array.from({ length: m }, (_, j) => batchMember(Q, j));
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const p = batchMember(P, i);
    for (let j = 0; j < m; j++) out[i * m + j] = fn(p, qs[j]) as number;
  }
  return out;
}

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise, infinities exact. Returns the max relative error. */
function expectClose(a: NDArray, b: Float64Array, rtol = 1e-9, atol = 1e-12): number {
  expect(a.size).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const x = a.data[i];
    const y = b[i];
    if (!Number.isFinite(y)) {
      expect(x).toBe(y);
      continue;
    }
    const err = Math.abs(x - y);
    if (!(err <= atol + rtol * Math.abs(y))) throw new Error(`entry ${i}: got ${x}, per-pair ${y}`);
    if (y !== 0) worst = Math.max(worst, err / Math.abs(y));
    expect(x).toBeGreaterThanOrEqual(0);
  }
  return worst;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const rng = new Random(20240611);
const normal = (): number => rng.normal();

function simplex(K: number, zeros = 0): number[] {
  const v = Array.from({ length: K }, () => rng.uniform() + 0.02);
  for (let z = 0; z < zeros; z++) v[Math.floor(rng.uniform() * K)] = 0;
  if (!v.some((x) => x > 0)) v[0] = 1;
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / s);
}

/** Perturbs a probability vector by a relative amount eps (renormalised). */
function nudge(p: number[], eps: number): number[] {
  const v = p.map((x) => x * (1 + eps * normal()));
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => x / s);
}

function spd(d: number): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, normal));
  return a.map((r, i) => a.map((c, j) => r.reduce((t, x, k) => t + x * c[k], 0) / d + (i === j ? 0.5 : 0)));
}

const rows = (n: number, d: number, f: () => number): number[][] =>
  Array.from({ length: n }, () => Array.from({ length: d }, f));

// ─────────────────────────────────────────────────────────────────────────────────────────────

describe("reference vectors", () => {
  for (const c of lines("pairwise.jsonl")) {
    it(String(c.id), () => {
      const r = checkOutput(c, evaluateCase(c));
      expect(r.reason ?? "").toBe("");
      expect(r.pass).toBe(true);
    });
  }
  const errs = lines("errors.jsonl").filter((c) => c.op === "pairwiseKl");
  it("errors.jsonl has pairwise cases", () => expect(errs.length).toBeGreaterThanOrEqual(2));
  for (const c of errs) {
    it(String(c.id), () => {
      const r = checkOutput(c, evaluateCase(c));
      expect(r.reason ?? "").toBe("");
      expect(r.pass).toBe(true);
    });
  }
});

describe("gemmNT", () => {
  it("matches a naive triple loop bit for bit, any block split, any K slab", () => {
    for (const [m, n, K] of [
      [1, 1, 1],
      [5, 7, 3],
      [9, 4, 300],
      [13, 17, 600],
      [6, 530, 20],
    ]) {
      const A = Float64Array.from({ length: m * K }, normal);
      const B = Float64Array.from({ length: n * K }, normal);
      const ref = new Float64Array(m * n);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
          ref[i * n + j] = s;
        }
      // the TypeScript kernel (the WASM one sums in slabs of 256: same bits only for K ≤ 256)
      const C = new Float64Array(m * n);
      gemmNT(m, n, K, A, 0, K, B, 0, K, C, 0, n, false, "js");
      expect(sameBits(C, ref)).toBe(true);
      // split into 2 × 3 blocks with offsets and leading dimensions
      const D = new Float64Array(m * n);
      const mi = Math.floor(m / 2);
      const nj = Math.floor(n / 3);
      for (const [i0, i1] of [
        [0, mi],
        [mi, m],
      ])
        for (const [j0, j1] of [
          [0, nj],
          [nj, n],
        ])
          gemmNT(i1 - i0, j1 - j0, K, A, i0 * K, K, B, j0 * K, K, D, i0 * n + j0, n, false, "js");
      expect(sameBits(D, ref)).toBe(true);
      // accumulate: C + AᵀB once more = 2·ref
      gemmNT(m, n, K, A, 0, K, B, 0, K, C, 0, n, true, "js");
      for (let x = 0; x < m * n; x++) expect(C[x]).toBeCloseTo(2 * ref[x], 10);
    }
  });
});

describe("pairwiseKl equals the per-pair kl loop", () => {
  it("Categorical (probs, with near-identical and identical pairs)", () => {
    for (const K of [2, 5, 64]) {
      const P = Array.from({ length: 23 }, () => simplex(K));
      const Q = [...P.map((p, i) => nudge(p, 10 ** -(1 + (i % 9)))), P[0], P[3]];
      const worst = expectClose(
        pairwiseKl(new Categorical({ probs: P }), new Categorical({ probs: Q })),
        perPair(new Categorical({ probs: P }), new Categorical({ probs: Q })),
      );
      expect(worst).toBeLessThan(1e-9);
    }
  });

  it("Categorical by logits, OneHotCategorical", () => {
    const L = rows(9, 6, () => 3 * normal());
    const M = rows(11, 6, () => 3 * normal());
    const p = new Categorical({ logits: L });
    const q = new Categorical({ logits: M });
    expectClose(pairwiseKl(p, q), perPair(p, q));
    const oh = new OneHotCategorical({ logits: L });
    const oq = new OneHotCategorical({ logits: M });
    expectClose(pairwiseKl(oh, oq), perPair(oh, oq));
  });

  it("Normal (d = 1), with far means and nearly equal pairs", () => {
    const loc = Array.from({ length: 17 }, () => 100 + normal());
    const scale = Array.from({ length: 17 }, () => Math.exp(normal()));
    const p = new Normal(loc, scale);
    const q = new Normal(
      loc.map((x, i) => x + 10 ** -(i % 8) * normal()),
      scale.map((s, i) => s * (1 + 10 ** -(1 + (i % 8)) * normal())),
    );
    expect(expectClose(pairwiseKl(p, q), perPair(p, q))).toBeLessThan(1e-9);
  });

  it("MultivariateNormalDiag (variance / scale / logVariance) and Independent(Normal, 1)", () => {
    for (const d of [3, 16]) {
      const locP = rows(14, d, () => 5 + normal());
      const locQ = locP.map((r, i) => r.map((x) => x + 10 ** -(i % 7) * normal()));
      const varP = rows(14, d, () => Math.exp(normal()));
      const p = MultivariateNormalDiag.fromVariance(locP, varP);
      const q = MultivariateNormalDiag.fromScale(
        locQ,
        varP.map((r) => r.map((v) => Math.sqrt(v) * (1 + 1e-4 * normal()))),
      );
      expect(expectClose(pairwiseKl(p, q), perPair(p, q))).toBeLessThan(1e-9);
      const ql = MultivariateNormalDiag.fromLogVariance(locQ, rows(14, d, normal));
      expectClose(pairwiseKl(p, ql), perPair(p, ql));
      const ip = new Independent(
        new Normal(
          locP,
          varP.map((r) => r.map(Math.sqrt)),
        ),
        1,
      );
      const iq = new Independent(
        new Normal(
          locQ,
          rows(14, d, () => Math.exp(normal())),
        ),
        1,
      );
      expectClose(pairwiseKl(ip, iq), perPair(ip, iq));
    }
  });

  it("MultivariateNormal (covariance / scaleTril / precision), nearly equal pairs", () => {
    for (const d of [2, 6]) {
      const locP = rows(9, d, () => 3 + normal());
      const covP = Array.from({ length: 9 }, () => spd(d));
      const locQ = locP.map((r, i) => r.map((x) => x + 10 ** -(i % 9) * normal()));
      const covQ = covP.map((c, i) => c.map((r, a) => r.map((x, b) => x + (a === b ? 10 ** -(i % 9) : 0))));
      const p = MultivariateNormal.fromCovariance(locP, covP);
      const q = MultivariateNormal.fromCovariance(locQ, covQ);
      expect(expectClose(pairwiseKl(p, q), perPair(p, q))).toBeLessThan(1e-9);
      const qp = MultivariateNormal.fromPrecision(locQ, covQ);
      expectClose(pairwiseKl(p, qp), perPair(p, qp));
      const tril = covP.map((c) => c.map((r, a) => r.map((x, b) => (b <= a ? x / Math.sqrt(c[a][a]) : 0))));
      const pt = MultivariateNormal.fromScaleTril(locP, tril);
      expectClose(pairwiseKl(pt, q), perPair(pt, q));
    }
  });

  it("mixed Gaussian families: full ↔ diagonal ↔ low-rank", () => {
    const d = 5;
    const full = MultivariateNormal.fromCovariance(
      rows(7, d, normal),
      Array.from({ length: 7 }, () => spd(d)),
    );
    const diag = MultivariateNormalDiag.fromVariance(
      rows(6, d, normal),
      rows(6, d, () => Math.exp(normal())),
    );
    const lr = new LowRankMultivariateNormal(
      rows(8, d, normal),
      Array.from({ length: 8 }, () => rows(d, 2, normal)),
      rows(8, d, () => 0.5 + rng.uniform()),
    );
    for (const [a, b] of [
      [full, diag],
      [diag, full],
      [full, lr],
      [lr, full],
      [lr, diag],
      [diag, lr],
      [lr, lr],
    ] as const) {
      expectClose(pairwiseKl(a, b), perPair(a, b));
    }
  });

  it("broadcast parameters: one shared covariance, one shared location", () => {
    const d = 4;
    const shared = MultivariateNormal.fromCovariance(rows(10, d, normal), spd(d));
    const sharedLoc = MultivariateNormal.fromCovariance(
      [0.5, -1, 2, 0],
      Array.from({ length: 5 }, () => spd(d)),
    );
    expect(shared.batchShape).toEqual([10]);
    expectClose(pairwiseKl(shared, sharedLoc), perPair(shared, sharedLoc));
    expectClose(pairwiseKl(sharedLoc, shared), perPair(sharedLoc, shared));
  });

  it("families without a product form go through the per-pair loop (Gamma, Poisson, Dirichlet)", () => {
    const g = new Gamma([1, 2, 3.5], [1, 0.5, 2]);
    const h = new Gamma([2, 0.7], [1.5, 1]);
    expectClose(pairwiseKl(g, h), perPair(g, h), 0, 0);
    const po = new Poisson([0.5, 3, 10]);
    expectClose(pairwiseKl(po, po), perPair(po, po), 0, 0);
    const di = new Dirichlet([
      [1, 2, 3],
      [0.5, 0.5, 4],
    ]);
    const dq = new Dirichlet([[2, 2, 2]]);
    expectClose(pairwiseKl(di, dq), perPair(di, dq), 0, 0);
  });
});

describe("support mismatch and special entries", () => {
  it("q_k = 0 where p_k > 0 gives exactly +Infinity; p_k = 0 contributes 0; never NaN", () => {
    const p = new Categorical({
      probs: [
        [0.5, 0.5, 0],
        [0, 0, 1],
        [0.2, 0.3, 0.5],
      ],
    });
    const q = new Categorical({
      probs: [
        [0.5, 0.5, 0],
        [0.25, 0.25, 0.5],
        [0, 0, 1],
      ],
    });
    const r = pairwiseKl(p, q);
    expect(r.shape).toEqual([3, 3]);
    expect(r.get(0, 0)).toBe(0);
    expect(r.get(0, 2)).toBe(Infinity);
    expect(r.get(1, 0)).toBe(Infinity);
    expect(r.get(1, 2)).toBe(0);
    expect(r.get(2, 0)).toBe(Infinity);
    expect(r.get(2, 2)).toBe(Infinity);
    expect(r.get(1, 1)).toBeCloseTo(Math.log(2), 14);
    expect(r.get(0, 1)).toBeCloseTo(Math.log(2), 14);
    for (const v of r.data) expect(Number.isNaN(v)).toBe(false);
    expectClose(r, perPair(p, q));
  });

  it("random zeros: Infinity pattern equals the per-pair loop", () => {
    const P = Array.from({ length: 20 }, () => simplex(12, 3));
    const Q = Array.from({ length: 15 }, () => simplex(12, 3));
    const p = new Categorical({ probs: P });
    const q = new Categorical({ probs: Q });
    const r = pairwiseKl(p, q);
    const ref = perPair(p, q);
    expect(ref.some((v) => v === Infinity)).toBe(true);
    expect(ref.some((v) => Number.isFinite(v))).toBe(true);
    expectClose(r, ref);
  });

  it("identical members give exactly 0 on the diagonal", () => {
    const p = MultivariateNormal.fromCovariance(
      rows(6, 3, normal),
      Array.from({ length: 6 }, () => spd(3)),
    );
    const r = pairwiseKl(p, p);
    for (let i = 0; i < 6; i++) expect(r.get(i, i)).toBe(0);
    const c = new Categorical({ probs: Array.from({ length: 6 }, () => simplex(7)) });
    const rc = pairwiseKl(c, c);
    for (let i = 0; i < 6; i++) expect(rc.get(i, i)).toBe(0);
  });
});

describe("tiling and streaming", () => {
  const cat = (): [Distribution, Distribution] => [
    new Categorical({ probs: Array.from({ length: 37 }, () => simplex(9, 1)) }),
    new Categorical({ probs: Array.from({ length: 29 }, () => simplex(9, 1)) }),
  ];
  const diag = (): [Distribution, Distribution] => [
    MultivariateNormalDiag.fromVariance(
      rows(31, 5, normal),
      rows(31, 5, () => Math.exp(normal())),
    ),
    MultivariateNormalDiag.fromVariance(
      rows(22, 5, normal),
      rows(22, 5, () => Math.exp(normal())),
    ),
  ];
  const full = (): [Distribution, Distribution] => [
    MultivariateNormal.fromCovariance(
      rows(19, 4, normal),
      Array.from({ length: 19 }, () => spd(4)),
    ),
    new LowRankMultivariateNormal(
      rows(13, 4, normal),
      Array.from({ length: 13 }, () => rows(4, 2, normal)),
      rows(13, 4, () => 0.5 + rng.uniform()),
    ),
  ];
  for (const [name, make] of [
    ["Categorical", cat],
    ["diagonal Gaussian", diag],
    ["full/low-rank Gaussian", full],
  ] as const) {
    it(`${name}: tile 1, 7 and default give bit-identical results`, () => {
      const [p, q] = make();
      const a = pairwiseKl(p, q);
      const b = pairwiseKl(p, q, { tile: 1 });
      const c = pairwiseKl(p, q, { tile: 7 });
      expect(sameBits(a.data, b.data)).toBe(true);
      expect(sameBits(a.data, c.data)).toBe(true);
    });

    it(`${name}: streamed blocks concatenate to the full matrix (sync and async)`, async () => {
      const [p, q] = make();
      const fullM = pairwiseKl(p, q);
      const n = p.batchShape[0];
      const m = q.batchShape[0];
      const blocks = pairwiseKlBlocks(p, q, { rowsPerBlock: 6, tile: 5 });
      expect(blocks.shape).toEqual([n, m]);
      const got = new Float64Array(n * m);
      let next = 0;
      for (const { rowStart, rows: r } of blocks) {
        expect(rowStart).toBe(next);
        expect(r.shape[1]).toBe(m);
        got.set(r.data, rowStart * m);
        next += r.shape[0];
      }
      expect(next).toBe(n);
      expect(sameBits(got, fullM.data)).toBe(true);
      const got2 = new Float64Array(n * m);
      for await (const { rowStart, rows: r } of pairwiseKlBlocks(p, q, { rowsPerBlock: 100 }))
        got2.set(r.data, rowStart * m);
      expect(sameBits(got2, fullM.data)).toBe(true);
    });
  }

  it("onRows reports contiguous progress up to N", () => {
    const [p, q] = cat();
    const seen: PairwiseProgress[] = [];
    pairwiseKl(p, q, { tile: 8, onRows: (x) => seen.push(x) });
    expect(seen.length).toBe(Math.ceil(37 / 8));
    expect(seen[0].rowStart).toBe(0);
    for (let k = 1; k < seen.length; k++) expect(seen[k].rowStart).toBe(seen[k - 1].rowEnd);
    expect(seen[seen.length - 1].rowEnd).toBe(37);
    expect(seen.every((s) => s.totalRows === 37)).toBe(true);
  });

  it("rejects bad tile and block sizes", () => {
    const [p, q] = cat();
    expect(() => pairwiseKl(p, q, { tile: 0 })).toThrow(KullbackError);
    expect(() => pairwiseKl(p, q, { tile: 2.5 })).toThrow(KullbackError);
    expect(() => pairwiseKlBlocks(p, q, { rowsPerBlock: -1 })).toThrow(KullbackError);
  });
});

describe("generic pairwise and other divergences", () => {
  it("pairwise(P, Q, fn) with kl equals pairwiseKl on Gaussians; scalar batches count as one", () => {
    const p = new Normal([0, 1, 2], [1, 2, 0.5]);
    const q = new Normal([0.5, -1], [1, 3]);
    expectClose(
      pairwise(p, q, (a, b) => kl(a, b)),
      pairwiseKl(p, q).data,
      1e-13,
      1e-15,
    );
    const one = pairwiseKl(new Normal(0, 1), q);
    expect(one.shape).toEqual([1, 2]);
    expect(one.get(0, 1)).toBeCloseTo(kl(new Normal(0, 1), new Normal(-1, 3)) as number, 14);
    const custom = pairwise(p, q, (a, b) => (a as Normal).loc[0] - (b as Normal).loc[0]);
    expect(Array.from(custom.data)).toEqual([-0.5, 1, 0.5, 2, 1.5, 3]);
  });

  it("pairwiseBhattacharyya: Gaussian and Categorical equal the per-pair loop", () => {
    const g = MultivariateNormal.fromCovariance(
      rows(5, 3, normal),
      Array.from({ length: 5 }, () => spd(3)),
    );
    const h = MultivariateNormalDiag.fromVariance(
      rows(4, 3, normal),
      rows(4, 3, () => Math.exp(normal())),
    );
    expectClose(pairwiseBhattacharyya(g, h), perPair(g, h, bhattacharyya));
    const P = Array.from({ length: 8 }, () => simplex(10, 2));
    const c = new Categorical({ probs: P });
    const d = new Categorical({
      probs: [...P.slice(0, 3).map((x) => nudge(x, 1e-7)), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    });
    expectClose(pairwiseBhattacharyya(c, d), perPair(c, d, bhattacharyya));
    expectClose(pairwiseBhattacharyya(c, d, { tile: 3 }), pairwiseBhattacharyya(c, d).data, 0, 0);
  });

  it("pairwiseWasserstein2 equals the per-pair wasserstein2", () => {
    const g = MultivariateNormal.fromCovariance(
      rows(4, 3, normal),
      Array.from({ length: 4 }, () => spd(3)),
    );
    const h = new Normal([0, 3], [1, 2]);
    const h2 = new Normal([0, 3, 1], [1, 2, 1]);
    expectClose(pairwiseWasserstein2(g, g), perPair(g, g, wasserstein2), 1e-9, 1e-7);
    expectClose(pairwiseWasserstein2(h, h2), perPair(h, h2, wasserstein2));
    expect(() => pairwiseWasserstein2(new Gamma(1, 1), new Gamma(2, 1))).toThrow(KullbackError);
  });

  it("pairwiseJs: exact for Categorical (bounded by log 2), per-pair js for other discrete families", () => {
    const P = Array.from({ length: 7 }, () => simplex(6, 2));
    const c = new Categorical({ probs: [...P, [1, 0, 0, 0, 0, 0]] });
    const d = new Categorical({ probs: [...P.slice(0, 2), [0, 1, 0, 0, 0, 0]] });
    const r = pairwiseJs(c, d);
    expectClose(r, perPair(c, d, js));
    expect(r.get(7, 2)).toBeCloseTo(Math.LN2, 15);
    for (const v of r.data) expect(v).toBeLessThanOrEqual(Math.LN2 + 1e-15);
    const po = new Poisson([1, 4]);
    expectClose(pairwiseJs(po, po), perPair(po, po, js));
  });
});

describe("batchMember", () => {
  it("slices the first batch axis and keeps broadcast parameters whole", () => {
    const n = batchMember(new Normal([0, 1, 2], 1), 2) as Normal;
    expect(n.batchShape).toEqual([]);
    expect(n.loc[0]).toBe(2);
    expect(n.scale[0]).toBe(1);
    // loc [d] shared (d = N = 2: the event rank table resolves the ambiguity)
    const mvn = MultivariateNormal.fromCovariance(
      [1, 2],
      [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [2, 0],
          [0, 2],
        ],
      ],
    );
    const m1 = batchMember(mvn, 1) as MultivariateNormal;
    expect(Array.from(m1.mean().data)).toEqual([1, 2]);
    const cov = Array.from(m1.covariance().data);
    [2, 0, 0, 2].forEach((v, k) => expect(cov[k]).toBeCloseTo(v, 14));
    const ind = new Independent(new Normal(rows(3, 4, normal), 1), 1);
    const i2 = batchMember(ind, 2);
    expect(i2.batchShape).toEqual([]);
    expect(i2.eventShape).toEqual([4]);
    expect(kl(i2, batchMember(ind, 2))).toBe(0);
    const c = batchMember(
      new Categorical({
        logits: [
          [0, 1, 2],
          [3, 4, 5],
        ],
      }),
      1,
    ) as Categorical;
    expect(c.batchShape).toEqual([]);
    expect(c.numCategories).toBe(3);
    expect(() => batchMember(new Normal(0, 1), 0)).toThrow(KullbackError);
    expect(() => batchMember(new Normal([0, 1], 1), 2)).toThrow(KullbackError);
  });
});

describe("errors", () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof KullbackError ? e.code : "other";
    }
    return undefined;
  };
  it("batch rank 2, mismatched categories or dimensions, unsupported pairs", () => {
    const b2 = new Normal(
      [
        [0, 1],
        [2, 3],
      ],
      1,
    );
    expect(code(() => pairwiseKl(b2, new Normal([0], 1)))).toBe("InvalidShape");
    expect(
      code(() =>
        pairwiseKl(new Categorical({ probs: [[0.5, 0.5]] }), new Categorical({ probs: [[1, 0, 0]] })),
      ),
    ).toBe("InvalidShape");
    expect(
      code(() =>
        pairwiseKl(
          MultivariateNormalDiag.fromVariance([[0, 0]], [[1, 1]]),
          MultivariateNormalDiag.fromVariance([[0, 0, 0]], [[1, 1, 1]]),
        ),
      ),
    ).toBe("InvalidShape");
    expect(
      code(() => pairwiseKl(new Normal([0], 1), MultivariateNormalDiag.fromVariance([[0]], [[1]]))),
    ).toBe("NotImplemented");
  });

  it("empty batches give empty matrices", () => {
    const p = new Categorical({ probs: { data: new Float64Array(0), shape: [0, 3] } });
    const q = new Categorical({ probs: [[0.2, 0.3, 0.5]] });
    expect(pairwiseKl(p, q).shape).toEqual([0, 1]);
    expect(pairwiseKl(q, p).shape).toEqual([1, 0]);
  });
});

describe("accuracy contract", () => {
  it("the cancellation threshold is u·√(K+4)/1e-10", () => {
    expect(cancellationThreshold(64)).toBeCloseTo((2 ** -53 * Math.sqrt(68)) / 1e-10, 20);
    expect(cancellationThreshold(1)).toBeGreaterThan(0);
  });
});

describe("WASM SIMD product (when enabled)", () => {
  it("gives the TypeScript results bit for bit for K ≤ 256, and tile-independent results for K > 256", () => {
    const P = new Categorical({ probs: Array.from({ length: 21 }, () => simplex(64, 2)) });
    const Q = new Categorical({ probs: Array.from({ length: 18 }, () => simplex(64, 2)) });
    const g = MultivariateNormal.fromCovariance(
      rows(11, 6, normal),
      Array.from({ length: 11 }, () => spd(6)),
    );
    const big = MultivariateNormal.fromCovariance(
      rows(9, 24, normal),
      Array.from({ length: 9 }, () => spd(24)),
    );
    const jsCat = pairwiseKl(P, Q);
    const jsG = pairwiseKl(g, g);
    const jsBig = pairwiseKl(big, big);
    const on = enableWasm();
    try {
      if (!on) {
        // no WebAssembly SIMD here: the TypeScript path is the only one and must still answer
        expect(sameBits(pairwiseKl(P, Q).data, jsCat.data)).toBe(true);
        return;
      }
      expect(sameBits(pairwiseKl(P, Q).data, jsCat.data)).toBe(true);
      expect(sameBits(pairwiseKl(g, g, { tile: 5 }).data, jsG.data)).toBe(true);
      const w1 = pairwiseKl(big, big);
      const w2 = pairwiseKl(big, big, { tile: 4 });
      expect(sameBits(w1.data, w2.data)).toBe(true);
      expectClose(w1, jsBig.data, 1e-9, 1e-12);
      expectClose(w1, perPair(big, big), 1e-9, 1e-12);
    } finally {
      defaultKernels();
    }
  });

  it("default kernels: large tiles with K ≤ 256 go to WASM, with the same bits as pure TypeScript", () => {
    const P = new Categorical({ probs: Array.from({ length: 70 }, () => simplex(64)) });
    const Q = new Categorical({ probs: Array.from({ length: 90 }, () => simplex(64, 1)) });
    defaultKernels();
    const viaDefault = pairwiseKl(P, Q);
    expect(batchUsesWasm(70 * 90 * 64)).toBe(true); // WebAssembly SIMD exists in Node 20
    const A = Float64Array.from({ length: 40 * 300 }, () => rng.normal());
    const B = Float64Array.from({ length: 40 * 300 }, () => rng.normal());
    const big = new Float64Array(40 * 40);
    gemmNT(40, 40, 300, A, 0, 300, B, 0, 300, big, 0, 40); // K > 256 stays in TypeScript
    disableWasm();
    try {
      expect(sameBits(viaDefault.data, pairwiseKl(P, Q).data)).toBe(true);
      expect(viaDefault.data.some((v) => v === Infinity)).toBe(true);
      const ts = new Float64Array(40 * 40);
      gemmNT(40, 40, 300, A, 0, 300, B, 0, 300, ts, 0, 40);
      expect(sameBits(big, ts)).toBe(true);
    } finally {
      defaultKernels();
    }
  });
});

describe("pairwiseKl at scales of 1e±200 (the product form overflows; entries are recomputed per pair)", () => {
  it("diagonal, univariate and full covariances: the same matrix as at scale 1", () => {
    const build = (c: number): [Distribution, Distribution][] => [
      [
        MultivariateNormalDiag.fromScale(
          [
            [0.3 * c, -c],
            [c, 0],
          ],
          [
            [1.5 * c, 0.7 * c],
            [c, 2 * c],
          ],
        ),
        MultivariateNormalDiag.fromScale([[-0.2 * c, 0.5 * c]], [[0.9 * c, 2 * c]]),
      ],
      [new Normal([0, c], [c, 2 * c]), new Normal([c], [3 * c])],
      [
        MultivariateNormal.fromScaleTril(
          [
            [0.3 * c, -c],
            [c, 0],
          ],
          [
            [c, 0],
            [0.4 * c, 0.7 * c],
          ],
        ),
        MultivariateNormal.fromScaleTril(
          [[-0.2 * c, 0.5 * c]],
          [
            [0.9 * c, 0],
            [-0.3 * c, 2 * c],
          ],
        ),
      ],
    ];
    const ref = build(1).map(([p, q]) => pairwiseKl(p, q).data);
    for (const c of [1e-200, 1e-160, 1e160, 1e200]) {
      build(c).forEach(([p, q], k) => {
        const got = pairwiseKl(p, q).data;
        for (let i = 0; i < got.length; i++)
          expect(Math.abs(got[i] - ref[k][i])).toBeLessThan(1e-12 * ref[k][i]);
      });
    }
  });
});

describe("fused WASM categorical kernel (src/linalg/catkl.ts)", () => {
  /** The matrix with the default kernels (fused WASM path) and with pure TypeScript. */
  const both = (P: Distribution, Q: Distribution): [Float64Array, Float64Array] => {
    defaultKernels();
    const a = pairwiseKl(P, Q).data;
    disableWasm();
    try {
      return [a, pairwiseKl(P, Q).data];
    } finally {
      defaultKernels();
    }
  };

  it("support masks over more than 32 zero columns (two mask words): the TypeScript bits, exact infinities", () => {
    // K = 80, zeros scattered so that more than 32 columns hold a zero somewhere
    const P = new Categorical({ probs: Array.from({ length: 60 }, () => simplex(80, 3)) });
    const Q = new Categorical({ probs: Array.from({ length: 150 }, () => simplex(80, 3)) });
    expect(batchUsesWasm(60 * 150 * 80)).toBe(true);
    const [fast, ts] = both(P, Q);
    expect(sameBits(fast, ts)).toBe(true);
    const inf = fast.filter((v) => v === Infinity).length;
    expect(inf).toBeGreaterThan(0);
    expect(inf).toBeLessThan(fast.length);
    expect(fast.every((v) => v >= 0)).toBe(true);
    expectClose(pairwiseKl(P, Q), perPair(P, Q), 1e-9, 1e-12);
  });

  it("cancelling pairs (p ≈ q) are recomputed exactly, also when a chunk flags more than it can list", () => {
    const base = Array.from({ length: 5 }, () => simplex(64));
    // 300 rows that are copies or tiny perturbations of 5 histograms: nearly every pair cancels,
    // far more than the 256 flagged entries a column chunk lists (its NaN markers are scanned)
    const P = new Categorical({
      probs: Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? base[i % 5] : nudge(base[i % 5], 1e-9))),
    });
    const Q = new Categorical({ probs: Array.from({ length: 260 }, (_, j) => base[j % 5]) });
    const [fast, ts] = both(P, Q);
    expect(sameBits(fast, ts)).toBe(true);
    expect(fast.some((v) => Number.isNaN(v))).toBe(false);
    // identical rows give exactly 0
    expect(fast[0 * 260 + 0]).toBe(0);
    expect(fast.every((v) => v >= 0 && v < Infinity)).toBe(true);
    expectClose(pairwiseKl(P, Q), perPair(P, Q), 1e-9, 1e-14);
  });

  it("after enableWasm(), K > 256 (several K slabs): agrees with the per-pair loop; the same for any tile", () => {
    const P = new Categorical({ probs: Array.from({ length: 40 }, () => simplex(300, 2)) });
    const Q = new Categorical({ probs: Array.from({ length: 70 }, () => simplex(300, 2)) });
    const ref = perPair(P, Q);
    enableWasm();
    try {
      const a = pairwiseKl(P, Q);
      expect(sameBits(a.data, pairwiseKl(P, Q, { tile: 7 }).data)).toBe(true);
      expect(a.data.some((v) => v === Infinity)).toBe(true);
      expectClose(a, ref, 1e-9, 1e-12);
    } finally {
      defaultKernels();
    }
  });

  it("reuseBuffer: every block is written into one buffer; the blocks still equal the matrix", () => {
    const P = new Categorical({ probs: Array.from({ length: 23 }, () => simplex(64, 1)) });
    const Q = new Categorical({ probs: Array.from({ length: 40 }, () => simplex(64, 1)) });
    const full = pairwiseKl(P, Q).data;
    let buffer: ArrayBufferLike | null = null;
    let rowsSeen = 0;
    for (const { rowStart, rows: r } of pairwiseKlBlocks(P, Q, { rowsPerBlock: 10, reuseBuffer: true })) {
      buffer ??= r.data.buffer;
      expect(r.data.buffer).toBe(buffer);
      expect(r.data.byteOffset).toBe(0);
      expect(r.shape).toEqual([Math.min(10, 23 - rowStart), 40]);
      expect(sameBits(r.data, full.subarray(rowStart * 40, rowStart * 40 + r.data.length))).toBe(true);
      rowsSeen += r.shape[0];
    }
    expect(rowsSeen).toBe(23);
    // without it, each block has its own array
    const bufs = new Set([...pairwiseKlBlocks(P, Q, { rowsPerBlock: 10 })].map((b) => b.rows.data.buffer));
    expect(bufs.size).toBe(3);
    let err: unknown;
    try {
      pairwiseKlBlocks(P, Q, { reuseBuffer: "yes" as unknown as boolean });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KullbackError);
    expect((err as KullbackError).code).toBe("InvalidParameter");
    expect((err as KullbackError).message).toMatch(/reuseBuffer/);
  });
});
