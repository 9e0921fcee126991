/**
 * The Monte Carlo estimators against closed forms: KL, cross-entropy, Jensen–Shannon (against
 * quadrature) and f-divergences, batched and unbatched, plus the `kl(…, { method })` option,
 * seeding, event-shape alignment and support mismatch.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { NDArray, asArray, type ArrayInput } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import { Random } from "../../src/core/random.js";
import {
  Distribution,
  mapScalarEvent,
  mapBatch,
  type DistributionJSON,
  type SampleOptions,
} from "../../src/distributions/base.js";
import { Normal } from "../../src/distributions/normal.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../../src/distributions/multivariate-normal-diag.js";
import { GaussianMixture } from "../../src/distributions/gaussian-mixture.js";
import { kl } from "../../src/kl/registry.js";
import {
  klMonteCarlo,
  crossEntropyMonteCarlo,
  jsMonteCarlo,
  fDivergenceMonteCarlo,
  type MonteCarloResult,
} from "../../src/estimators/monte-carlo.js";
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

const num = (x: number | NDArray): number => (typeof x === "number" ? x : x.data[0]);

function within5(r: MonteCarloResult, exact: number): void {
  const e = num(r.estimate);
  const se = num(r.standardError);
  // p = q, or means 1e-162 apart (fast-check finds both), gives log p − log q = 0 for every
  // draw in float64: estimate and standard error 0
  if (exact > 1e-12) expect(se).toBeGreaterThan(0);
  else expect(se).toBeGreaterThanOrEqual(0);
  // 5 standard errors, plus a round-off floor (log p − log q is not exact when p ≈ q)
  expect(Math.abs(e - exact)).toBeLessThanOrEqual(5 * se + 1e-12 * Math.max(1, Math.abs(exact)));
}

function randomSpd(rng: Random, d: number): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal() * 0.7));
  return Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let s = i === j ? 0.3 : 0;
      for (let k = 0; k < d; k++) s += a[i][k] * a[j][k];
      return s;
    }),
  );
}

describe("klMonteCarlo agrees with the Gaussian closed forms within 5 standard errors", () => {
  it("Normal pairs (random)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1e6 }),
        (m1, s1, m2, s2, seed) => {
          const p = new Normal(m1, s1);
          const q = new Normal(m2, s2);
          const r = klMonteCarlo(p, q, { samples: 20000, seed });
          expect(r.kind).toBe("monteCarlo");
          expect(r.samples).toBe(20000);
          within5(r, kl(p, q) as number);
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it("MultivariateNormal pairs (random, d = 1..4)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 4 }), (seed, d) => {
        const rng = new Random(seed);
        const loc = () => Array.from({ length: d }, () => 2 * rng.normal());
        const p = MultivariateNormal.fromCovariance(loc(), randomSpd(rng, d));
        const q = MultivariateNormalDiag.fromVariance(
          loc(),
          Array.from({ length: d }, () => 0.5 + 2 * rng.uniform()),
        );
        within5(klMonteCarlo(p, q, { samples: 20000, seed }), kl(p, q) as number);
      }),
      { numRuns: runs(25) },
    );
  });

  it("batched pairs broadcast: estimates and standard errors have the batch shape", () => {
    const p = new Normal([0, 1, -1], [1, 2, 0.5]);
    const q = new Normal(0.5, 1.5);
    const r = klMonteCarlo(p, q, { samples: 20000, seed: 2 });
    const exact = kl(p, q) as NDArray;
    expect((r.estimate as NDArray).shape).toEqual([3]);
    expect((r.standardError as NDArray).shape).toEqual([3]);
    for (let i = 0; i < 3; i++) {
      const e = (r.estimate as NDArray).data[i];
      expect(Math.abs(e - exact.data[i])).toBeLessThanOrEqual(5 * (r.standardError as NDArray).data[i]);
    }
    // p unbatched against a [2, 1] batch of q: the result has q's batch shape
    const p1 = new Normal(0, 1);
    const q2 = new Normal([[0.5], [-1]], [[1], [2]]);
    const r2 = klMonteCarlo(p1, q2, { samples: 20000, seed: 3 });
    expect((r2.estimate as NDArray).shape).toEqual([2, 1]);
    const ex2 = kl(p1, q2) as NDArray;
    for (let i = 0; i < 2; i++) {
      expect(Math.abs((r2.estimate as NDArray).data[i] - ex2.data[i])).toBeLessThanOrEqual(
        5 * (r2.standardError as NDArray).data[i],
      );
    }
    // batched MVN against a single MVN
    const pm = MultivariateNormalDiag.fromVariance(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [1, 2],
        [0.5, 0.5],
      ],
    );
    const qm = MultivariateNormal.fromCovariance(
      [0, 1],
      [
        [1, 0.3],
        [0.3, 1],
      ],
    );
    const r3 = klMonteCarlo(pm, qm, { samples: 20000, seed: 4 });
    const ex3 = kl(pm, qm) as NDArray;
    for (let i = 0; i < 2; i++) {
      expect(Math.abs((r3.estimate as NDArray).data[i] - ex3.data[i])).toBeLessThanOrEqual(
        5 * (r3.standardError as NDArray).data[i],
      );
    }
  });

  it("many chunks (10^5 draws) stay within 5 standard errors and the standard error scales as 1/√n", () => {
    const p = new Normal(0, 1);
    const q = new Normal(1, 2);
    const big = klMonteCarlo(p, q, { samples: 100000, seed: 8 });
    const small = klMonteCarlo(p, q, { samples: 10000, seed: 8 });
    within5(big, kl(p, q) as number);
    const ratio = num(small.standardError) / num(big.standardError);
    expect(ratio).toBeGreaterThan(Math.sqrt(10) * 0.9);
    expect(ratio).toBeLessThan(Math.sqrt(10) * 1.1);
  });
});

describe("cross-entropy, Jensen–Shannon and f-divergences", () => {
  it("crossEntropyMonteCarlo estimates H(p) + KL(p ‖ q)", () => {
    const p = MultivariateNormal.fromCovariance(
      [0, 1],
      [
        [2, 0.5],
        [0.5, 1],
      ],
    );
    const q = MultivariateNormalDiag.fromVariance([1, 0], [1, 3]);
    within5(
      crossEntropyMonteCarlo(p, q, { samples: 20000, seed: 1 }),
      (p.entropy() as number) + (kl(p, q) as number),
    );
  });

  it("jsMonteCarlo agrees with quadrature for Normals, is 0 for p = q and near log 2 for far-apart pairs", () => {
    const p = new Normal(0, 1);
    const q = new Normal(1.5, 0.7);
    // quadrature of ½∫p log(p/m) + ½∫q log(q/m)
    let js = 0;
    const h = 0.001;
    for (let x = -15; x <= 15; x += h) {
      const lp = p.logProb(x) as number;
      const lq = q.logProb(x) as number;
      const lm = Math.log(0.5 * (Math.exp(lp) + Math.exp(lq)));
      js += 0.5 * h * (Math.exp(lp) * (lp - lm) + Math.exp(lq) * (lq - lm));
    }
    const r = jsMonteCarlo(p, q, { samples: 20000, seed: 5 });
    within5(r, js);
    const same = jsMonteCarlo(p, p, { samples: 1000, seed: 5 });
    expect(same.estimate).toBe(0);
    const far = num(jsMonteCarlo(new Normal(0, 1), new Normal(100, 1), { samples: 1000 }).estimate);
    expect(far).toBeCloseTo(Math.LN2, 12);
    expect(far).toBeLessThanOrEqual(Math.LN2);
  });

  it("fDivergenceMonteCarlo: t ↦ −t gives KL(q ‖ p) and t ↦ t eᵗ gives KL(p ‖ q)", () => {
    const p = new Normal(0, 1.3);
    const q = new Normal(0.5, 1);
    within5(
      fDivergenceMonteCarlo(p, q, (t) => -t, { samples: 20000, seed: 6 }),
      kl(q, p) as number,
    );
    within5(
      fDivergenceMonteCarlo(p, q, (t) => t * Math.exp(t), { samples: 50000, seed: 6 }),
      kl(p, q) as number,
    );
    // squared Hellinger ½∫(√p − √q)² = 1 − BC, BC for Normals in closed form
    const [m1, s1, m2, s2] = [0, 1.3, 0.5, 1];
    const bc =
      Math.sqrt((2 * s1 * s2) / (s1 * s1 + s2 * s2)) *
      Math.exp(-((m1 - m2) ** 2) / (4 * (s1 * s1 + s2 * s2)));
    within5(
      fDivergenceMonteCarlo(p, q, (t) => 0.5 * Math.expm1(t / 2) ** 2, { samples: 20000, seed: 6 }),
      1 - bc,
    );
    expect(codeOf(() => fDivergenceMonteCarlo(p, q, 3 as unknown as (t: number) => number))).toBe(
      "InvalidParameter",
    );
  });
});

describe("options, shapes and edge cases", () => {
  const p = new Normal(0, 1);
  const q = new Normal(1, 2);

  it("kl(p, q) is the closed form only: an options argument is refused, naming klMonteCarlo", () => {
    const call = kl as (...a: unknown[]) => unknown;
    for (const opt of [
      { method: "monteCarlo", samples: 5000, seed: 3 },
      { method: "closedForm" },
      undefined,
    ]) {
      expect(codeOf(() => call(p, q, opt))).toBe("InvalidParameter");
    }
    expect(() => call(p, q, { method: "monteCarlo" })).toThrow(/klMonteCarlo\(p, q, \{ samples, seed \}\)/);
    expect(klMonteCarlo(p, q, { samples: 5000, seed: 3 }).estimate).toBeCloseTo(kl(p, q) as number, 1);
  });

  it("seeds reproduce; different seeds differ; the default seed is fixed", () => {
    expect(klMonteCarlo(p, q, { seed: 1, samples: 100 }).estimate).toBe(
      klMonteCarlo(p, q, { seed: 1, samples: 100 }).estimate,
    );
    expect(klMonteCarlo(p, q, { seed: 1, samples: 100 }).estimate).not.toBe(
      klMonteCarlo(p, q, { seed: 2, samples: 100 }).estimate,
    );
    expect(klMonteCarlo(p, q).estimate).toBe(klMonteCarlo(p, q).estimate);
    expect(klMonteCarlo(p, q).samples).toBe(10000);
  });

  it("sample counts below 2 or non-integers are InvalidParameter", () => {
    expect(codeOf(() => klMonteCarlo(p, q, { samples: 1 }))).toBe("InvalidParameter");
    expect(codeOf(() => klMonteCarlo(p, q, { samples: 2.5 }))).toBe("InvalidParameter");
    expect(codeOf(() => jsMonteCarlo(p, q, { samples: 0 }))).toBe("InvalidParameter");
  });

  it("a Normal and a one-dimensional mixture align their events; other event mismatches are InvalidShape", () => {
    const mix = GaussianMixture.fromVariance([0.5, 0.5], [[-1], [1]], [[1], [0.5]]);
    const a = klMonteCarlo(p, mix, { samples: 2000, seed: 1 });
    const b = klMonteCarlo(mix, p, { samples: 2000, seed: 1 });
    expect(Number.isFinite(num(a.estimate))).toBe(true);
    expect(Number.isFinite(num(b.estimate))).toBe(true);
    // a mixture of one equal to q gives exactly the estimate for q itself (same draws of p)
    const qm = GaussianMixture.fromGaussian(q);
    const viaMix = num(klMonteCarlo(p, qm, { samples: 3000, seed: 2 }).estimate);
    const direct = num(klMonteCarlo(p, q, { samples: 3000, seed: 2 }).estimate);
    expect(viaMix).toBeCloseTo(direct, 12);
    const mvn = MultivariateNormalDiag.fromVariance([0, 0], [1, 1]);
    expect(codeOf(() => klMonteCarlo(p, mvn))).toBe("InvalidShape");
  });

  it("support mismatch: q(x) = 0 where p(x) > 0 gives +Infinity with standard error 0", () => {
    const wide = new UniformTest(0, 2);
    const narrow = new UniformTest(0, 1);
    const r = klMonteCarlo(wide, narrow, { samples: 1000, seed: 1 });
    expect(r.estimate).toBe(Infinity);
    expect(r.standardError).toBe(0);
    // the other direction is finite: log 2
    const r2 = klMonteCarlo(narrow, wide, { samples: 1000, seed: 1 });
    expect(r2.estimate).toBeCloseTo(Math.LN2, 15);
    expect(r2.standardError).toBeLessThan(1e-15);
    // JS stays finite (log 2 for draws where the other density is 0)
    const js = num(jsMonteCarlo(wide, narrow, { samples: 20000, seed: 1 }).estimate);
    expect(js).toBeGreaterThan(0);
    expect(js).toBeLessThan(Math.LN2);
  });
});

/** A minimal continuous uniform on [low, high) (a user-defined family with bounded support). */
class UniformTest extends Distribution {
  readonly family = "UniformTest";
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[] = [];
  constructor(
    private readonly low: number,
    private readonly high: number,
  ) {
    super();
  }
  mean(): number {
    return (this.low + this.high) / 2;
  }
  logProb(x: ArrayInput): number | NDArray {
    const w = this.high - this.low;
    return mapScalarEvent(asArray(x, "x"), [], (v) =>
      v >= this.low && v < this.high ? -Math.log(w) : -Infinity,
    );
  }
  entropy(): number | NDArray {
    return mapBatch([], () => Math.log(this.high - this.low));
  }
  sample(n: number, options: SampleOptions = {}): NDArray {
    const rng = new Random(options.seed);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.low + (this.high - this.low) * rng.uniform();
    return new NDArray(out, [n]);
  }
  toJSON(): DistributionJSON {
    return { family: this.family, low: this.low, high: this.high };
  }
}
