/**
 * Discrete families (Bernoulli, Binomial, Geometric, Poisson, Categorical, OneHotCategorical,
 * Dirichlet), their KL pairs and the discrete divergences (js, bhattacharyya, hellinger, renyi,
 * totalVariation): reference vectors, brute-force sums over the support, and properties.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NDArray } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import { Independent } from "../../src/distributions/independent.js";
import { Normal } from "../../src/distributions/normal.js";
import { Bernoulli } from "../../src/distributions/bernoulli.js";
import { Binomial } from "../../src/distributions/binomial.js";
import { Categorical, PROBS_SUM_TOLERANCE } from "../../src/distributions/categorical.js";
import { Dirichlet } from "../../src/distributions/dirichlet.js";
import { Geometric } from "../../src/distributions/geometric.js";
import { OneHotCategorical } from "../../src/distributions/one-hot-categorical.js";
import { Poisson } from "../../src/distributions/poisson.js";
import type { Distribution } from "../../src/distributions/base.js";
import {
  bhattacharyya,
  hellinger,
  js,
  registerDistance,
  renyi,
  totalVariation,
} from "../../src/divergences/dispatch.js";
import { checkOutput, evaluateCase } from "../../src/conformance/eval.js";
import { fromJSON, toJSON } from "../../src/distributions/json.js";
import { kl } from "../../src/kl/registry.js";
import { runs } from "../helpers.js";

const num = (x: number | NDArray): number => (typeof x === "number" ? x : NaN);
const arr = (x: number | NDArray): number[] => (typeof x === "number" ? [x] : Array.from(x.data));

/** |a − b| ≤ atol + rtol |b|, infinities exact. */
function close(a: number, b: number, rtol = 1e-12, atol = 1e-15): boolean {
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof KullbackError ? e.code : `non-Kullback error: ${(e as Error).message}`;
  }
  return undefined;
}

// ── reference vectors ──────────────────────────────────────────────────────────────────────

const vectors = (file: string): Record<string, unknown>[] =>
  readFileSync(new URL(`../fixtures/vectors/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const DISCRETE =
  /"family": ?"(Bernoulli|Binomial|Geometric|Poisson|Categorical|OneHotCategorical|Dirichlet)"/;
const OTHER_HELPERS_OPS = new Set(["pairwiseKl", "knnKl"]);

describe("reference vectors", () => {
  const cases: [string, Record<string, unknown>[]][] = [
    ["kl-discrete.jsonl", vectors("kl-discrete.jsonl")],
    [
      "kl-batched.jsonl (discrete cases)",
      vectors("kl-batched.jsonl").filter((c) => DISCRETE.test(JSON.stringify(c))),
    ],
    [
      "errors.jsonl (discrete cases)",
      vectors("errors.jsonl").filter(
        (c) => DISCRETE.test(JSON.stringify(c)) && !OTHER_HELPERS_OPS.has(String(c.op)),
      ),
    ],
  ];
  for (const [name, lines] of cases) {
    it(`${name}: all ${lines.length} cases pass`, () => {
      expect(lines.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (const c of lines) {
        const r = checkOutput(c, evaluateCase(c));
        if (!r.pass) failures.push(`${String(c.id)}: ${r.reason}`);
      }
      expect(failures).toEqual([]);
    });
  }
  it("kl-discrete.jsonl has all 150 cases", () => {
    expect(vectors("kl-discrete.jsonl").length).toBe(150);
  });
});

// ── brute-force sums over the support (pmfs computed here independently) ─────────────────

/** log k! by summation (exact enough for k ≤ 2000). */
function logFactorial(k: number): number {
  let s = 0;
  for (let j = 2; j <= k; j++) s += Math.log(j);
  return s;
}

/** log-masses (so that tails do not underflow before the logs are taken). */
function poissonLogPmf(rate: number, kmax: number): number[] {
  return Array.from({ length: kmax + 1 }, (_, k) =>
    k === 0 ? -rate : k * Math.log(rate) - rate - logFactorial(k),
  );
}

function binomialLogPmf(n: number, p: number): number[] {
  return Array.from(
    { length: n + 1 },
    (_, k) =>
      logFactorial(n) -
      logFactorial(k) -
      logFactorial(n - k) +
      (k > 0 ? k * Math.log(p) : 0) +
      (k < n ? (n - k) * Math.log1p(-p) : 0),
  );
}

function geometricLogPmf(p: number, kmax: number): number[] {
  return Array.from({ length: kmax + 1 }, (_, k) => (k > 0 ? k * Math.log1p(-p) : 0) + Math.log(p));
}

const poissonPmf = (rate: number, kmax: number): number[] => poissonLogPmf(rate, kmax).map(Math.exp);
const binomialPmf = (n: number, p: number): number[] => binomialLogPmf(n, p).map(Math.exp);
const geometricPmf = (p: number, kmax: number): number[] => geometricLogPmf(p, kmax).map(Math.exp);

/** Σ p log(p/q) from log-masses, with 0 log 0 = 0 (missing q entries have mass 0). */
function klSumLog(lp: number[], lq: number[]): number {
  let s = 0;
  for (let k = 0; k < lp.length; k++) {
    if (lp[k] === -Infinity) continue;
    const b = lq[k] ?? -Infinity;
    if (b === -Infinity) return Infinity;
    s += Math.exp(lp[k]) * (lp[k] - b);
  }
  return s;
}

/** Σ p log(p/q) with 0 log 0 = 0. */
function klSum(p: number[], q: number[]): number {
  return klSumLog(p.map(Math.log), q.map(Math.log));
}

function entropySum(p: number[]): number {
  return -p.reduce((s, x) => (x > 0 ? s + x * Math.log(x) : s), 0);
}

describe("KL equals the brute-force sum over the support", () => {
  const rate = fc.double({ min: 0.05, max: 30, noNaN: true });
  const prob = fc.double({ min: 0.02, max: 0.98, noNaN: true });

  it("Poisson ‖ Poisson", () => {
    fc.assert(
      fc.property(rate, rate, (l, m) => {
        const bf = klSumLog(poissonLogPmf(l, 150), poissonLogPmf(m, 150));
        expect(close(num(kl(new Poisson(l), new Poisson(m))), bf, 1e-9, 1e-12)).toBe(true);
      }),
      { numRuns: runs(60) },
    );
  });

  it("Binomial ‖ Binomial (same and different totalCount)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        prob,
        prob,
        (n, m, p, q) => {
          const got = num(
            kl(new Binomial({ totalCount: n, probs: p }), new Binomial({ totalCount: m, probs: q })),
          );
          const bf = n > m ? Infinity : klSumLog(binomialLogPmf(n, p), binomialLogPmf(m, q));
          expect(close(got, bf, 1e-9, 1e-12)).toBe(true);
        },
      ),
      { numRuns: runs(80) },
    );
  });

  it("Geometric ‖ Geometric", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        (p, q) => {
          const bf = klSumLog(geometricLogPmf(p, 2000), geometricLogPmf(q, 2000));
          expect(
            close(num(kl(new Geometric({ probs: p }), new Geometric({ probs: q }))), bf, 1e-9, 1e-12),
          ).toBe(true);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it("cross-family pairs with a finite-support p, and Bernoulli ‖ Poisson", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), prob, prob, rate, (n, p, q, m) => {
        const bin = new Binomial({ totalCount: n, probs: p });
        const ber = new Bernoulli({ probs: p });
        expect(
          close(num(kl(bin, new Poisson(m))), klSum(binomialPmf(n, p), poissonPmf(m, n)), 1e-9, 1e-12),
        ).toBe(true);
        expect(
          close(
            num(kl(bin, new Geometric({ probs: q }))),
            klSum(binomialPmf(n, p), geometricPmf(q, n)),
            1e-9,
            1e-12,
          ),
        ).toBe(true);
        expect(
          close(
            num(kl(ber, new Binomial({ totalCount: n, probs: q }))),
            klSum([1 - p, p], binomialPmf(n, q)),
            1e-9,
            1e-12,
          ),
        ).toBe(true);
        expect(close(num(kl(ber, new Poisson(m))), klSum([1 - p, p], poissonPmf(m, 1)), 1e-9, 1e-12)).toBe(
          true,
        );
        expect(
          close(
            num(kl(ber, new Geometric({ probs: q }))),
            klSum([1 - p, p], geometricPmf(q, 1)),
            1e-9,
            1e-12,
          ),
        ).toBe(true);
        const back = num(kl(bin, new Bernoulli({ probs: q })));
        if (n === 1) expect(close(back, klSum([1 - p, p], [1 - q, q]), 1e-9, 1e-15)).toBe(true);
        else expect(back).toBe(Infinity);
      }),
      { numRuns: runs(60) },
    );
  });

  it("entropies of Poisson, Binomial and Geometric", () => {
    fc.assert(
      fc.property(rate, fc.integer({ min: 0, max: 60 }), prob, (l, n, p) => {
        expect(close(num(new Poisson(l).entropy()), entropySum(poissonPmf(l, 150)), 1e-10, 1e-14)).toBe(true);
        expect(
          close(
            num(new Binomial({ totalCount: n, probs: p }).entropy()),
            entropySum(binomialPmf(n, p)),
            1e-10,
            1e-14,
          ),
        ).toBe(true);
        expect(
          close(num(new Geometric({ probs: p }).entropy()), entropySum(geometricPmf(p, 3000)), 1e-10, 1e-14),
        ).toBe(true);
      }),
      { numRuns: runs(40) },
    );
  });

  it("the large-rate Poisson entropy series agrees with the exact sum where both apply", () => {
    // λ = 2e6: summed exactly; the series (used above 1e7) must agree there to ~1e-15
    const s = num(new Poisson(2e6).entropy());
    const x = 1 / 2e6;
    const series = 0.5 * Math.log(2 * Math.PI * Math.E * 2e6) - x * (1 / 12 + x * (1 / 24 + (x * 19) / 360));
    expect(Math.abs(s - series)).toBeLessThan(1e-13);
    expect(
      close(
        num(new Poisson(3e7).entropy()),
        0.5 * Math.log(2 * Math.PI * Math.E * 3e7) - 1 / (12 * 3e7),
        1e-14,
      ),
    ).toBe(true);
  });
});

// ── closed forms at the edges ───────────────────────────────────────────────────────────────

describe("edges of the support", () => {
  it("Bernoulli: 0·log 0 = 0 on p's side, +Infinity where q has no mass", () => {
    expect(num(kl(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 0.5 })))).toBeCloseTo(Math.log(2), 15);
    expect(num(kl(new Bernoulli({ probs: 0.3 }), new Bernoulli({ probs: 1 })))).toBe(Infinity);
    expect(num(kl(new Bernoulli({ probs: 1 }), new Bernoulli({ probs: 1 })))).toBe(0);
    expect(num(kl(new Bernoulli({ logits: Infinity }), new Bernoulli({ probs: 0.25 })))).toBeCloseTo(
      Math.log(4),
      15,
    );
  });

  it("nearly equal Bernoulli laws keep their digits (KL ≈ δ²/(2p(1−p)))", () => {
    const p = 0.3;
    const d = 1e-9;
    const approx = (d * d) / (2 * p * (1 - p));
    expect(close(num(kl(new Bernoulli({ probs: p }), new Bernoulli({ probs: p + d }))), approx, 1e-6)).toBe(
      true,
    );
    expect(
      close(
        num(kl(new Bernoulli({ logits: 30 }), new Bernoulli({ logits: 30 + 1e-6 }))),
        (Math.exp(-30) * 1e-12) / 2,
        1e-5,
      ),
    ).toBe(true);
  });

  it("Binomial: q's totalCount below p's is +Infinity unless p is the point mass at 0", () => {
    expect(
      num(kl(new Binomial({ totalCount: 5, probs: 0.2 }), new Binomial({ totalCount: 4, probs: 0.2 }))),
    ).toBe(Infinity);
    expect(
      num(kl(new Binomial({ totalCount: 5, probs: 0 }), new Binomial({ totalCount: 4, probs: 0.2 }))),
    ).toBeCloseTo(-4 * Math.log(0.8), 14);
  });

  it("Geometric: probs 1 is the point mass at 0", () => {
    expect(num(kl(new Geometric({ probs: 1 }), new Geometric({ probs: 0.25 })))).toBeCloseTo(Math.log(4), 15);
    expect(num(kl(new Geometric({ probs: 0.5 }), new Geometric({ probs: 1 })))).toBe(Infinity);
    expect(num(new Geometric({ probs: 1 }).entropy())).toBe(0);
  });

  it("Poisson: rate 0 is the point mass at 0", () => {
    expect(num(kl(new Poisson(0), new Poisson(2)))).toBe(2);
    expect(num(kl(new Poisson(2), new Poisson(0)))).toBe(Infinity);
    expect(num(new Poisson(0).entropy())).toBe(0);
    expect(num(kl(new Poisson(0), new Bernoulli({ probs: 0.25 })))).toBeCloseTo(-Math.log(0.75), 15);
  });

  it("support mismatches are +Infinity; Poisson ↔ Geometric has no closed form", () => {
    expect(num(kl(new Poisson(3), new Bernoulli({ probs: 0.5 })))).toBe(Infinity);
    expect(num(kl(new Geometric({ probs: 0.5 }), new Binomial({ totalCount: 9, probs: 0.5 })))).toBe(
      Infinity,
    );
    expect(num(kl(new Bernoulli({ probs: 0.5 }), new Poisson(0)))).toBe(Infinity);
    expect(errorCode(() => kl(new Poisson(1), new Geometric({ probs: 0.5 })))).toBe("NotImplemented");
    expect(errorCode(() => kl(new Geometric({ probs: 0.5 }), new Poisson(1)))).toBe("NotImplemented");
  });

  it("Categorical: a zero in q where p > 0 is +Infinity, zeros in p contribute 0", () => {
    const p = new Categorical({ probs: [0.5, 0.5, 0] });
    expect(num(kl(p, new Categorical({ probs: [0.5, 0, 0.5] })))).toBe(Infinity);
    expect(num(kl(p, new Categorical({ probs: [0.25, 0.75, 0] })))).toBeCloseTo(
      0.5 * Math.log(2) + 0.5 * Math.log(2 / 3),
      15,
    );
  });

  it("Dirichlet: KL of equal laws is exactly 0 and large concentrations keep their digits", () => {
    expect(num(kl(new Dirichlet([3, 4, 5]), new Dirichlet([3, 4, 5])))).toBe(0);
    // α = (1e4, 2e4) vs (1.001e4, 2e4), and the entropy of the first: mpmath (40 digits)
    expect(
      close(num(kl(new Dirichlet([1e4, 2e4]), new Dirichlet([1.001e4, 2e4]))), 0.003332074723695714, 1e-12),
    ).toBe(true);
    expect(close(num(new Dirichlet([1e4, 2e4]).entropy()), -4.487598718584326, 1e-13)).toBe(true);
    expect(close(num(new Dirichlet([1, 1, 1]).entropy()), -Math.log(2), 1e-14)).toBe(true);
  });
});

// ── properties ─────────────────────────────────────────────────────────────────────────────

/** A random probability vector of length k (some entries may be 0). */
const probVector = (k: number, zeros = false): fc.Arbitrary<number[]> =>
  fc
    .array(
      zeros
        ? fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true }))
        : fc.double({ min: 0.01, max: 1, noNaN: true }),
      {
        minLength: k,
        maxLength: k,
      },
    )
    .filter((v) => v.some((x) => x > 0))
    .map((v) => {
      const s = v.reduce((a, b) => a + b, 0);
      return v.map((x) => x / s);
    });

const anyDiscretePair: fc.Arbitrary<[Distribution, Distribution]> = fc.oneof(
  probVector(5, true).chain((p) =>
    probVector(5, true).map(
      (q) => [new Categorical({ probs: p }), new Categorical({ probs: q })] as [Distribution, Distribution],
    ),
  ),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(
      ([a, b]) => [new Bernoulli({ probs: a }), new Bernoulli({ probs: b })] as [Distribution, Distribution],
    ),
  fc
    .tuple(fc.double({ min: 0.01, max: 40, noNaN: true }), fc.double({ min: 0.01, max: 40, noNaN: true }))
    .map(([a, b]) => [new Poisson(a), new Poisson(b)] as [Distribution, Distribution]),
  fc
    .tuple(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }))
    .map(
      ([a, b]) => [new Geometric({ probs: a }), new Geometric({ probs: b })] as [Distribution, Distribution],
    ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 25 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    )
    .map(
      ([n, m, a, b]) =>
        [new Binomial({ totalCount: n, probs: a }), new Binomial({ totalCount: m, probs: b })] as [
          Distribution,
          Distribution,
        ],
    ),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 20, noNaN: true }))
    .map(([a, m]) => [new Bernoulli({ probs: a }), new Poisson(m)] as [Distribution, Distribution]),
);

describe("properties", () => {
  it("KL ≥ 0 and KL(p ‖ p) = 0 (all discrete pairs and Dirichlet)", () => {
    fc.assert(
      fc.property(anyDiscretePair, ([p, q]) => {
        expect(num(kl(p, q))).toBeGreaterThanOrEqual(0);
        expect(num(kl(p, p))).toBe(0);
      }),
      { numRuns: runs(200) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.05, max: 50, noNaN: true }), { minLength: 2, maxLength: 6 }),
        (a) => {
          const d = new Dirichlet(a);
          expect(num(kl(d, d))).toBe(0);
          expect(num(kl(d, new Dirichlet(a.map((x) => x * 1.5 + 0.1))))).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it("JS is symmetric, in [0, log 2], and 0 at p = q", () => {
    fc.assert(
      fc.property(anyDiscretePair, ([p, q]) => {
        const a = num(js(p, q));
        const b = num(js(q, p));
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-15 + 1e-13 * a);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(Math.LN2);
        expect(num(js(p, p))).toBe(0);
      }),
      { numRuns: runs(150) },
    );
  });

  it("Rényi is non-decreasing in α and tends to KL as α → 1", () => {
    fc.assert(
      fc.property(anyDiscretePair, ([p, q]) => {
        const alphas = [0, 0.1, 0.5, 0.9, 1 - 1e-9, 1, 1 + 1e-9, 1.5, 2, 4];
        const vals = alphas.map((a) => num(renyi(p, q, a)));
        for (let i = 1; i < vals.length; i++) {
          if (vals[i - 1] === Infinity) expect(vals[i]).toBe(Infinity);
          else expect(vals[i]).toBeGreaterThanOrEqual(vals[i - 1] * (1 - 1e-9) - 1e-12);
        }
        const klv = num(kl(p, q));
        if (Number.isFinite(klv)) {
          // |D_{1±h} − KL| ≈ h · ½ Var_p[log p/q]: h = 1e-9 keeps that below 1e-5 KL for the pairs drawn here
          expect(Math.abs(vals[4] - klv)).toBeLessThanOrEqual(1e-5 * klv + 1e-12);
          if (Number.isFinite(vals[6]))
            expect(Math.abs(vals[6] - klv)).toBeLessThanOrEqual(1e-5 * klv + 1e-12);
        }
        // D_½ = 2 × Bhattacharyya
        const b = num(bhattacharyya(p, q));
        expect(close(vals[2], 2 * b, 1e-9, 1e-13)).toBe(true);
      }),
      { numRuns: runs(120) },
    );
  });

  it("Bhattacharyya keeps its digits when the affinity is subnormal (found by the property above)", () => {
    // p is the point mass at 2; q(2) = 3·q² underflows: D_α = −log q(2) for every α, and D_½ = 2 D_B
    const p = fromJSON({ family: "Binomial", totalCount: 2, probs: 1 });
    for (const qp of [5e-324, 1e-300, 1e-170]) {
      const q = fromJSON({ family: "Binomial", totalCount: 3, probs: qp });
      const exact = -(Math.log(3) + 2 * Math.log(qp) + Math.log1p(-qp));
      expect(close(num(bhattacharyya(p, q)), exact / 2, 1e-12, 0)).toBe(true);
      expect(close(num(renyi(p, q, 0.5)), exact, 1e-12, 0)).toBe(true);
    }
  });

  it("Hellinger² = 1 − e^{−Bhattacharyya}, TV between H² and H√2, all 0 at p = q", () => {
    fc.assert(
      fc.property(anyDiscretePair, ([p, q]) => {
        const h = num(hellinger(p, q));
        const b = num(bhattacharyya(p, q));
        const tv = num(totalVariation(p, q));
        expect(Math.abs(h * h - -Math.expm1(-b))).toBeLessThan(1e-12);
        expect(tv).toBeGreaterThanOrEqual(h * h - 1e-12);
        expect(tv).toBeLessThanOrEqual(h * Math.SQRT2 + 1e-12);
        expect(num(hellinger(p, p))).toBe(0);
        expect(num(bhattacharyya(p, p))).toBeLessThan(1e-15);
        expect(num(totalVariation(p, p))).toBe(0);
      }),
      { numRuns: runs(120) },
    );
  });

  it("closed-form distances equal the sums over the support", () => {
    // Poisson / Geometric / equal-n Binomial closed forms vs the same laws written as Categorical
    const asCat = (pmf: number[]): Categorical => {
      const s = pmf.reduce((a, b) => a + b, 0);
      return new Categorical({ probs: pmf.map((x) => x / s) });
    };
    const pairs: [Distribution, Distribution, Categorical, Categorical][] = [
      [new Poisson(2.5), new Poisson(4), asCat(poissonPmf(2.5, 120)), asCat(poissonPmf(4, 120))],
      [
        new Geometric({ probs: 0.4 }),
        new Geometric({ probs: 0.25 }),
        asCat(geometricPmf(0.4, 400)),
        asCat(geometricPmf(0.25, 400)),
      ],
      [
        new Binomial({ totalCount: 12, probs: 0.3 }),
        new Binomial({ totalCount: 12, logits: 0.4 }),
        asCat(binomialPmf(12, 0.3)),
        asCat(binomialPmf(12, 1 / (1 + Math.exp(-0.4)))),
      ],
    ];
    for (const [p, q, cp, cq] of pairs) {
      expect(close(num(bhattacharyya(p, q)), num(bhattacharyya(cp, cq)), 1e-10)).toBe(true);
      expect(close(num(hellinger(p, q)), num(hellinger(cp, cq)), 1e-10)).toBe(true);
      for (const a of [0.3, 0.5, 2, 3])
        expect(close(num(renyi(p, q, a)), num(renyi(cp, cq, a)), 1e-10)).toBe(true);
      expect(close(num(js(p, q)), num(js(cp, cq)), 1e-10)).toBe(true);
      expect(close(num(totalVariation(p, q)), num(totalVariation(cp, cq)), 1e-10)).toBe(true);
    }
  });

  it("Rényi of order > 1 detects divergent series", () => {
    // Geometric(0.2) against Geometric(0.9): Σ p² / q grows like (0.64/0.1)^k
    expect(num(renyi(new Geometric({ probs: 0.2 }), new Geometric({ probs: 0.9 }), 2))).toBe(Infinity);
    expect(num(renyi(new Geometric({ probs: 0.3 }), new Poisson(2), 1.5))).toBe(Infinity);
    expect(Number.isFinite(num(renyi(new Poisson(2), new Geometric({ probs: 0.3 }), 1.5)))).toBe(true);
    expect(errorCode(() => renyi(new Poisson(2), new Poisson(3), -1))).toBe("InvalidParameter");
    expect(errorCode(() => renyi(new Poisson(2), new Poisson(3), Infinity))).toBe("InvalidParameter");
  });
});

// ── families ───────────────────────────────────────────────────────────────────────────────

describe("families", () => {
  it("probs and logits describe the same law", () => {
    const l = 0.7;
    const p = 1 / (1 + Math.exp(-l));
    for (const [a, b] of [
      [new Bernoulli({ logits: l }), new Bernoulli({ probs: p })],
      [new Binomial({ totalCount: 7, logits: l }), new Binomial({ totalCount: 7, probs: p })],
      [new Geometric({ logits: l }), new Geometric({ probs: p })],
      [new Categorical({ logits: [0, l] }), new Categorical({ probs: [1 - p, p] })],
    ] as [Distribution, Distribution][]) {
      expect(num(kl(a, b))).toBeLessThan(1e-15);
      expect(close(num(a.entropy()), num(b.entropy()), 1e-14)).toBe(true);
      const la = arr(a.logProb([0, 1]));
      const lb = arr(b.logProb([0, 1]));
      la.forEach((x, i) => expect(close(x, lb[i], 1e-14, 1e-15)).toBe(true));
    }
  });

  it("logits keep full precision in the tails", () => {
    const b = new Bernoulli({ logits: -40 });
    expect(close(b.probs[0], Math.exp(-40) / (1 + Math.exp(-40)), 1e-15)).toBe(true);
    expect(close(b.logProbs1[0], -40 - Math.log1p(Math.exp(-40)), 1e-15)).toBe(true);
    expect(close(num(new Geometric({ logits: -40 }).mean()), Math.exp(40), 1e-15)).toBe(true);
  });

  it("means and variances equal the moments of the mass function", () => {
    const cases: [Distribution, number[]][] = [
      [new Poisson(3.3), poissonPmf(3.3, 120)],
      [new Binomial({ totalCount: 15, probs: 0.35 }), binomialPmf(15, 0.35)],
      [new Geometric({ probs: 0.3 }), geometricPmf(0.3, 400)],
      [new Bernoulli({ probs: 0.3 }), [0.7, 0.3]],
      [new Categorical({ probs: [0.1, 0.2, 0.7] }), [0.1, 0.2, 0.7]],
    ];
    for (const [d, pmf] of cases) {
      const m = pmf.reduce((s, p, k) => s + k * p, 0);
      const v = pmf.reduce((s, p, k) => s + (k - m) ** 2 * p, 0);
      const dv = d as Distribution & { variance(): number | NDArray };
      expect(close(num(d.mean()), m, 1e-12)).toBe(true);
      expect(close(num(dv.variance()), v, 1e-11)).toBe(true);
      // the mass function sums to 1 and matches logProb
      const lp = arr(d.logProb(pmf.map((_, k) => k)));
      lp.forEach((x, k) => expect(close(Math.exp(x), pmf[k], 1e-11, 1e-300)).toBe(true));
    }
  });

  it("logProb is −∞ off the support and NaN only for NaN", () => {
    expect(arr(new Bernoulli({ probs: 0.3 }).logProb([0.5, -1, 2, NaN]))).toEqual([
      -Infinity,
      -Infinity,
      -Infinity,
      NaN,
    ]);
    expect(arr(new Binomial({ totalCount: 3, probs: 0.3 }).logProb([4, 1.5]))).toEqual([
      -Infinity,
      -Infinity,
    ]);
    expect(arr(new Poisson(2).logProb([-1, 0.5]))).toEqual([-Infinity, -Infinity]);
    expect(arr(new Geometric({ probs: 1 }).logProb([0, 1]))).toEqual([0, -Infinity]);
    expect(arr(new Categorical({ probs: [0.5, 0.5] }).logProb([2, -1]))).toEqual([-Infinity, -Infinity]);
  });

  it("batch shapes broadcast in KL and results are NDArrays of the broadcast shape", () => {
    const p = new Bernoulli({ probs: [[0.1], [0.5]] });
    const q = new Bernoulli({ logits: [0, 1, 2] });
    const r = kl(p, q) as NDArray;
    expect(r.shape).toEqual([2, 3]);
    expect(close(r.get(1, 0), 0, 0, 1e-16)).toBe(true);
    const c = kl(
      new Categorical({ probs: [[[0.2, 0.8]], [[0.6, 0.4]]] }),
      new Categorical({ probs: [0.5, 0.5] }),
    ) as NDArray;
    expect(c.shape).toEqual([2, 1]);
    const b = new Binomial({ totalCount: [5, 10], probs: 0.4 });
    expect(b.batchShape).toEqual([2]);
    expect(arr(b.mean())).toEqual([2, 4]);
    expect(
      new Dirichlet([
        [1, 2, 3],
        [4, 5, 6],
      ]).batchShape,
    ).toEqual([2]);
  });

  it("invalid parameters name the argument, the batch index and the value", () => {
    const cases: [() => unknown, string, string][] = [
      [
        () => new Bernoulli({ probs: [0.2, 1.5] }),
        "InvalidParameter",
        "probs at batch index [1] must be in [0, 1]; got 1.5",
      ],
      [() => new Binomial({ totalCount: 2.5, probs: 0.5 }), "InvalidParameter", "totalCount"],
      [() => new Geometric({ probs: 0 }), "InvalidParameter", "probs"],
      [() => new Poisson(-1), "InvalidParameter", "rate"],
      [() => new Categorical({ probs: [0.2, 0.3, 0.4] }), "InvalidParameter", "summing to 1"],
      [
        () => new Categorical({ probs: [0.5, 0.5], logits: [0, 0] }),
        "InvalidParameter",
        "exactly one of probs, logits",
      ],
      [() => new Categorical({ probs: 0.5 }), "InvalidShape", "last axis"],
      [() => new Dirichlet([1, 0]), "InvalidParameter", "concentration"],
      [() => new Bernoulli({}), "InvalidParameter", "neither"],
    ];
    for (const [f, code, text] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KullbackError);
      expect((err as KullbackError).code).toBe(code);
      expect((err as KullbackError).message).toContain(text);
    }
    expect(
      errorCode(() =>
        kl(new Categorical({ probs: [0.5, 0.5] }), new Categorical({ probs: [0.2, 0.3, 0.5] })),
      ),
    ).toBe("InvalidShape");
    expect(errorCode(() => js(new Dirichlet([1, 2]), new Dirichlet([1, 3])))).toBe("NotImplemented");
  });

  it("probabilities within the documented tolerance are accepted and renormalised", () => {
    const c = new Categorical({ probs: [0.5, 0.5 + 0.5 * PROBS_SUM_TOLERANCE] });
    expect(c.probs[0] + c.probs[1]).toBeCloseTo(1, 15);
    expect(errorCode(() => new Categorical({ probs: [0.5, 0.5 + 2 * PROBS_SUM_TOLERANCE] }))).toBe(
      "InvalidParameter",
    );
  });

  it("inputs are never mutated", () => {
    const probs = [0.25, 0.25, 0.5];
    const c = new Categorical({ probs });
    c.sample(5, { seed: 1 });
    expect(probs).toEqual([0.25, 0.25, 0.5]);
  });

  it("JSON round trips keep the given form", () => {
    const ds: Distribution[] = [
      new Bernoulli({ logits: [0.5, -1] }),
      new Binomial({ totalCount: 4, probs: 0.25 }),
      new Geometric({ probs: 0.75 }),
      new Poisson([1, 2]),
      new Categorical({ logits: [[0, 1, 2]] }),
      new OneHotCategorical({ probs: [0.25, 0.75] }),
      new Dirichlet([0.5, 1.5, 2]),
    ];
    for (const d of ds) {
      const j = toJSON(d);
      const back = fromJSON(j);
      expect(back.family).toBe(d.family);
      expect(toJSON(back)).toEqual(j);
      expect(arr(kl(d, back)).every((x) => x === 0)).toBe(true);
    }
    expect(toJSON(new Binomial({ totalCount: 4, logits: 0 }))).toEqual({
      family: "Binomial",
      totalCount: 4,
      logits: 0,
    });
  });

  it("OneHotCategorical: one-hot log-probabilities, samples and KL equal the categorical ones", () => {
    const o = new OneHotCategorical({ probs: [0.2, 0.3, 0.5] });
    expect(
      arr(
        o.logProb([
          [0, 0, 1],
          [0, 1, 0],
          [1, 1, 0],
        ]),
      ),
    ).toEqual([Math.log(0.5), Math.log(0.3), -Infinity]);
    const s = o.sample(50, { seed: 4 });
    expect(s.shape).toEqual([50, 3]);
    for (let i = 0; i < 50; i++) expect(s.data[3 * i] + s.data[3 * i + 1] + s.data[3 * i + 2]).toBe(1);
    const q = new OneHotCategorical({ probs: [0.4, 0.4, 0.2] });
    expect(num(kl(o, q))).toBe(num(kl(o.categorical, q.categorical)));
    expect(arr(o.mean())).toEqual([0.2, 0.3, 0.5]);
  });

  it("Dirichlet: logProb of the uniform law, moments of samples", () => {
    expect(close(num(new Dirichlet([1, 1, 1]).logProb([0.2, 0.3, 0.5])), Math.log(2), 1e-14)).toBe(true);
    expect(num(new Dirichlet([1, 1, 1]).logProb([0.2, 0.3, 0.6]))).toBe(-Infinity);
    const d = new Dirichlet([2, 3, 5]);
    const s = d.sample(4000, { seed: 7 });
    const m = [0, 0, 0];
    for (let i = 0; i < 4000; i++) for (let j = 0; j < 3; j++) m[j] += s.data[3 * i + j] / 4000;
    // mean (0.2, 0.3, 0.5), sd of each mean ≈ √(Var/4000) < 0.0023
    expect(m[0]).toBeCloseTo(0.2, 1);
    expect(Math.abs(m[2] - 0.5)).toBeLessThan(0.012);
    // tiny concentrations do not underflow to an all-zero vector
    const t = new Dirichlet([1e-3, 1e-3]).sample(20, { seed: 2 });
    for (let i = 0; i < 20; i++) expect(t.data[2 * i] + t.data[2 * i + 1]).toBeCloseTo(1, 12);
  });

  it("samplers are seeded and match the means (large parameters use the rejection samplers)", () => {
    const cases: [Distribution, number][] = [
      [new Poisson(4), 4],
      [new Poisson(250), 250],
      [new Binomial({ totalCount: 8, probs: 0.3 }), 2.4],
      [new Binomial({ totalCount: 5000, probs: 0.4 }), 2000],
      [new Binomial({ totalCount: 5000, probs: 0.9 }), 4500],
      [new Geometric({ probs: 0.2 }), 4],
      [new Bernoulli({ probs: 0.3 }), 0.3],
      [new Categorical({ probs: [0.2, 0.3, 0.5] }), 1.3],
    ];
    for (const [d, mean] of cases) {
      const a = d.sample(4000, { seed: 11 });
      expect(Array.from(d.sample(4000, { seed: 11 }).data)).toEqual(Array.from(a.data));
      const m = a.data.reduce((s, x) => s + x, 0) / a.size;
      const sd = Math.sqrt(num((d as Distribution & { variance(): number | NDArray }).variance()) / a.size);
      expect(Math.abs(m - mean)).toBeLessThan(5 * sd);
      expect(a.data.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
  });

  it("the rejection samplers (PTRS, BTRS) reproduce the distribution function", () => {
    const n = 6000;
    for (const d of [
      new Poisson(250),
      new Binomial({ totalCount: 5000, probs: 0.4 }),
      new Binomial({ totalCount: 60, probs: 0.7 }),
    ]) {
      const s = Array.from(d.sample(n, { seed: 5 }).data);
      const m = num(d.mean());
      const sd = Math.sqrt(num(d.variance()));
      for (const x of [Math.floor(m - sd), Math.floor(m), Math.floor(m + sd)]) {
        let cdf = 0;
        for (let k = 0; k <= x; k++) cdf += Math.exp(num(d.logProb(k)));
        const emp = s.filter((v) => v <= x).length / n;
        expect(Math.abs(emp - cdf)).toBeLessThan(5 * Math.sqrt((cdf * (1 - cdf)) / n));
      }
    }
  });

  it("Independent(Bernoulli) KL is the sum over the reinterpreted axis", () => {
    const p = new Independent(new Bernoulli({ probs: [0.2, 0.5, 0.9] }), 1);
    const q = new Independent(new Bernoulli({ probs: [0.3, 0.5, 0.6] }), 1);
    const parts = arr(kl(p.base, q.base));
    expect(close(num(kl(p, q)), parts[0] + parts[1] + parts[2], 1e-15)).toBe(true);
    expect(
      close(
        num(bhattacharyya(p, q)),
        arr(bhattacharyya(p.base, q.base)).reduce((a, b) => a + b, 0),
        1e-14,
      ),
    ).toBe(true);
    expect(
      close(
        num(renyi(p, q, 2)),
        arr(renyi(p.base, q.base, 2)).reduce((a, b) => a + b, 0),
        1e-14,
      ),
    ).toBe(true);
  });
});

describe("dispatch", () => {
  it("Gaussian pairs go to the Gaussian closed forms, JS between Gaussians is NotImplemented", () => {
    expect(close(num(bhattacharyya(new Normal(0, 1), new Normal(2, 1))), 0.5, 1e-14)).toBe(true);
    expect(close(num(renyi(new Normal(0, 1), new Normal(1, 1), 2)), 1, 1e-14)).toBe(true);
    expect(errorCode(() => js(new Normal(0, 1), new Normal(1, 1)))).toBe("NotImplemented");
    expect(errorCode(() => hellinger(new Normal(0, 1), new Poisson(1)))).toBe("NotImplemented");
  });

  it("registerDistance adds an implementation for other pairs", () => {
    class Dummy extends Normal {}
    registerDistance(
      "js",
      (p, q) => p instanceof Dummy && q instanceof Dummy,
      () => 0.125,
    );
    expect(js(new Dummy(0, 1), new Dummy(1, 1))).toBe(0.125);
    // discrete pairs keep the exact implementation
    expect(num(js(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 1 })))).toBe(Math.LN2);
  });
});
