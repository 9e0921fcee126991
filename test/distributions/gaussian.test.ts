import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Independent,
  KullbackError,
  LowRankMultivariateNormal,
  MultivariateNormal,
  MultivariateNormalDiag,
  NDArray,
  Normal,
  crossEntropy,
  entropy,
  fromJSON,
  jeffreys,
  kl,
  toJSON,
} from "../../src/index.js";
import { runs } from "../helpers.js";

// ── an independent dense reference (Gauss–Jordan inverse and LU determinant, test-only) ──
type Mat = number[][];
function inv(a: Mat): Mat {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...r.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((r) => r.slice(n));
}
function logdet(a: Mat): number {
  const n = a.length;
  const m = a.map((r) => [...r]);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    s += Math.log(Math.abs(m[c][c]));
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let j = c; j < n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return s;
}
const matmul = (a: Mat, b: Mat): Mat =>
  a.map((r) => b[0].map((_, j) => r.reduce((s, x, k) => s + x * b[k][j], 0)));
const transpose = (a: Mat): Mat => a[0].map((_, j) => a.map((r) => r[j]));
function klRef(m0: number[], s0: Mat, m1: number[], s1: Mat): number {
  const d = m0.length;
  const i1 = inv(s1);
  const tr = matmul(i1, s0).reduce((s, r, i) => s + r[i], 0);
  const dm = m1.map((x, i) => x - m0[i]);
  const q = dm.reduce((s, x, i) => s + x * i1[i].reduce((t, y, j) => t + y * dm[j], 0), 0);
  return 0.5 * (tr + q - d + logdet(s1) - logdet(s0));
}

// ── generators ──
const dims = [1, 2, 3, 5];
function spd(d: number, seed: number[]): Mat {
  const a: Mat = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => seed[(i * d + j) % seed.length]),
  );
  const s = matmul(a, transpose(a));
  return s.map((r, i) => r.map((x, j) => x + (i === j ? 0.5 : 0)));
}
const arbGaussian = (d: number) =>
  fc.record({
    mu: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d, maxLength: d }),
    a: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: d * d, maxLength: d * d }),
  });

describe("Gaussian KL against an independent dense reference", () => {
  it("the issue's example: full covariance vs diagonal given by log-variance", () => {
    const p = MultivariateNormal.fromCovariance(
      [0, 0],
      [
        [1, 0.3],
        [0.3, 2],
      ],
    );
    const q = MultivariateNormalDiag.fromLogVariance([1, -1], [0.1, -0.2]);
    const ref = klRef(
      [0, 0],
      [
        [1, 0.3],
        [0.3, 2],
      ],
      [1, -1],
      [
        [Math.exp(0.1), 0],
        [0, Math.exp(-0.2)],
      ],
    );
    expect(kl(p, q) as number).toBeCloseTo(ref, 12);
  });

  for (const d of dims) {
    it(`random full-covariance pairs, d=${d}, all parametrisations agree`, () => {
      fc.assert(
        fc.property(arbGaussian(d), arbGaussian(d), (g0, g1) => {
          const s0 = spd(d, g0.a);
          const s1 = spd(d, g1.a);
          const ref = klRef(g0.mu, s0, g1.mu, s1);
          const p = MultivariateNormal.fromCovariance(g0.mu, s0);
          const q = MultivariateNormal.fromCovariance(g1.mu, s1);
          const qp = MultivariateNormal.fromPrecision(g1.mu, inv(s1));
          const v = kl(p, q) as number;
          expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(ref)));
          expect(Math.abs((kl(p, qp) as number) - ref)).toBeLessThanOrEqual(
            1e-7 * Math.max(1, Math.abs(ref)),
          );
        }),
        { numRuns: runs(40) },
      );
    });
  }

  it("low-rank (Woodbury) matches the same covariance given densely, in every mix", () => {
    const W = [
      [1, 0.2],
      [0.5, -0.3],
      [0, 1],
      [0.3, 0.3],
    ];
    const D = [0.5, 1, 2, 0.7];
    const cov = W.map((r, i) => W.map((s, j) => r[0] * s[0] + r[1] * s[1] + (i === j ? D[i] : 0)));
    const lr = new LowRankMultivariateNormal([0, 1, 0, -1], W, D);
    const full = MultivariateNormal.fromCovariance([0, 1, 0, -1], cov);
    const other = MultivariateNormal.fromCovariance(
      [1, 0, 0.5, 0],
      spd(4, [0.3, -0.2, 0.5, 0.1, 0.9, 0.4, -0.6]),
    );
    const diag = MultivariateNormalDiag.fromVariance([0.2, 0.1, 0, 0], [1, 2, 0.5, 1.5]);
    const lr2 = new LowRankMultivariateNormal([0, 0, 0, 0], [[0.1], [0.2], [0.3], [0.4]], [1, 1, 1, 1]);
    for (const o of [other, diag, lr2]) {
      expect(kl(lr, o) as number).toBeCloseTo(kl(full, o) as number, 10);
      expect(kl(o, lr) as number).toBeCloseTo(kl(o, full) as number, 10);
    }
    expect(lr.entropy() as number).toBeCloseTo(full.entropy() as number, 12);
    expect(lr.logProb([0.3, 0.2, 0.1, 0]) as number).toBeCloseTo(
      full.logProb([0.3, 0.2, 0.1, 0]) as number,
      12,
    );
  });

  it("Independent(Normal, 1) equals the diagonal Gaussian and mixes with MVN", () => {
    const ind = new Independent(new Normal([0, 1, -1], [1, 2, 0.5]), 1);
    const diag = MultivariateNormalDiag.fromScale([0, 1, -1], [1, 2, 0.5]);
    const full = MultivariateNormal.fromCovariance(
      [1, 1, 1],
      [
        [2, 0.1, 0],
        [0.1, 1, 0.2],
        [0, 0.2, 1],
      ],
    );
    expect(kl(ind, full)).toBeCloseTo(kl(diag, full) as number, 12);
    expect(kl(full, ind)).toBeCloseTo(kl(full, diag) as number, 12);
    expect(kl(ind, ind)).toBe(0);
    expect(ind.entropy() as number).toBeCloseTo(diag.entropy() as number, 12);
  });

  it("univariate Normal: closed form ½(σp²/σq² − 1 − log(σp²/σq²) + (μp−μq)²/σq²)", () => {
    expect(kl(new Normal(0, 1), new Normal(1, 2)) as number).toBeCloseTo(Math.log(2) + (1 + 1) / 8 - 0.5, 14);
  });
});

describe("numerical care", () => {
  it("KL(p ‖ p) is exactly 0 for every family, batched too", () => {
    const cases = [
      new Normal([0, 1, 2], [1, 2, 3]),
      MultivariateNormal.fromCovariance(
        [
          [0, 1],
          [2, 3],
        ],
        [
          [2.3, 0.7],
          [0.7, 1.1],
        ],
      ),
      MultivariateNormal.fromPrecision(
        [0.5, 1],
        [
          [3.1, -0.9],
          [-0.9, 0.77],
        ],
      ),
      MultivariateNormal.fromScaleTril(
        [0.5, 1],
        [
          [1.7, 0],
          [-0.3, 0.29],
        ],
      ),
      MultivariateNormalDiag.fromLogVariance(
        [
          [0, 1],
          [1, 1],
        ],
        [
          [-700, 3],
          [0.1, 0.2],
        ],
      ),
      new LowRankMultivariateNormal([0, 0, 1], [[1], [2], [3]], [0.1, 0.2, 0.3]),
    ];
    for (const p of cases) {
      const v = kl(p, p);
      const arr = typeof v === "number" ? [v] : Array.from(v.data);
      for (const x of arr) expect(x).toBe(0);
    }
    // equal parameters in distinct objects: exactly 0 too
    const a = MultivariateNormal.fromCovariance([1, 2, 3], spd(3, [0.4, 0.1, -0.7, 0.3]));
    const b = MultivariateNormal.fromCovariance([1, 2, 3], spd(3, [0.4, 0.1, -0.7, 0.3]));
    expect(kl(a, b)).toBe(0);
  });

  it("KL ≥ 0 always, including near-identical pairs", () => {
    fc.assert(
      fc.property(arbGaussian(3), fc.double({ min: -1e-9, max: 1e-9, noNaN: true }), (g, eps) => {
        const s = spd(3, g.a);
        const p = MultivariateNormal.fromCovariance(g.mu, s);
        const q = MultivariateNormal.fromCovariance(
          g.mu.map((x) => x + eps),
          s.map((r, i) => r.map((x, j) => x * (1 + (i === j ? eps : 0)))),
        );
        expect(kl(p, q) as number).toBeGreaterThanOrEqual(0);
        expect(kl(q, p) as number).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runs(100) },
    );
  });

  it("near-identical diagonal pairs keep ≥ 8 correct digits (KL ≈ 1e-10)", () => {
    // KL = ½ Σ φ(t_i), φ(t) = eᵗ − 1 − t, t = log-variance difference; reference series to t⁴
    const t = [1e-5, -2e-5, 1.5e-5];
    const ref = 0.5 * t.reduce((s, x) => s + (x * x) / 2 + (x * x * x) / 6 + (x * x * x * x) / 24, 0);
    const v = kl(
      MultivariateNormalDiag.fromLogVariance([0, 0, 0], t),
      MultivariateNormalDiag.standard(3),
    ) as number;
    expect(ref).toBeGreaterThan(1e-11);
    expect(Math.abs(v - ref) / ref).toBeLessThan(1e-8);
  });

  it("log-variances down to −700 stay in log space (no overflow, no NaN)", () => {
    const p = MultivariateNormalDiag.fromLogVariance([0.5, 0], [-700, -690]);
    const v = kl(p, MultivariateNormalDiag.standard(2)) as number;
    // ½ Σ (σ² + μ² − 1 − log σ²)
    const ref = 0.5 * (Math.exp(-700) + 0.25 - 1 + 700 + Math.exp(-690) + 0 - 1 + 690);
    expect(v).toBeCloseTo(ref, 10);
    const back = kl(MultivariateNormalDiag.standard(2), p) as number;
    expect(Number.isFinite(back) || back === Infinity).toBe(true);
    expect(Number.isNaN(back)).toBe(false);
  });

  it("a shared invertible affine map leaves KL unchanged", () => {
    fc.assert(
      fc.property(arbGaussian(3), arbGaussian(3), arbGaussian(3), (g0, g1, gA) => {
        const s0 = spd(3, g0.a);
        const s1 = spd(3, g1.a);
        const A = spd(3, gA.a); // SPD ⇒ invertible
        const b = gA.mu;
        const map = (mu: number[], s: Mat): [number[], Mat] => [
          A.map((r, i) => r.reduce((t, x, j) => t + x * mu[j], 0) + b[i]),
          matmul(matmul(A, s), transpose(A)),
        ];
        const base = kl(
          MultivariateNormal.fromCovariance(g0.mu, s0),
          MultivariateNormal.fromCovariance(g1.mu, s1),
        ) as number;
        const [m0, t0] = map(g0.mu, s0);
        const [m1, t1] = map(g1.mu, s1);
        const sym = (s: Mat): Mat => s.map((r, i) => r.map((x, j) => 0.5 * (x + s[j][i])));
        const moved = kl(
          MultivariateNormal.fromCovariance(m0, sym(t0)),
          MultivariateNormal.fromCovariance(m1, sym(t1)),
        ) as number;
        expect(Math.abs(moved - base)).toBeLessThanOrEqual(1e-6 * Math.max(1, base));
      }),
      { numRuns: runs(40) },
    );
  });

  it("closed form agrees with a Monte Carlo estimate within 5 standard errors", () => {
    const pairs: [import("../../src/index.js").Distribution, import("../../src/index.js").Distribution][] = [
      [
        MultivariateNormal.fromCovariance(
          [0, 1],
          [
            [1, 0.3],
            [0.3, 2],
          ],
        ),
        MultivariateNormalDiag.fromLogVariance([1, -1], [0.1, -0.2]),
      ],
      [
        new LowRankMultivariateNormal([0, 0, 0], [[1], [0.5], [0.2]], [0.5, 0.5, 0.5]),
        MultivariateNormal.fromCovariance(
          [0.3, 0, 0],
          [
            [1, 0, 0],
            [0, 2, 0.1],
            [0, 0.1, 1],
          ],
        ),
      ],
      [new Normal(0.5, 0.7), new Normal(0, 1.3)],
    ];
    for (const [p, q] of pairs) {
      const n = 20000;
      const x = p.sample(n, { seed: 7 });
      const lp = p.logProb(x) as NDArray;
      const lq = q.logProb(x) as NDArray;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const r = lp.data[i] - lq.data[i];
        s += r;
        s2 += r * r;
      }
      const mean = s / n;
      const se = Math.sqrt((s2 / n - mean * mean) / n);
      expect(Math.abs(mean - (kl(p, q) as number))).toBeLessThan(5 * se);
    }
  });
});

describe("batching and broadcasting", () => {
  it("batched result equals the loop of single results, with broadcasting between p and q", () => {
    const mus = [
      [0, 0],
      [1, 0],
      [0, 1],
      [3, -3],
    ];
    const cov = [
      [2, 0.5],
      [0.5, 1],
    ];
    const covs = [
      [
        [1, 0.2],
        [0.2, 1],
      ],
      [
        [2, 0],
        [0, 0.5],
      ],
      [
        [1.5, -0.4],
        [-0.4, 0.9],
      ],
      [
        [0.7, 0.1],
        [0.1, 0.3],
      ],
    ];
    const p = MultivariateNormal.fromCovariance(mus, cov);
    const q = MultivariateNormal.fromCovariance([0.5, 0.5], covs);
    const v = kl(p, q) as NDArray;
    expect(v.shape).toEqual([4]);
    for (let i = 0; i < 4; i++) {
      const single = kl(
        MultivariateNormal.fromCovariance(mus[i], cov),
        MultivariateNormal.fromCovariance([0.5, 0.5], covs[i]),
      ) as number;
      expect(v.data[i]).toBeCloseTo(single, 13);
    }
    // [3,1] against [4] broadcasts to [3,4]
    const p2 = MultivariateNormalDiag.fromLogVariance([[[0, 0]], [[1, 1]], [[2, 0]]], [0.1, 0.2]);
    const q2 = MultivariateNormalDiag.fromScale(mus, [1, 2]);
    const m = kl(p2, q2) as NDArray;
    expect(m.shape).toEqual([3, 4]);
    const single = kl(
      MultivariateNormalDiag.fromLogVariance([2, 0], [0.1, 0.2]),
      MultivariateNormalDiag.fromScale(mus[3], [1, 2]),
    ) as number;
    expect(m.get(2, 3)).toBeCloseTo(single, 14);
  });

  it("the VAE case: (mu, logVar) batch against N(0, I) returns one value per row", () => {
    const B = 64;
    const d = 16;
    const mu = Array.from({ length: B }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(i + j)));
    const lv = Array.from({ length: B }, (_, i) =>
      Array.from({ length: d }, (_, j) => Math.cos(i * j) - 0.5),
    );
    const v = kl(
      MultivariateNormalDiag.fromLogVariance(mu, lv),
      MultivariateNormalDiag.standard(d),
    ) as NDArray;
    expect(v.shape).toEqual([B]);
    for (let i = 0; i < B; i++) {
      let ref = 0;
      for (let j = 0; j < d; j++) ref += 0.5 * (Math.exp(lv[i][j]) + mu[i][j] ** 2 - 1 - lv[i][j]);
      expect(v.data[i]).toBeCloseTo(ref, 11);
    }
  });

  it("shapes that do not broadcast raise InvalidShape naming both sides", () => {
    const p = new Normal([0, 0, 0], 1);
    const q = new Normal([0, 0, 0, 0], 1);
    try {
      kl(p, q);
      expect.unreachable();
    } catch (e) {
      expect((e as KullbackError).code).toBe("InvalidShape");
      expect((e as Error).message).toMatch(/\[3\].*\[4\]/);
    }
  });
});

describe("errors and validation", () => {
  const codeOf = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return (e as KullbackError).code;
    }
    return undefined;
  };

  it("reports the failing Cholesky pivot and the batch index", () => {
    try {
      MultivariateNormal.fromCovariance(
        [0, 0, 0],
        [
          [
            [1, 0, 0],
            [0, 1, 0],
            [0, 0, 1],
          ],
          [
            [1, 0.9, 0.9],
            [0.9, 1, -0.9],
            [0.9, -0.9, 1],
          ],
        ],
      );
      expect.unreachable();
    } catch (e) {
      const err = e as KullbackError;
      expect(err.code).toBe("NotPositiveDefinite");
      expect(err.argument).toBe("covariance");
      expect(err.index).toEqual([1]);
      expect(err.message).toMatch(/pivot 3/);
      expect(err.message).toMatch(/batch index \[1\]/);
    }
  });

  it("an asymmetric covariance names the first offending entry in row-major order (tiled check)", () => {
    const d = 70;
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) c[i * d + i] = 2;
    c[65 * d + 3] = 0.5; // tile (64.., 0..) holds [65, 3] ...
    c[40 * d + 33] = 0.25; // ... but [40, 33] comes first row-major
    try {
      MultivariateNormal.fromCovariance(new Float64Array(d), { data: c, shape: [d, d] });
      expect.unreachable();
    } catch (e) {
      const err = e as KullbackError;
      expect(err.code).toBe("NotPositiveDefinite");
      expect(err.message).toMatch(/not symmetric: entry \[40, 33\] = 0.25 but \[33, 40\] = 0/);
    }
    // symmetric to 1e-10 relative passes
    c[65 * d + 3] = 0;
    c[40 * d + 33] = 1e-11;
    expect(() =>
      MultivariateNormal.fromCovariance(new Float64Array(d), { data: c, shape: [d, d] }),
    ).not.toThrow();
  });

  it("negative scale names the argument, the index and the value", () => {
    try {
      new Normal([0, 0], [1, -2]);
      expect.unreachable();
    } catch (e) {
      const err = e as KullbackError;
      expect(err.code).toBe("InvalidParameter");
      expect(err.message).toBe("scale at batch index [1] must be positive and finite; got -2");
    }
  });

  it("error codes for the common mistakes", () => {
    expect(
      codeOf(() =>
        MultivariateNormal.fromCovariance(
          [0, 0, 0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe("InvalidShape");
    expect(
      codeOf(() =>
        MultivariateNormal.fromCovariance(
          [0, 0],
          [
            [1, 0.5],
            [0.2, 1],
          ],
        ),
      ),
    ).toBe("NotPositiveDefinite");
    expect(
      codeOf(() =>
        MultivariateNormal.fromScaleTril(
          [0, 0],
          [
            [1, 0],
            [0.5, -1],
          ],
        ),
      ),
    ).toBe("NotPositiveDefinite");
    expect(codeOf(() => MultivariateNormalDiag.fromVariance([0, 0], [1, 0]))).toBe("InvalidParameter");
    expect(codeOf(() => MultivariateNormalDiag.fromLogVariance([0, NaN], [1, 0]))).toBe("InvalidParameter");
    expect(codeOf(() => new LowRankMultivariateNormal([0, 0, 0], [[1], [1]], [1, 1, 1]))).toBe(
      "InvalidShape",
    );
    expect(codeOf(() => kl(MultivariateNormalDiag.standard(2), MultivariateNormalDiag.standard(3)))).toBe(
      "InvalidShape",
    );
    expect(codeOf(() => new Normal([[0, 1], [2]] as unknown as number[], 1))).toBe("InvalidShape");
  });

  it("validation can be turned off; inputs are never mutated", () => {
    const cov = [
      [2, 0.5],
      [0.5, 1],
    ];
    const copy = JSON.stringify(cov);
    const loc = new Float64Array([1, 2]);
    const p = MultivariateNormal.fromCovariance(loc, cov, { validate: false });
    kl(p, MultivariateNormal.fromPrecision([0, 0], cov));
    p.sample(3, { seed: 1 });
    expect(JSON.stringify(cov)).toBe(copy);
    expect(Array.from(loc)).toEqual([1, 2]);
    expect(() => new Normal(0, -1, { validate: false })).not.toThrow();
  });
});

describe("distribution methods", () => {
  it("entropy, cross-entropy and Jeffreys are consistent", () => {
    const p = MultivariateNormal.fromCovariance(
      [0, 1],
      [
        [1, 0.3],
        [0.3, 2],
      ],
    );
    const q = MultivariateNormalDiag.fromVariance([1, 0], [1.5, 0.5]);
    expect(entropy(p) as number).toBeCloseTo(
      0.5 * (2 * (1 + Math.log(2 * Math.PI)) + Math.log(2 - 0.09)),
      13,
    );
    expect(crossEntropy(p, q) as number).toBeCloseTo((entropy(p) as number) + (kl(p, q) as number), 13);
    expect(jeffreys(p, q) as number).toBeCloseTo((kl(p, q) as number) + (kl(q, p) as number), 13);
  });

  it("logProb matches the density formula and broadcasts x against the batch", () => {
    const p = MultivariateNormal.fromCovariance(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [1, 0.3],
        [0.3, 2],
      ],
    );
    const lp = p.logProb([0.5, -0.5]) as NDArray;
    expect(lp.shape).toEqual([2]);
    const s = [
      [1, 0.3],
      [0.3, 2],
    ];
    const si = inv(s);
    const ref = (x: number[]) =>
      -0.5 *
      (2 * Math.log(2 * Math.PI) +
        logdet(s) +
        x.reduce((t, a, i) => t + a * si[i].reduce((u, b, j) => u + b * x[j], 0), 0));
    expect(lp.data[0]).toBeCloseTo(ref([0.5, -0.5]), 13);
    expect(lp.data[1]).toBeCloseTo(ref([-0.5, -1.5]), 13);
  });

  it("sampling is seeded, reproducible and has the right moments", () => {
    const p = MultivariateNormal.fromCovariance(
      [1, -2],
      [
        [1, 0.6],
        [0.6, 2],
      ],
    );
    const a = p.sample(20000, { seed: 42 });
    const b = p.sample(20000, { seed: 42 });
    const c = p.sample(5, { seed: 43 });
    expect(a.shape).toEqual([20000, 2]);
    expect(Array.from(a.data.subarray(0, 10))).toEqual(Array.from(b.data.subarray(0, 10)));
    expect(c.data[0]).not.toBe(a.data[0]);
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < 20000; i++) {
      m0 += a.data[2 * i];
      m1 += a.data[2 * i + 1];
    }
    expect(m0 / 20000).toBeCloseTo(1, 1);
    expect(m1 / 20000).toBeCloseTo(-2, 1);
    let cxy = 0;
    for (let i = 0; i < 20000; i++) cxy += (a.data[2 * i] - m0 / 20000) * (a.data[2 * i + 1] - m1 / 20000);
    expect(cxy / 20000).toBeGreaterThan(0.5);
    expect(cxy / 20000).toBeLessThan(0.7);
  });

  it("the generator is pinned: the first draws of seed 1 never change across platforms", () => {
    const x = new Normal(0, 1).sample(3, { seed: 1 }) as NDArray;
    expect(Array.from(x.data).map((v) => v.toFixed(12))).toMatchSnapshot();
  });

  it("JSON round trip preserves the parametrisation and the values", () => {
    const ds = [
      MultivariateNormal.fromPrecision(
        [0, 1],
        [
          [2, 0.1],
          [0.1, 1],
        ],
      ),
      MultivariateNormalDiag.fromLogVariance([0, 1], [-1, 2]),
      new LowRankMultivariateNormal([0, 1], [[1], [2]], [1, 1]),
      new Independent(new Normal([0, 1], [1, 2]), 1),
      new Normal([0, 1], 2),
    ];
    for (const d of ds) {
      const j = toJSON(d);
      const back = fromJSON(JSON.parse(JSON.stringify(j)));
      expect(back.family).toBe(d.family);
      expect(kl(d, back)).toSatisfy((v: number | NDArray) =>
        typeof v === "number" ? v === 0 : v.data.every((x) => x === 0),
      );
    }
    expect(
      toJSON(
        MultivariateNormal.fromPrecision(
          [0, 1],
          [
            [2, 0.1],
            [0.1, 1],
          ],
        ),
      ),
    ).toHaveProperty("precision");
  });
});
