/**
 * Closed-form Gaussian distances: reference vectors through the eval API, and properties
 * (fast-check) of the Bhattacharyya / Hellinger / Rényi / Wasserstein / Fréchet distances and
 * the Gaussian mutual information.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import { Random } from "../../src/core/random.js";
import type { Distribution } from "../../src/distributions/base.js";
import { Independent } from "../../src/distributions/independent.js";
import { LowRankMultivariateNormal } from "../../src/distributions/low-rank-multivariate-normal.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../../src/distributions/multivariate-normal-diag.js";
import { Normal } from "../../src/distributions/normal.js";
import {
  bhattacharyyaGaussian,
  frechet,
  frechetDistance,
  gaussianMutualInformation,
  hellingerGaussian,
  mixedLogDetTerm,
  renyiGaussian,
  wasserstein2,
} from "../../src/divergences/gaussian-distances.js";
import { bhattacharyya, hellinger, renyi } from "../../src/divergences/dispatch.js";
import { checkOutput, evaluateCase } from "../../src/conformance/eval.js";
import { kl } from "../../src/kl/registry.js";
import { runs } from "../helpers.js";

const num = (x: number | NDArray): number => {
  if (typeof x !== "number") throw new Error(`expected a number, got shape [${x.shape.join(", ")}]`);
  return x;
};

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(new URL(`../fixtures/vectors/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("reference vectors", () => {
  const cases = lines("gaussian-distances.jsonl");
  it("the file holds every op", () => {
    const ops = new Set(cases.map((c) => c.op));
    for (const op of ["bhattacharyya", "hellinger", "renyi", "wasserstein2", "frechet"])
      expect(ops.has(op)).toBe(true);
  });
  for (const c of cases) {
    it(`${String(c.id)}`, () => {
      const r = checkOutput(c, evaluateCase(c));
      expect(r.reason ?? "").toBe("");
      expect(r.pass).toBe(true);
    });
  }
  const distanceOps = new Set(["bhattacharyya", "hellinger", "renyi", "wasserstein2", "frechet"]);
  const errors = lines("errors.jsonl").filter((c) => distanceOps.has(c.op as string));
  it("errors.jsonl has Gaussian distance cases", () => expect(errors.length).toBeGreaterThanOrEqual(4));
  for (const c of errors) {
    it(`${String(c.id)} (error)`, () => {
      const r = checkOutput(c, evaluateCase(c));
      expect(r.reason ?? "").toBe("");
      expect(r.pass).toBe(true);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Random Gaussians of every family
// ---------------------------------------------------------------------------------------------

type Kind = "full" | "diag" | "lowrank" | "indep" | "tril";
const KINDS: Kind[] = ["full", "diag", "lowrank", "indep", "tril"];

function randomCov(rng: Random, d: number): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return a.map((ri, i) =>
    a.map((rj, j) => ri.reduce((s, x, k) => s + x * rj[k], 0) / d + (i === j ? 0.2 : 0)),
  );
}

function randomGaussian(rng: Random, d: number, kind: Kind, locShift = 1): Distribution {
  const loc = Array.from({ length: d }, () => locShift * rng.normal());
  const scale = Array.from({ length: d }, () => Math.exp(0.5 * rng.normal()));
  switch (kind) {
    case "full":
      return MultivariateNormal.fromCovariance(loc, randomCov(rng, d));
    case "tril": {
      const L = Array.from({ length: d }, (_, i) =>
        Array.from({ length: d }, (_, j) => (j < i ? 0.5 * rng.normal() : j === i ? scale[i] : 0)),
      );
      return MultivariateNormal.fromScaleTril(loc, L);
    }
    case "diag":
      return MultivariateNormalDiag.fromScale(loc, scale);
    case "indep":
      return new Independent(new Normal(loc, scale), 1);
    case "lowrank": {
      const r = 1 + (rng.nextU32() % 2);
      const W = Array.from({ length: d }, () => Array.from({ length: r }, () => 0.7 * rng.normal()));
      return new LowRankMultivariateNormal(
        loc,
        W,
        scale.map((s) => 0.3 + s * s),
      );
    }
  }
}

const arbPair = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  d: fc.integer({ min: 1, max: 5 }),
  kp: fc.constantFrom(...KINDS),
  kq: fc.constantFrom(...KINDS),
});

function pair(x: { seed: number; d: number; kp: Kind; kq: Kind }): [Distribution, Distribution] {
  const rng = new Random(x.seed);
  return [randomGaussian(rng, x.d, x.kp), randomGaussian(rng, x.d, x.kq)];
}

const close = (a: number, b: number, rtol: number, atol = 0) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

// ---------------------------------------------------------------------------------------------
// Bhattacharyya / Hellinger / Rényi
// ---------------------------------------------------------------------------------------------

describe("Bhattacharyya and Hellinger", () => {
  it("known values", () => {
    // ⅛ δ²/σ² for equal variances
    expect(num(bhattacharyyaGaussian(new Normal(0, 1), new Normal(2, 1)))).toBeCloseTo(0.5, 15);
    expect(num(hellingerGaussian(new Normal(0, 1), new Normal(2, 1)))).toBeCloseTo(
      Math.sqrt(1 - Math.exp(-0.5)),
      15,
    );
    // ½ log((σp² + σq²)/(2σpσq)) for equal means
    expect(num(bhattacharyyaGaussian(new Normal(1, 1), new Normal(1, 3)))).toBeCloseTo(
      0.5 * Math.log(10 / 6),
      15,
    );
  });

  it("≥ 0, symmetric, and exactly 0 at p = q, for every family mix", () => {
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        const bpq = num(bhattacharyyaGaussian(p, q));
        const bqp = num(bhattacharyyaGaussian(q, p));
        expect(bpq).toBeGreaterThanOrEqual(0);
        expect(close(bpq, bqp, 1e-10, 1e-13)).toBe(true);
        expect(num(bhattacharyyaGaussian(p, p))).toBe(0);
        expect(num(hellingerGaussian(p, p))).toBe(0);
      }),
      { numRuns: runs(150) },
    );
  });

  it("Hellinger lies in [0, 1] and is √(1 − e^(−B))", () => {
    fc.assert(
      fc.property(arbPair, fc.double({ min: 0.1, max: 30, noNaN: true }), (x, shift) => {
        const rng = new Random(x.seed);
        const p = randomGaussian(rng, x.d, x.kp, shift);
        const q = randomGaussian(rng, x.d, x.kq, shift);
        const h = num(hellingerGaussian(p, q));
        const b = num(bhattacharyyaGaussian(p, q));
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(1);
        expect(Number.isNaN(h)).toBe(false);
        expect(close(h, Math.sqrt(-Math.expm1(-b)), 1e-14, 1e-300)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("the public dispatchers serve every Gaussian family mix", () => {
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        expect(num(bhattacharyya(p, q))).toBe(num(bhattacharyyaGaussian(p, q)));
        expect(num(hellinger(p, q))).toBe(num(hellingerGaussian(p, q)));
        expect(num(renyi(p, q, 0.7))).toBe(num(renyiGaussian(p, q, 0.7)));
      }),
      { numRuns: runs(30) },
    );
  });

  it("far-apart distributions: Hellinger is 1, never NaN", () => {
    const h = num(hellingerGaussian(new Normal(0, 1), new Normal(1e4, 1)));
    expect(h).toBe(1);
  });

  it("is the same whichever family represents the same Gaussian", () => {
    const loc = [0.3, -1.2, 2];
    const v = [0.5, 2, 1.5];
    const reps: Distribution[] = [
      MultivariateNormalDiag.fromVariance(loc, v),
      new Independent(new Normal(loc, v.map(Math.sqrt)), 1),
      MultivariateNormal.fromCovariance(
        loc,
        v.map((x, i) => v.map((_, j) => (i === j ? x : 0))),
      ),
      new LowRankMultivariateNormal(loc, [[0], [0], [0]], v),
    ];
    const q = MultivariateNormal.fromCovariance(
      [1, 0, -1],
      [
        [1, 0.2, 0.1],
        [0.2, 2, 0.3],
        [0.1, 0.3, 1.5],
      ],
    );
    const ref = num(bhattacharyyaGaussian(reps[0], q));
    const refW = num(wasserstein2(reps[0], q));
    const refR = num(renyiGaussian(reps[0], q, 0.3));
    for (const p of reps) {
      expect(close(num(bhattacharyyaGaussian(p, q)), ref, 1e-13)).toBe(true);
      expect(close(num(wasserstein2(p, q)), refW, 1e-12)).toBe(true);
      expect(close(num(renyiGaussian(p, q, 0.3)), refR, 1e-13)).toBe(true);
    }
  });
});

describe("Rényi divergence", () => {
  it("D_½ = 2 · Bhattacharyya", () => {
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        expect(
          close(num(renyiGaussian(p, q, 0.5)), 2 * num(bhattacharyyaGaussian(p, q)), 1e-14, 1e-300),
        ).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("approaches KL(p ‖ q) as α → 1, and α = 1 is the KL", () => {
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        const k = num(kl(p, q));
        expect(num(renyiGaussian(p, q, 1))).toBe(k);
        // D_α = KL + (α − 1)·Var_p[log p/q]/2 + O((α − 1)²): the one-sided gap is first order
        // (for KL ≈ 260 it reaches 2.5e-4 relative at α = 1 ± 1e-6), the midpoint's is second
        // order. The closed form divides log-determinant differences by α − 1, so it carries an
        // absolute cancellation error of about 1e-16 · |log det| / |α − 1| (≈ 1e-10 here).
        const lo = num(renyiGaussian(p, q, 1 - 1e-6));
        const hi = num(renyiGaussian(p, q, 1 + 1e-6));
        expect(lo <= k * (1 + 1e-9) + 1e-9).toBe(true);
        if (Number.isFinite(hi)) {
          expect(hi >= k * (1 - 1e-9) - 1e-9).toBe(true);
          expect(close((lo + hi) / 2, k, 1e-6, 1e-8)).toBe(true);
        }
      }),
      { numRuns: runs(100) },
    );
  });

  it("is non-decreasing in α", () => {
    const alphas = [0.05, 0.25, 0.5, 0.75, 0.9, 0.999, 1, 1.001, 1.5, 2, 3, 8];
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        let prev = 0;
        for (const a of alphas) {
          const v = num(renyiGaussian(p, q, a));
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v >= prev * (1 - 1e-9) - 1e-12).toBe(true);
          prev = v;
        }
      }),
      { numRuns: runs(100) },
    );
  });

  it("is +Infinity exactly where Σα is not positive definite (α > 1)", () => {
    // Σα = α σq² + (1 − α) σp²: with σp² = 4, σq² = 1 it is 4 − 3α, positive iff α < 4/3
    const p = new Normal(0, 2);
    const q = new Normal(0.5, 1);
    expect(Number.isFinite(num(renyiGaussian(p, q, 1.3)))).toBe(true);
    expect(num(renyiGaussian(p, q, 1.34))).toBe(Infinity);
    expect(num(renyiGaussian(p, q, 5))).toBe(Infinity);
    // the same through the dense path
    const P = MultivariateNormal.fromCovariance(
      [0, 0],
      [
        [4, 0.1],
        [0.1, 4],
      ],
    );
    const Q = MultivariateNormal.fromCovariance(
      [0, 1],
      [
        [1, 0],
        [0, 1],
      ],
    );
    expect(num(renyiGaussian(P, Q, 2))).toBe(Infinity);
    expect(Number.isFinite(num(renyiGaussian(Q, P, 2)))).toBe(true);
  });

  it("univariate closed form", () => {
    // D_α = α δ²/(2σα²) + 1/(2(1−α)) log(σα² / (σp^(2(1−α)) σq^(2α)))
    const [mp, sp, mq, sq, a] = [0.3, 1.7, -0.4, 0.9, 0.7];
    const sa2 = a * sq * sq + (1 - a) * sp * sp;
    const ref =
      (a * (mp - mq) ** 2) / (2 * sa2) +
      Math.log(sa2 / (sp ** (2 * (1 - a)) * sq ** (2 * a))) / (2 * (1 - a));
    expect(close(num(renyiGaussian(new Normal(mp, sp), new Normal(mq, sq), a)), ref, 1e-14)).toBe(true);
  });

  it("mixedLogDetTerm series agrees with the direct formula across the switch", () => {
    for (const b of [0.1, 0.5, 0.9, 2, 5]) {
      for (const t of [-9e-4 / b, -1e-4, 1e-4, 9e-4 / Math.max(1, b)]) {
        const direct = Math.log1p(b * Math.expm1(t)) - b * t;
        expect(close(mixedLogDetTerm(t, b), direct, 1e-8)).toBe(true);
      }
    }
    expect(mixedLogDetTerm(0, 0.5)).toBe(0);
    expect(mixedLogDetTerm(-3, 2)).toBe(Infinity);
  });

  it("α = 0 is the limit 0; rejects α < 0 and non-finite α", () => {
    const p = new Normal(0, 1);
    expect(renyiGaussian(new Normal([0, 1], 1), new Normal(3, 2), 0)).toEqual(
      new NDArray(new Float64Array(2), [2]),
    );
    expect(close(num(renyiGaussian(new Normal(0, 1), new Normal(3, 2), 1e-9)), 0, 0, 1e-8)).toBe(true);
    for (const a of [-0.5, -1e-300, NaN, Infinity]) {
      try {
        renyiGaussian(p, p, a);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(KullbackError);
        expect((e as KullbackError).code).toBe("InvalidParameter");
        expect((e as KullbackError).argument).toBe("alpha");
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Wasserstein / Fréchet
// ---------------------------------------------------------------------------------------------

describe("2-Wasserstein and Fréchet", () => {
  it("W₂ is symmetric and F = W₂²", () => {
    fc.assert(
      fc.property(arbPair, (x) => {
        const [p, q] = pair(x);
        const w = num(wasserstein2(p, q));
        expect(close(w, num(wasserstein2(q, p)), 1e-10, 1e-12)).toBe(true);
        expect(close(w * w, num(frechet(p, q)), 1e-14, 1e-300)).toBe(true);
        expect(num(wasserstein2(p, p))).toBe(0);
      }),
      { numRuns: runs(150) },
    );
  });

  it("satisfies the triangle inequality on random triples", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom(...KINDS), { minLength: 3, maxLength: 3 }),
        (seed, d, kinds) => {
          const rng = new Random(seed);
          const [a, b, c] = kinds.map((k) => randomGaussian(rng, d, k));
          const ab = num(wasserstein2(a, b));
          const bc = num(wasserstein2(b, c));
          const ac = num(wasserstein2(a, c));
          expect(ac).toBeLessThanOrEqual((ab + bc) * (1 + 1e-9) + 1e-9);
        },
      ),
      { numRuns: runs(150) },
    );
  });

  it("is invariant under a shared translation", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 4 }), (seed, d) => {
        const rng = new Random(seed);
        const cp = randomCov(rng, d);
        const cq = randomCov(rng, d);
        const mp = Array.from({ length: d }, () => rng.normal());
        const mq = Array.from({ length: d }, () => rng.normal());
        const t = Array.from({ length: d }, () => 10 * rng.normal());
        const w0 = num(
          wasserstein2(MultivariateNormal.fromCovariance(mp, cp), MultivariateNormal.fromCovariance(mq, cq)),
        );
        const w1 = num(
          wasserstein2(
            MultivariateNormal.fromCovariance(
              mp.map((v, i) => v + t[i]),
              cp,
            ),
            MultivariateNormal.fromCovariance(
              mq.map((v, i) => v + t[i]),
              cq,
            ),
          ),
        );
        expect(close(w1, w0, 1e-9, 1e-12)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("equals ‖δ‖² + Σ (σp − σq)² for diagonal covariances, whatever the family", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), (seed, d) => {
        const rng = new Random(seed);
        const mp = Array.from({ length: d }, () => rng.normal());
        const mq = Array.from({ length: d }, () => rng.normal());
        const sp = Array.from({ length: d }, () => Math.exp(rng.normal()));
        const sq = Array.from({ length: d }, () => Math.exp(rng.normal()));
        let ref = 0;
        for (let i = 0; i < d; i++) ref += (mp[i] - mq[i]) ** 2 + (sp[i] - sq[i]) ** 2;
        const diagFull = (s: number[]) => s.map((x, i) => s.map((_, j) => (i === j ? x * x : 0)));
        expect(
          close(
            num(frechet(MultivariateNormalDiag.fromScale(mp, sp), MultivariateNormalDiag.fromScale(mq, sq))),
            ref,
            1e-13,
          ),
        ).toBe(true);
        expect(
          close(
            num(frechet(new Independent(new Normal(mp, sp), 1), MultivariateNormalDiag.fromScale(mq, sq))),
            ref,
            1e-13,
          ),
        ).toBe(true);
        // through the eigendecomposition path
        expect(
          close(
            num(
              frechet(
                MultivariateNormal.fromCovariance(mp, diagFull(sp)),
                MultivariateNormal.fromCovariance(mq, diagFull(sq)),
              ),
            ),
            ref,
            1e-11,
            1e-13,
          ),
        ).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("univariate: W₂ = √(δ² + (σp − σq)²)", () => {
    expect(num(wasserstein2(new Normal(0, 1), new Normal(3, 2)))).toBeCloseTo(Math.sqrt(10), 14);
    expect(num(frechet(new Normal(0, 1), new Normal(3, 2)))).toBeCloseTo(10, 13);
  });

  it("is finite and exact for (nearly) singular covariances via LowRankMultivariateNormal", () => {
    // Σp = u uᵀ + εI, Σq = v vᵀ + εI with ε → 0: F → ‖δ‖² + ‖u‖² + ‖v‖² − 2|uᵀv|
    const u = [1, 2, -1, 0.5];
    const v = [-0.5, 1, 2, 1];
    const mp = [0, 1, 0, 0];
    const mq = [1, 0, 0, 2];
    const dot = u.reduce((s, x, i) => s + x * v[i], 0);
    const n2 = (a: number[]) => a.reduce((s, x) => s + x * x, 0);
    const exact = n2(mp.map((x, i) => x - mq[i])) + n2(u) + n2(v) - 2 * Math.abs(dot);
    for (const eps of [1e-8, 1e-12, 1e-16, 1e-30]) {
      const p = new LowRankMultivariateNormal(
        mp,
        u.map((x) => [x]),
        u.map(() => eps),
      );
      const q = new LowRankMultivariateNormal(
        mq,
        v.map((x) => [x]),
        v.map(() => eps),
      );
      const f = num(frechet(p, q));
      expect(Number.isFinite(f)).toBe(true);
      expect(close(f, exact, 1e-6 + 100 * Math.sqrt(eps))).toBe(true);
      // a singular side against a full one
      const r = MultivariateNormal.fromCovariance(mq, [
        [2, 0.1, 0, 0],
        [0.1, 1, 0, 0],
        [0, 0, 1, 0.2],
        [0, 0, 0.2, 3],
      ]);
      const f2 = num(frechet(p, r));
      const dense = u.map((a, i) => u.map((b, j) => a * b + (i === j ? eps : 0)));
      const ref2 = num(
        frechetDistance(mp, dense, mq, [
          [2, 0.1, 0, 0],
          [0.1, 1, 0, 0],
          [0, 0, 1, 0.2],
          [0, 0, 0.2, 3],
        ]),
      );
      expect(close(f2, ref2, 1e-7)).toBe(true);
    }
  });

  it("batched and broadcast results equal the element-wise results", () => {
    const rng = new Random(7);
    const locs = [0, 1, 2].map(() => [rng.normal(), rng.normal()]);
    const covs = [0, 1].map(() => randomCov(rng, 2));
    // p: loc batch [3, 1], cov batch [2] → batch [3, 2]; q: a single Gaussian
    const p = MultivariateNormal.fromCovariance(
      locs.map((l) => [l]),
      covs,
    );
    const q = MultivariateNormalDiag.fromScale([0.5, -0.5], [1.2, 0.7]);
    const w = wasserstein2(p, q) as NDArray;
    const b = bhattacharyyaGaussian(p, q) as NDArray;
    const r = renyiGaussian(q, p, 2) as NDArray;
    expect(w.shape).toEqual([3, 2]);
    expect(b.shape).toEqual([3, 2]);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const pij = MultivariateNormal.fromCovariance(locs[i], covs[j]);
        expect(close(w.get(i, j), num(wasserstein2(pij, q)), 1e-14)).toBe(true);
        expect(close(b.get(i, j), num(bhattacharyyaGaussian(pij, q)), 1e-14)).toBe(true);
        const rij = num(renyiGaussian(q, pij, 2));
        expect(r.get(i, j) === rij || close(r.get(i, j), rij, 1e-14)).toBe(true);
      }
    }
  });

  it("rejects mismatched event dimensions", () => {
    const p = MultivariateNormalDiag.fromScale([0, 0], [1, 1]);
    const q = MultivariateNormalDiag.fromScale([0, 0, 0], [1, 1, 1]);
    expect(() => wasserstein2(p, q)).toThrow(KullbackError);
    expect(() => bhattacharyyaGaussian(new Normal(0, 1), p)).toThrow(/event shape/);
  });
});

describe("frechetDistance (matrix level, FID)", () => {
  it("matches the Gaussian-family Fréchet distance for PD covariances", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), (seed, d) => {
        const rng = new Random(seed);
        const c1 = randomCov(rng, d);
        const c2 = randomCov(rng, d);
        const m1 = Array.from({ length: d }, () => rng.normal());
        const m2 = Array.from({ length: d }, () => rng.normal());
        const ref = num(
          frechet(MultivariateNormal.fromCovariance(m1, c1), MultivariateNormal.fromCovariance(m2, c2)),
        );
        expect(close(num(frechetDistance(m1, c1, m2, c2)), ref, 1e-10, 1e-12)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("is exact for singular PSD covariances", () => {
    // rank 1 each: tr √(Σ₁^½ Σ₂ Σ₁^½) = |uᵀv|
    const u = [1, 2, 2];
    const v = [0, 3, -4];
    const outer = (a: number[]) => a.map((x) => a.map((y) => x * y));
    const f = num(frechetDistance([0, 0, 0], outer(u), [1, 1, 1], outer(v)));
    expect(close(f, 3 + 9 + 25 - 2 * 2, 1e-7)).toBe(true);
    // commuting singular covariances: Σ (√a − √b)²
    const g = num(
      frechetDistance(
        [0, 0, 0],
        [
          [4, 0, 0],
          [0, 0, 0],
          [0, 0, 1],
        ],
        [0, 0, 0],
        [
          [1, 0, 0],
          [0, 9, 0],
          [0, 0, 0],
        ],
      ),
    );
    expect(close(g, 1 + 9 + 1, 1e-12)).toBe(true);
    // the zero covariance
    expect(
      num(
        frechetDistance(
          [1, 2],
          [
            [0, 0],
            [0, 0],
          ],
          [1, 2],
          [
            [0, 0],
            [0, 0],
          ],
        ),
      ),
    ).toBe(0);
  });

  it("rejects indefinite, non-symmetric and misshapen inputs", () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as KullbackError).code + ":" + String((e as KullbackError).argument);
      }
      return "no error";
    };
    expect(
      codeOf(() =>
        frechetDistance(
          [0, 0],
          [
            [1, 0],
            [0, -1],
          ],
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe("NotPositiveDefinite:sigma1");
    expect(
      codeOf(() =>
        frechetDistance(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
          [0, 0],
          [
            [1, 2],
            [2, 1],
          ],
        ),
      ),
    ).toBe("NotPositiveDefinite:sigma2");
    expect(
      codeOf(() =>
        frechetDistance(
          [0, 0],
          [
            [1, 0.5],
            [0, 1],
          ],
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe("NotPositiveDefinite:sigma1");
    expect(
      codeOf(() =>
        frechetDistance(
          [0, 0, 0],
          [
            [1, 0],
            [0, 1],
          ],
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe("InvalidShape:mu2");
    expect(
      codeOf(() =>
        frechetDistance(
          [0, NaN],
          [
            [1, 0],
            [0, 1],
          ],
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      ),
    ).toBe("InvalidParameter:mu1");
  });

  it("does not mutate its inputs and broadcasts batches", () => {
    const s1 = [
      [
        [2, 0.5],
        [0.5, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ];
    const copy = JSON.stringify(s1);
    const out = frechetDistance(
      [0, 0],
      s1,
      [
        [1, 0],
        [0, 1],
        [2, 2],
      ].map((m) => [m]),
      [
        [1, 0],
        [0, 1],
      ],
    ) as NDArray;
    expect(JSON.stringify(s1)).toBe(copy);
    expect(out.shape).toEqual([3, 2]);
    expect(close(out.get(2, 1), 8, 1e-14)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Mutual information
// ---------------------------------------------------------------------------------------------

describe("gaussianMutualInformation", () => {
  it("is 0 for independent blocks (exactly)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (seed, d1, d2) => {
          const rng = new Random(seed);
          const a = randomCov(rng, d1);
          const b = randomCov(rng, d2);
          const d = d1 + d2;
          const m = Array.from({ length: d }, (_, i) =>
            Array.from({ length: d }, (_, j) =>
              i < d1 && j < d1 ? a[i][j] : i >= d1 && j >= d1 ? b[i - d1][j - d1] : 0,
            ),
          );
          expect(num(gaussianMutualInformation(m, [d1, d2]))).toBe(0);
          const idx = Array.from({ length: d }, (_, i) => i);
          expect(num(gaussianMutualInformation(m, [idx.slice(d1), idx.slice(0, d1)]))).toBe(0);
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("equals ½(Σ log det Σ_k − log det Σ) and the bivariate −½ log(1 − ρ²)", () => {
    expect(
      close(
        num(
          gaussianMutualInformation(
            [
              [1, 0.5],
              [0.5, 1],
            ],
            [1, 1],
          ),
        ),
        -0.5 * Math.log(0.75),
        1e-14,
      ),
    ).toBe(true);
    const s = [
      [2, 0.3, 0.5],
      [0.3, 1, 0.2],
      [0.5, 0.2, 1.5],
    ];
    const det2 = (a: number, b: number, c: number) => a * c - b * b;
    const det3 = 2 * det2(1, 0.2, 1.5) - 0.3 * (0.3 * 1.5 - 0.2 * 0.5) + 0.5 * (0.3 * 0.2 - 1 * 0.5);
    const ref = 0.5 * (Math.log(det2(2, 0.5, 1.5)) + Math.log(1) - Math.log(det3));
    expect(close(num(gaussianMutualInformation(s, [[0, 2], [1]])), ref, 1e-13)).toBe(true);
    // three singleton blocks: total correlation −½ log det(correlation)
    const corr = s.map((r, i) => r.map((x, j) => x / Math.sqrt(s[i][i] * s[j][j])));
    const detC =
      corr[0][0] * det2(corr[1][1], corr[1][2], corr[2][2]) -
      corr[0][1] * (corr[1][0] * corr[2][2] - corr[1][2] * corr[2][0]) +
      corr[0][2] * (corr[1][0] * corr[2][1] - corr[1][1] * corr[2][0]);
    expect(close(num(gaussianMutualInformation(s, [1, 1, 1])), -0.5 * Math.log(detC), 1e-13)).toBe(true);
  });

  it("is batched, ≥ 0, and reports invalid input", () => {
    const out = gaussianMutualInformation(
      [
        [
          [1, 0.9],
          [0.9, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ],
      [1, 1],
    ) as NDArray;
    expect(out.shape).toEqual([2]);
    expect(out.get(0)).toBeGreaterThan(0);
    expect(out.get(1)).toBe(0);
    expect(() =>
      gaussianMutualInformation(
        [
          [1, 2],
          [2, 1],
        ],
        [1, 1],
      ),
    ).toThrow(/positive definite/);
    expect(() =>
      gaussianMutualInformation(
        [
          [1, 0],
          [0, 1],
        ],
        [1, 2],
      ),
    ).toThrow(KullbackError);
    expect(() =>
      gaussianMutualInformation(
        [
          [1, 0],
          [0, 1],
        ],
        [[0], [0]],
      ),
    ).toThrow(/disjoint/);
  });
});

// ---------------------------------------------------------------------------------------------
// Scale invariance at the ends of float64: x → c·x leaves KL, Bhattacharyya, Hellinger and Rényi
// unchanged; with c = 1e±200 the variances (1e±400) are not representable and only log-space
// evaluation gets them right (δ² e^{−lv} is 0 · ∞ = NaN there; δ e^{−lv/2} squared is not).
// ---------------------------------------------------------------------------------------------

describe("scale invariance for scales 1e-200 … 1e200", () => {
  const SCALES = [1e-200, 1e-160, 1e-100, 1e100, 1e160, 1e200];
  const build = (c: number, kind: "normal" | "diag" | "tril" | "diagBatch") => {
    const mp = [0.3, -1];
    const mq = [-0.2, 0.5];
    const sp = [1.5, 0.7];
    const sq = [0.9, 2];
    const sc = (v: number[]) => v.map((x) => x * c);
    switch (kind) {
      case "normal":
        return [new Normal(c * mp[0], c * sp[0]), new Normal(c * mq[0], c * sq[0])];
      case "diag":
        return [
          MultivariateNormalDiag.fromScale(sc(mp), sc(sp)),
          MultivariateNormalDiag.fromScale(sc(mq), sc(sq)),
        ];
      case "tril":
        return [
          MultivariateNormal.fromScaleTril(sc(mp), [
            [c * sp[0], 0],
            [c * 0.4, c * sp[1]],
          ]),
          MultivariateNormalDiag.fromScale(sc(mq), sc(sq)),
        ];
      case "diagBatch": {
        // B·d = 40 000 ≥ 2^15: the fused WebAssembly kernel of the default kernels
        const B = 20000;
        const tile = (v: number[]) => ({
          data: Float64Array.from({ length: 2 * B }, (_, i) => c * v[i % 2]),
          shape: [B, 2],
        });
        return [
          MultivariateNormalDiag.fromScale(tile(mp), tile(sp)),
          MultivariateNormalDiag.fromScale(sc(mq), sc(sq)),
        ];
      }
    }
  };
  const first = (x: number | NDArray): number => (typeof x === "number" ? x : x.data[x.data.length - 1]);
  const ops: [string, (p: Distribution, q: Distribution) => number | NDArray][] = [
    ["kl", (p, q) => kl(p, q)],
    ["kl reversed", (p, q) => kl(q, p)],
    ["bhattacharyya", bhattacharyya],
    ["hellinger", hellinger],
    ["renyi 0.3", (p, q) => renyi(p, q, 0.3)],
    ["renyi 2", (p, q) => renyi(p, q, 2)],
  ];
  for (const kind of ["normal", "diag", "tril"] as const) {
    it(`${kind}: W2 scales by c, the Fréchet distance by c² (+Infinity or 0 beyond float64)`, () => {
      const [p1, q1] = build(1, kind);
      const w1 = first(wasserstein2(p1, q1));
      const f1 = first(frechet(p1, q1));
      expect(w1 > 0 && f1 > 0).toBe(true);
      for (const c of SCALES) {
        const [p, q] = build(c, kind);
        const w = first(wasserstein2(p, q));
        if (!close(w / c, w1, 1e-10)) throw new Error(`W2 at scale ${c}: ${w}, expected ${w1 * c}`);
        const f = first(frechet(p, q));
        const want = f1 * c * c;
        if (want === Infinity || want < 2.2250738585072014e-308) expect(f === want || f < 1e-300).toBe(true);
        else if (!close(f, want, 1e-10)) throw new Error(`Fréchet at scale ${c}: ${f}, expected ${want}`);
      }
    });
  }

  for (const kind of ["normal", "diag", "tril", "diagBatch"] as const) {
    it(`${kind}: every divergence equals its value at scale 1`, () => {
      const [p1, q1] = build(1, kind);
      for (const [name, f] of ops) {
        if (kind === "diagBatch" && name !== "kl" && name !== "kl reversed") continue;
        const ref = first(f(p1, q1));
        expect(ref > 0).toBe(true); // Rényi 2 is +Infinity here: 2Σq − Σp is not positive definite
        for (const c of SCALES) {
          const [p, q] = build(c, kind);
          const v = first(f(p, q));
          if (!(v === ref || close(v, ref, 1e-10)))
            throw new Error(`${name} at scale ${c}: ${v}, at scale 1: ${ref}`);
        }
      }
    });
  }
});
