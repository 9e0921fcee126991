/**
 * Gaussian mixtures and the KL approximations between them: the one-component reductions to the
 * Gaussian closed form, and bracketing of Monte Carlo estimates by the bounds on random small
 * mixtures. (gmm.jsonl and its error cases run in test/conformance/vectors.test.ts.)
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { GaussianMixture } from "../../src/distributions/gaussian-mixture.js";
import { Normal } from "../../src/distributions/normal.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../../src/distributions/multivariate-normal-diag.js";
import { LowRankMultivariateNormal } from "../../src/distributions/low-rank-multivariate-normal.js";
import { Random } from "../../src/core/random.js";
import { KullbackError } from "../../src/core/errors.js";
import { kl } from "../../src/kl/registry.js";
import { fromJSON, toJSON } from "../../src/distributions/json.js";
import { gmmKl, componentKlMatrix, type GmmKlMethod } from "../../src/estimators/gmm-kl.js";
import { klMonteCarlo, crossEntropyMonteCarlo } from "../../src/estimators/monte-carlo.js";
import { runs } from "../helpers.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof KullbackError) return e.code;
    throw e;
  }
  return undefined;
}

/** A random SPD matrix A Aᵀ + εI (d × d) as nested arrays. */
function randomSpd(rng: Random, d: number, eps = 0.2): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal() * 0.8));
  return Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let s = i === j ? eps : 0;
      for (let k = 0; k < d; k++) s += a[i][k] * a[j][k];
      return s;
    }),
  );
}

function randomWeights(rng: Random, K: number): number[] {
  const w = Array.from({ length: K }, () => 0.2 + rng.uniform());
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((x) => x / s);
}

function randomMixture(rng: Random, K: number, d: number, full: boolean): GaussianMixture {
  const w = randomWeights(rng, K);
  const loc = Array.from({ length: K }, () => Array.from({ length: d }, () => 3 * (rng.uniform() - 0.5) * 2));
  if (full)
    return GaussianMixture.fromCovariance(
      w,
      loc,
      Array.from({ length: K }, () => randomSpd(rng, d)),
    );
  return GaussianMixture.fromVariance(
    w,
    loc,
    Array.from({ length: K }, () => Array.from({ length: d }, () => 0.3 + 2 * rng.uniform())),
  );
}

const EXACT_FOR_ONE: GmmKlMethod[] = [
  "variational",
  "variationalUpperBound",
  "matchedBound",
  "gaussianApprox",
  "goldberger",
];

describe("one component: every method reduces to the Gaussian closed form", () => {
  it("MultivariateNormal and MultivariateNormalDiag pairs (random)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (seed, d, full) => {
          const rng = new Random(seed);
          const p = randomMixture(rng, 1, d, full);
          const q = randomMixture(rng, 1, d, !full);
          const exact = kl(p.components, q.components) as NDArrayLike;
          const e = typeof exact === "number" ? exact : exact.data[0];
          for (const method of EXACT_FOR_ONE) {
            const r = gmmKl(p, q, { method });
            expect(r.kind).toBe("exact");
            expect(Math.abs(r.value - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, e));
          }
          // the bounds still bracket the exact value
          expect(gmmKl(p, q, { method: "durrieuLowerBound" }).value).toBeLessThanOrEqual(
            e + 1e-12 * Math.max(1, e),
          );
          expect(gmmKl(p, q, { method: "durrieuUpperBound" }).value).toBeGreaterThanOrEqual(
            e - 1e-12 * Math.max(1, e),
          );
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it("Normal and MultivariateNormal inputs are mixtures of one", () => {
    const p = new Normal(0.3, 1.7);
    const q = new Normal(-1, 0.6);
    const e = kl(p, q) as number;
    for (const method of EXACT_FOR_ONE) expect(gmmKl(p, q, { method }).value).toBeCloseTo(e, 12);
    const mp = MultivariateNormal.fromCovariance(
      [0, 1],
      [
        [2, 0.3],
        [0.3, 1],
      ],
    );
    const mq = MultivariateNormalDiag.fromVariance([1, 0], [0.5, 3]);
    const e2 = kl(mp, mq) as number;
    for (const method of EXACT_FOR_ONE) expect(gmmKl(mp, mq, { method }).value).toBeCloseTo(e2, 12);
    const lr = new LowRankMultivariateNormal([0, 0], [[1], [0.5]], [1, 2]);
    expect(gmmKl(lr, mq, { method: "variational" }).value).toBeCloseTo(kl(lr, mq) as number, 12);
  });

  it("monteCarlo with one component agrees with the closed form within 5 standard errors", () => {
    const p = GaussianMixture.fromGaussian(
      MultivariateNormal.fromCovariance(
        [0, 1],
        [
          [2, 0.3],
          [0.3, 1],
        ],
      ),
    );
    const q = GaussianMixture.fromGaussian(MultivariateNormalDiag.fromVariance([1, 0], [0.5, 3]));
    const r = gmmKl(p, q, { method: "monteCarlo", samples: 40000, seed: 3 });
    expect(r.kind).toBe("monteCarlo");
    expect(r.samples).toBe(40000);
    expect(r.standardError).toBeGreaterThan(0);
    const exact = (kl(p.components, q.components) as unknown as NDArrayLike).data[0];
    expect(Math.abs(r.value - exact)).toBeLessThan(5 * r.standardError!);
  });

  it("product with one component is log(∫f² / ∫fg), not the KL", () => {
    const p = new Normal(0, 1);
    const q = new Normal(1, 2);
    // ∫f² = N(0; 0, 2), ∫fg = N(0; 1, 1 + 4)
    const logN = (x: number, m: number, v: number) =>
      -0.5 * (Math.log(2 * Math.PI * v) + ((x - m) * (x - m)) / v);
    const want = logN(0, 0, 2) - logN(0, 1, 5);
    const r = gmmKl(p, q, { method: "product" });
    expect(r.kind).toBe("approximation");
    expect(r.value).toBeCloseTo(want, 13);
  });
});

interface NDArrayLike {
  data: Float64Array;
}

describe("bounds bracket the Monte Carlo estimate on random small mixtures", () => {
  it("durrieu lower ≤ KL ≤ durrieu upper, variationalUpperBound and matchedBound ≥ KL (within MC error)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (seed, Kp, Kq, d, full) => {
          const rng = new Random(seed);
          const p = randomMixture(rng, Kp, d, full);
          const q = randomMixture(rng, Kq, d, rng.uniform() < 0.5);
          const mc = gmmKl(p, q, { method: "monteCarlo", samples: 20000, seed });
          const slack = 5 * mc.standardError! + 1e-9;
          const lower = gmmKl(p, q, { method: "durrieuLowerBound" });
          const upper = gmmKl(p, q, { method: "durrieuUpperBound" });
          const vub = gmmKl(p, q, { method: "variationalUpperBound" });
          expect(lower.kind).toBe("lowerBound");
          expect(upper.kind).toBe("upperBound");
          expect(lower.value).toBeLessThanOrEqual(mc.value + slack);
          expect(upper.value).toBeGreaterThanOrEqual(mc.value - slack);
          expect(vub.value).toBeGreaterThanOrEqual(mc.value - slack);
          expect(vub.converged).toBe(true);
          expect(vub.iterations).toBeGreaterThanOrEqual(1);
          if (Kp === Kq) {
            const matched = gmmKl(p, q, { method: "matchedBound" }).value;
            expect(matched).toBeGreaterThanOrEqual(mc.value - slack);
            // the matched pairing is one feasible (φ, ψ): the optimised bound is no larger
            expect(vub.value).toBeLessThanOrEqual(matched + 1e-9 * Math.max(1, matched));
          }
          // the first iterate (φ = ψ = π_a ω_b) gives Σ π_a ω_b D_ab, which the optimum cannot exceed
          const D = componentKlMatrix(p, q).data;
          let start = 0;
          for (let a = 0; a < Kp; a++)
            for (let b = 0; b < Kq; b++) start += p.weights[a] * q.weights[b] * D[a * Kq + b];
          expect(vub.value).toBeLessThanOrEqual(start * (1 + 1e-12) + 1e-12);
        },
      ),
      { numRuns: runs(30) },
    );
  });

  it("KL(p ‖ p) is 0 for variational, the variational upper bound, matchedBound and goldberger", () => {
    const p = randomMixture(new Random(11), 3, 2, true);
    for (const method of [
      "variational",
      "variationalUpperBound",
      "matchedBound",
      "goldberger",
      "gaussianApprox",
    ] as const) {
      expect(Math.abs(gmmKl(p, p, { method }).value)).toBeLessThan(1e-12);
    }
    const mc = gmmKl(p, p, { method: "monteCarlo", samples: 1000 });
    expect(mc.value).toBe(0);
    expect(mc.standardError).toBe(0);
  });
});

describe("gmmKl options and errors", () => {
  const p = GaussianMixture.fromVariance([0.4, 0.6], [[0], [1.44372]], [[1], [1.30204]]);
  const q = GaussianMixture.fromVariance([0.2, 0.3, 0.5], [[0], [1], [2.23318]], [[1], [1], [0.976469]]);

  it("a Normal on either side is a mixture of one", () => {
    const n = new Normal(0.5, 1.2);
    const viaMix = GaussianMixture.fromGaussian(n);
    for (const method of ["variational", "goldberger", "product", "durrieuUpperBound"] as const) {
      expect(gmmKl(n, q, { method }).value).toBe(gmmKl(viaMix, q, { method }).value);
      expect(gmmKl(q, n, { method }).value).toBe(gmmKl(q, viaMix, { method }).value);
    }
  });

  it("matchedBound needs equal component counts (InvalidShape)", () => {
    expect(codeOf(() => gmmKl(p, q, { method: "matchedBound" }))).toBe("InvalidShape");
  });

  it("unknown method is InvalidParameter; dimension mismatch is InvalidShape; non-Gaussians are rejected", () => {
    expect(codeOf(() => gmmKl(p, q, { method: "nope" as GmmKlMethod }))).toBe("InvalidParameter");
    const q2 = GaussianMixture.fromVariance([1], [[0, 0]], [[1, 1]]);
    expect(codeOf(() => gmmKl(p, q2))).toBe("InvalidShape");
    expect(codeOf(() => gmmKl(new Normal([0, 1], [1, 1]), q))).toBe("InvalidShape");
  });

  it("variationalUpperBound reports iterations; a cap still returns a valid (larger) bound", () => {
    const full = gmmKl(p, q, { method: "variationalUpperBound" });
    expect(full.converged).toBe(true);
    expect(full.iterations).toBeGreaterThan(1);
    const capped = gmmKl(p, q, { method: "variationalUpperBound", maxIterations: 1 });
    expect(capped.iterations).toBe(1);
    expect(capped.converged).toBe(false);
    expect(capped.value).toBeGreaterThanOrEqual(full.value);
  });

  it("monteCarlo is reproducible by seed", () => {
    const a = gmmKl(p, q, { method: "monteCarlo", samples: 5000, seed: 5 });
    const b = gmmKl(p, q, { method: "monteCarlo", samples: 5000, seed: 5 });
    const c = gmmKl(p, q, { method: "monteCarlo", samples: 5000, seed: 6 });
    expect(a.value).toBe(b.value);
    expect(a.value).not.toBe(c.value);
  });
});

describe("GaussianMixture", () => {
  const w = [0.3, 0.7];
  const loc = [
    [0, 0],
    [2, 1],
  ];
  const cov = [
    [
      [1, 0.2],
      [0.2, 0.5],
    ],
    [
      [2, -0.4],
      [-0.4, 1],
    ],
  ];
  const mix = GaussianMixture.fromCovariance(w, loc, cov);

  it("logProb is the log-sum-exp of the weighted components", () => {
    const c0 = MultivariateNormal.fromCovariance(loc[0], cov[0]);
    const c1 = MultivariateNormal.fromCovariance(loc[1], cov[1]);
    for (const x of [
      [0, 0],
      [1, -1],
      [3, 2],
    ]) {
      const want = Math.log(
        0.3 * Math.exp(c0.logProb(x) as number) + 0.7 * Math.exp(c1.logProb(x) as number),
      );
      expect(mix.logProb(x) as number).toBeCloseTo(want, 12);
    }
    const batch = mix.logProb([
      [0, 0],
      [3, 2],
    ]);
    expect(typeof batch).not.toBe("number");
    // far in the tail the log-sum-exp does not underflow
    const far = mix.logProb([200, -150]) as number;
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeLessThan(-1e4);
  });

  it("a 1-D mixture density integrates to 1", () => {
    const m = GaussianMixture.fromVariance([0.25, 0.75], [[-2], [1]], [[0.5], [2]]);
    const h = 0.01;
    let s = 0;
    for (let x = -20; x <= 20; x += h) s += Math.exp(m.logProb([x]) as number) * h;
    expect(s).toBeCloseTo(1, 6);
  });

  it("mean and covariance (law of total covariance) match the sample moments", () => {
    const n = 200000;
    const x = mix.sample(n, { seed: 9 });
    expect(x.shape).toEqual([n, 2]);
    const m = [0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) m[j] += x.data[i * 2 + j] / n;
    const c = [0, 0, 0, 0];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < 2; j++)
        for (let k = 0; k < 2; k++)
          c[j * 2 + k] += ((x.data[i * 2 + j] - m[j]) * (x.data[i * 2 + k] - m[k])) / (n - 1);
    const mu = mix.mean().data;
    const S = mix.covariance().data;
    expect(mu[0]).toBeCloseTo(0.3 * 0 + 0.7 * 2, 12);
    expect(mu[1]).toBeCloseTo(0.7, 12);
    for (let j = 0; j < 2; j++) expect(Math.abs(m[j] - mu[j])).toBeLessThan(5 * Math.sqrt(S[j * 3] / n));
    for (let t = 0; t < 4; t++) expect(Math.abs(c[t] - S[t])).toBeLessThan(0.03);
    // exact value of the (0, 0) entry: Σ w (σ² + (μ − m)²)
    expect(S[0]).toBeCloseTo(0.3 * (1 + 1.4 ** 2) + 0.7 * (2 + 0.6 ** 2), 12);
    expect(mix.variance().data[1]).toBeCloseTo(S[3], 15);
  });

  it("sampling is seeded", () => {
    expect(Array.from(mix.sample(5, { seed: 1 }).data)).toEqual(Array.from(mix.sample(5, { seed: 1 }).data));
    expect(Array.from(mix.sample(5, { seed: 1 }).data)).not.toEqual(
      Array.from(mix.sample(5, { seed: 2 }).data),
    );
  });

  it("entropy has no closed form (NotImplemented), and Monte Carlo estimates it", () => {
    expect(codeOf(() => mix.entropy())).toBe("NotImplemented");
    const one = GaussianMixture.fromGaussian(new Normal(0, 2));
    const h = crossEntropyMonteCarlo(one, one, { samples: 20000, seed: 1 });
    expect(Math.abs((h.estimate as number) - (new Normal(0, 2).entropy() as number))).toBeLessThan(
      5 * (h.standardError as number),
    );
  });

  it("JSON round trip (covariance and variance forms)", () => {
    const back = fromJSON(toJSON(mix)) as GaussianMixture;
    expect(back).toBeInstanceOf(GaussianMixture);
    expect(toJSON(back)).toEqual(toJSON(mix));
    expect(back.logProb([1, 1])).toBe(mix.logProb([1, 1]));
    const diag = GaussianMixture.fromVariance([1], [[0, 1]], [[1, 2]]);
    expect(toJSON(diag)).toEqual({
      family: "GaussianMixture",
      weights: [1],
      loc: [[0, 1]],
      variance: [[1, 2]],
    });
    expect(codeOf(() => fromJSON({ family: "GaussianMixture", weights: [1], loc: [[0]] }))).toBe(
      "InvalidParameter",
    );
  });

  it("fromGaussian and fromComponents", () => {
    const n = GaussianMixture.fromGaussian(new Normal(1, 2));
    expect([n.K, n.d]).toEqual([1, 1]);
    expect(n.logProb([0.5]) as number).toBeCloseTo(new Normal(1, 2).logProb(0.5) as number, 14);
    const comp = GaussianMixture.fromComponents([0.5, 0.5], new Normal([-1, 1], [1, 2]));
    expect(comp.K).toBe(2);
    expect(comp.mean().data[0]).toBeCloseTo(0, 15);
    expect(codeOf(() => GaussianMixture.fromGaussian(new Normal([0, 1], [1, 1])))).toBe("InvalidShape");
    expect(codeOf(() => GaussianMixture.fromGaussian(mix))).toBeUndefined();
  });

  it("validation: weights, shapes, positive definiteness; inputs are not mutated", () => {
    expect(codeOf(() => GaussianMixture.fromVariance([0.5, 0.4], [[0], [1]], [[1], [1]]))).toBe(
      "InvalidParameter",
    );
    expect(codeOf(() => GaussianMixture.fromVariance([1.2, -0.2], [[0], [1]], [[1], [1]]))).toBe(
      "InvalidParameter",
    );
    expect(codeOf(() => GaussianMixture.fromVariance([0.5, NaN], [[0], [1]], [[1], [1]]))).toBe(
      "InvalidParameter",
    );
    expect(codeOf(() => GaussianMixture.fromVariance([0.5, 0.5], [[0], [1]], [[1], [-1]]))).toBe(
      "InvalidParameter",
    );
    expect(codeOf(() => GaussianMixture.fromVariance([0.2, 0.3, 0.5], [[0], [1]], [[1], [1]]))).toBe(
      "InvalidShape",
    );
    expect(
      codeOf(() =>
        GaussianMixture.fromVariance(
          [0.5, 0.5],
          [[0], [1]],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      ),
    ).toBe("InvalidShape");
    expect(codeOf(() => GaussianMixture.fromVariance([[1]], [[0]], [[1]]))).toBe("InvalidShape");
    expect(codeOf(() => GaussianMixture.fromVariance([], [], []))).toBe("InvalidShape");
    // within the documented tolerance the weights are accepted and renormalised
    const near = GaussianMixture.fromVariance([0.5, 0.5 + 5e-7], [[0], [1]], [[1], [1]]);
    expect(near.weights[0] + near.weights[1]).toBeCloseTo(1, 15);
    let err: unknown;
    try {
      GaussianMixture.fromCovariance(
        [0.5, 0.5],
        [
          [0, 0],
          [1, 1],
        ],
        [
          [
            [1, 0],
            [0, 1],
          ],
          [
            [1, 2.5],
            [2.5, 1],
          ],
        ],
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KullbackError);
    expect((err as KullbackError).code).toBe("NotPositiveDefinite");
    expect((err as KullbackError).index).toEqual([1]);
    const wIn = [0.3, 0.7];
    const covIn = JSON.parse(JSON.stringify(cov));
    GaussianMixture.fromCovariance(wIn, loc, covIn);
    expect(wIn).toEqual([0.3, 0.7]);
    expect(covIn).toEqual(cov);
  });

  it("kl on two mixtures has no closed form: NotImplemented naming klMonteCarlo, which estimates it", () => {
    let msg = "";
    try {
      kl(mix, mix);
    } catch (e) {
      expect((e as KullbackError).code).toBe("NotImplemented");
      msg = (e as Error).message;
    }
    expect(msg).toContain("klMonteCarlo(p, q, { samples, seed })");
    const q = GaussianMixture.fromVariance(
      [0.5, 0.5],
      [
        [0, 1],
        [1, 0],
      ],
      [
        [1, 1],
        [2, 2],
      ],
    );
    const est = klMonteCarlo(mix, q, { samples: 3000, seed: 4 });
    expect(Number.isFinite(est.estimate)).toBe(true);
    expect(est.standardError).toBeGreaterThan(0);
    expect(est.estimate).toBe(klMonteCarlo(mix, q, { samples: 3000, seed: 4 }).estimate);
  });
});
