/**
 * Csiszár f-divergences with the TFP generator family: each generator against TFP's log-space
 * formulas, identities with the named divergences, D_f ≥ f(1) with equality at p = q, and the
 * infinite-support sums (tails, divergent series).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import { Bernoulli } from "../../src/distributions/bernoulli.js";
import { Binomial } from "../../src/distributions/binomial.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { Geometric } from "../../src/distributions/geometric.js";
import { Poisson } from "../../src/distributions/poisson.js";
import type { Distribution } from "../../src/distributions/base.js";
import { hellinger, js, totalVariation as tvDistance } from "../../src/divergences/dispatch.js";
import {
  CsiszarFunction,
  amariAlpha,
  arithmeticGeometric,
  chiSquare,
  fDivergence,
  jeffreys,
  jensenShannon,
  klForward,
  klReverse,
  log1pAbs,
  modifiedGan,
  pearson,
  squaredHellinger,
  symmetrized,
  tPower,
  totalVariation,
  triangular,
} from "../../src/divergences/f-divergence.js";
import { kl } from "../../src/kl/registry.js";
import { runs } from "../helpers.js";

const num = (x: number | NDArray): number => (typeof x === "number" ? x : NaN);

function close(a: number, b: number, rtol = 1e-12, atol = 1e-14): boolean {
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

const softplus = (x: number): number => (x > 30 ? x + Math.exp(-x) : Math.log1p(Math.exp(x)));

/** TFP's formulas as written in csiszar_divergence.py (log-space, default self_normalized=False). */
const tfp: [string, CsiszarFunction, (l: number) => number][] = [
  ["kl_forward", klForward, (l) => Math.exp(l) * l],
  ["kl_forward (self-normalized)", klForward.selfNormalized, (l) => Math.exp(l) * l - Math.expm1(l)],
  ["kl_reverse", klReverse, (l) => -l],
  ["kl_reverse (self-normalized)", klReverse.selfNormalized, (l) => -l + Math.expm1(l)],
  ["jensen_shannon", jensenShannon, (l) => Math.exp(l) * l - (1 + Math.exp(l)) * softplus(l)],
  [
    "jensen_shannon (self-normalized)",
    jensenShannon.selfNormalized,
    (l) => Math.exp(l) * l - (1 + Math.exp(l)) * (softplus(l) - Math.LN2),
  ],
  ["arithmetic_geometric", arithmeticGeometric, (l) => (1 + Math.exp(l)) * (softplus(l) - 0.5 * l)],
  [
    "arithmetic_geometric (self-normalized)",
    arithmeticGeometric.selfNormalized,
    (l) => (1 + Math.exp(l)) * (softplus(l) - 0.5 * l - Math.LN2),
  ],
  ["total_variation", totalVariation, (l) => 0.5 * Math.abs(Math.expm1(l))],
  ["pearson", pearson, (l) => Math.expm1(l) ** 2],
  ["squared_hellinger", squaredHellinger, (l) => Math.expm1(0.5 * l) ** 2],
  ["triangular", triangular, (l) => Math.expm1(l) ** 2 / (1 + Math.exp(l))],
  ["t_power(2)", tPower(2), (l) => Math.expm1(2 * l)],
  ["t_power(0.5)", tPower(0.5), (l) => -Math.expm1(0.5 * l)],
  [
    "t_power(-1, self-normalized)",
    tPower(-1, { selfNormalized: true }),
    (l) => Math.expm1(-l) + Math.expm1(l),
  ],
  [
    "t_power(0.3, self-normalized)",
    tPower(0.3, { selfNormalized: true }),
    (l) => -(Math.expm1(0.3 * l) - 0.3 * Math.expm1(l)),
  ],
  ["amari_alpha(0.5)", amariAlpha(0.5), (l) => Math.expm1(0.5 * l) / (0.5 * -0.5)],
  [
    "amari_alpha(2, self-normalized)",
    amariAlpha(2, { selfNormalized: true }),
    (l) => Math.expm1(2 * l) / 2 - Math.expm1(l),
  ],
  ["amari_alpha(-0.5)", amariAlpha(-0.5), (l) => Math.expm1(-0.5 * l) / (-0.5 * -1.5)],
  ["log1p_abs", log1pAbs, (l) => Math.expm1(Math.abs(l))],
  ["jeffreys", jeffreys, (l) => 0.5 * Math.expm1(l) * l],
  ["chi_square", chiSquare, (l) => Math.expm1(2 * l)],
  ["modified_gan", modifiedGan, (l) => softplus(l) - l],
  [
    "modified_gan (self-normalized)",
    modifiedGan.selfNormalized,
    (l) => softplus(l) - l + 0.5 * Math.expm1(l),
  ],
];

describe("generators", () => {
  it("match TFP's log-space formulas on both sides of u = 1", () => {
    for (const [name, g, ref] of tfp) {
      for (const l of [-8, -2.5, -0.7, -1e-3, 0, 1e-3, 0.4, 1.9, 6]) {
        const a = g.f(l);
        const b = ref(l);
        if (!close(a, b, 1e-12, 1e-13)) throw new Error(`${name} at logu = ${l}: ${a} vs TFP ${b}`);
      }
      expect(Number.isFinite(g.f(0))).toBe(true);
    }
  });

  it("carry the right limits f(0+) and f(u)/u as u → ∞", () => {
    for (const [name, g] of tfp) {
      const at0 = g.f(-200);
      const slope = g.f(200) / Math.exp(200);
      if (Number.isFinite(g.atZero)) expect(close(at0, g.atZero, 1e-6, 1e-6), `${name} f(0+)`).toBe(true);
      else expect(at0, `${name} f(0+) = ∞`).toBeGreaterThan(10);
      if (Number.isFinite(g.slopeAtInfinity))
        expect(close(slope, g.slopeAtInfinity, 1e-6, 1e-6), `${name} slope`).toBe(true);
      else expect(slope, `${name} slope = ∞`).toBeGreaterThan(10);
    }
  });

  it("self-normalized generators have f'(1) = 0", () => {
    const gs = [klForward, klReverse, jensenShannon, arithmeticGeometric, modifiedGan].map(
      (g) => g.selfNormalized,
    );
    gs.push(amariAlpha(0.3, { selfNormalized: true }), tPower(2.5, { selfNormalized: true }));
    for (const g of gs) {
      const h = 1e-5;
      // d f / d u at u = 1 by central differences in u = e^l
      const df = (g.f(Math.log1p(h)) - g.f(Math.log1p(-h))) / (2 * h);
      expect(Math.abs(df)).toBeLessThan(1e-8);
    }
  });

  it("reject non-finite parameters", () => {
    for (const f of [() => tPower(NaN), () => amariAlpha(Infinity)]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KullbackError);
      expect((err as KullbackError).code).toBe("InvalidParameter");
    }
  });
});

const probVector = (k: number): fc.Arbitrary<number[]> =>
  fc
    .array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1, noNaN: true })), {
      minLength: k,
      maxLength: k,
    })
    .filter((v) => v.some((x) => x > 0))
    .map((v) => {
      const s = v.reduce((a, b) => a + b, 0);
      return v.map((x) => x / s);
    });

const pairs: fc.Arbitrary<[Distribution, Distribution]> = fc.oneof(
  fc
    .tuple(probVector(4), probVector(4))
    .map(
      ([a, b]) =>
        [new Categorical({ probs: a }), new Categorical({ probs: b })] as [Distribution, Distribution],
    ),
  fc
    .tuple(fc.double({ min: 0.02, max: 20, noNaN: true }), fc.double({ min: 0.02, max: 20, noNaN: true }))
    .map(([a, b]) => [new Poisson(a), new Poisson(b)] as [Distribution, Distribution]),
  fc
    .tuple(fc.double({ min: 0.1, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 1, noNaN: true }))
    .map(
      ([a, b]) => [new Geometric({ probs: a }), new Geometric({ probs: b })] as [Distribution, Distribution],
    ),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(
      ([a, b]) =>
        [new Binomial({ totalCount: 6, probs: a }), new Bernoulli({ probs: b })] as [
          Distribution,
          Distribution,
        ],
    ),
);

describe("f-divergences of distributions", () => {
  it("D_f(p, q) ≥ f(1) and D_f(p, p) = f(1); ≥ 0 and 0 at p = q whenever f(1) = 0", () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 0, max: tfp.length - 1 }), ([p, q], gi) => {
        const [, g] = tfp[gi];
        const f1 = g.f(0);
        const d = num(fDivergence(p, q, g));
        expect(d).toBeGreaterThanOrEqual(f1);
        expect(Math.abs(num(fDivergence(p, p, g)) - f1)).toBeLessThanOrEqual(1e-12);
        if (f1 === 0) {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(num(fDivergence(p, p, g))).toBe(0);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("f(1) is 0 for every generator but JS and AG without self-normalization and the modified GAN", () => {
    const nonzero = tfp.filter(([, g]) => g.f(0) !== 0).map(([n]) => n);
    expect(nonzero).toEqual([
      "jensen_shannon",
      "arithmetic_geometric",
      "modified_gan",
      "modified_gan (self-normalized)",
    ]);
    expect(jensenShannon.f(0)).toBeCloseTo(-2 * Math.LN2, 15);
    expect(arithmeticGeometric.f(0)).toBeCloseTo(2 * Math.LN2, 15);
    expect(modifiedGan.f(0)).toBeCloseTo(Math.LN2, 15);
  });

  it("equal the named divergences", () => {
    fc.assert(
      fc.property(pairs, ([p, q]) => {
        const klpq = num(kl(p, q));
        expect(close(num(fDivergence(p, q, klForward)), klpq, 1e-10, 1e-13)).toBe(true);
        expect(close(num(fDivergence(p, q, klForward.selfNormalized)), klpq, 1e-10, 1e-13)).toBe(true);
        const jsv = num(js(p, q));
        expect(close(num(fDivergence(p, q, jensenShannon.selfNormalized)), 2 * jsv, 1e-10, 1e-13)).toBe(true);
        expect(close(num(fDivergence(p, q, jensenShannon)), 2 * jsv - 2 * Math.LN2, 1e-10, 1e-13)).toBe(true);
        expect(close(num(fDivergence(p, q, totalVariation)), num(tvDistance(p, q)), 1e-10, 1e-13)).toBe(true);
        const h = num(hellinger(p, q));
        expect(close(num(fDivergence(p, q, squaredHellinger)), 2 * h * h, 1e-9, 1e-13)).toBe(true);
        expect(close(num(fDivergence(p, q, amariAlpha(0.5))), 4 * h * h, 1e-9, 1e-13)).toBe(true);
        expect(close(num(fDivergence(p, q, chiSquare)), num(fDivergence(p, q, pearson)), 1e-10, 1e-12)).toBe(
          true,
        );
        expect(close(num(fDivergence(p, q, tPower(2))), num(fDivergence(p, q, pearson)), 1e-10, 1e-12)).toBe(
          true,
        );
        // dual: D_{f*}(p, q) = D_f(q, p); symmetrized generators are symmetric
        expect(
          close(num(fDivergence(p, q, klReverse)), num(fDivergence(q, p, klForward)), 1e-10, 1e-13),
        ).toBe(true);
        expect(
          close(num(fDivergence(p, q, klForward.dual())), num(fDivergence(q, p, klForward)), 1e-10, 1e-13),
        ).toBe(true);
        expect(
          close(
            num(fDivergence(p, q, jeffreys)),
            num(fDivergence(p, q, symmetrized(klForward))),
            1e-10,
            1e-13,
          ),
        ).toBe(true);
        expect(
          close(num(fDivergence(p, q, triangular)), num(fDivergence(q, p, triangular)), 1e-10, 1e-13),
        ).toBe(true);
      }),
      { numRuns: runs(120) },
    );
  });

  it("follow infinite tails and recognise divergent series", () => {
    // Σ p²/q − 1 between Poisson laws: exp(λ²/μ − 2λ + μ) − 1
    const l = 3;
    const m = 5;
    expect(
      close(
        num(fDivergence(new Poisson(l), new Poisson(m), chiSquare)),
        Math.expm1((l * l) / m - 2 * l + m),
        1e-12,
      ),
    ).toBe(true);
    // Geometric: Σ p²/q = θ² / (φ (1 − (1−θ)²/(1−φ))) when finite
    const t = 0.5;
    const f = 0.4;
    const expected = (t * t) / (f * (1 - (1 - t) ** 2 / (1 - f))) - 1;
    expect(
      close(
        num(fDivergence(new Geometric({ probs: t }), new Geometric({ probs: f }), chiSquare)),
        expected,
        1e-12,
      ),
    ).toBe(true);
    // (1 − θ)² ≥ 1 − φ: the series diverges
    expect(num(fDivergence(new Geometric({ probs: 0.2 }), new Geometric({ probs: 0.9 }), pearson))).toBe(
      Infinity,
    );
    expect(num(fDivergence(new Geometric({ probs: 0.3 }), new Poisson(2), pearson))).toBe(Infinity);
    // a support mismatch under a generator with infinite slope
    expect(num(fDivergence(new Poisson(2), new Binomial({ totalCount: 4, probs: 0.5 }), klForward))).toBe(
      Infinity,
    );
    expect(
      close(
        num(fDivergence(new Poisson(2), new Binomial({ totalCount: 4, probs: 0.5 }), totalVariation)),
        num(tvDistance(new Poisson(2), new Binomial({ totalCount: 4, probs: 0.5 }))),
        1e-12,
      ),
    ).toBe(true);
  });

  it("batch shapes broadcast", () => {
    const r = fDivergence(
      new Bernoulli({ probs: [[0.1], [0.4]] }),
      new Bernoulli({ probs: [0.2, 0.3, 0.4] }),
      totalVariation,
    ) as NDArray;
    expect(r.shape).toEqual([2, 3]);
    expect(r.get(0, 0)).toBeCloseTo(0.1, 15);
    expect(r.get(1, 2)).toBe(0);
  });

  it("rejects a generator that is not a CsiszarFunction and mixed families", () => {
    let err: unknown;
    try {
      fDivergence(new Poisson(1), new Poisson(2), ((l: number) => l) as unknown as CsiszarFunction);
    } catch (e) {
      err = e;
    }
    expect((err as KullbackError).code).toBe("InvalidParameter");
    try {
      fDivergence(new Categorical({ probs: [0.5, 0.5] }), new Poisson(2), klForward);
      err = undefined;
    } catch (e) {
      err = e;
    }
    expect((err as KullbackError).code).toBe("NotImplemented");
  });
});
