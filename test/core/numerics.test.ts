/**
 * The core accurate primitives (src/core/numerics.ts) and the places that once had their own,
 * less accurate copies (KL(Normal ‖ Normal) at nearly equal scales).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CompensatedSum, compensatedAdd, compensatedSum, expm1MinusX } from "../../src/core/numerics.js";
import { Normal } from "../../src/distributions/normal.js";
import { Exponential } from "../../src/distributions/exponential.js";
import { kl } from "../../src/kl/registry.js";
import { runs } from "../helpers.js";

/** φ(t) by its Taylor series summed from the smallest term up (|t| ≤ 1/2: ~1 ulp). */
function phiSeries(t: number): number {
  const terms: number[] = [];
  let pw = t;
  for (let n = 2; n < 40; n++) {
    pw *= t / n;
    terms.push(pw);
  }
  let s = 0;
  for (let i = terms.length - 1; i >= 0; i--) s += terms[i];
  return s;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("expm1MinusX (φ(t) = eᵗ − 1 − t)", () => {
  it("is accurate near 0, where expm1(t) − t cancels", () => {
    for (const t of [1e-150, -1e-140, 1e-16, -1e-12, 1e-8, -1e-8, 3e-5, 9.99e-3, -9.99e-3]) {
      expect(rel(expm1MinusX(t), phiSeries(t)), `t=${t}`).toBeLessThan(4e-16);
    }
    // the naive form loses half the digits at 1e-8
    expect(rel(Math.expm1(1e-8) - 1e-8, phiSeries(1e-8))).toBeGreaterThan(1e-9);
  });

  it("within 2ε/|t| relative above |t| = 1e-2 (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-2, max: 0.5, noNaN: true }), fc.boolean(), (a, neg) => {
        const t = neg ? -a : a;
        expect(rel(expm1MinusX(t), phiSeries(t))).toBeLessThan((2.5 * Number.EPSILON) / a + 2e-16);
      }),
      { numRuns: runs(300) },
    );
  });

  it("is non-negative, 0 at 0, +∞ at ±∞ and NaN for NaN", () => {
    expect(expm1MinusX(0)).toBe(0);
    expect(expm1MinusX(Infinity)).toBe(Infinity);
    expect(expm1MinusX(-Infinity)).toBe(Infinity);
    expect(expm1MinusX(NaN)).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (t) => expm1MinusX(t) >= 0),
      { numRuns: runs(300) },
    );
  });
});

describe("compensated sums", () => {
  it("recover what a plain sum loses", () => {
    const xs = [1, 1e100, 1, -1e100];
    const s = new CompensatedSum();
    for (const x of xs) s.add(x);
    expect(s.value).toBe(2);
    expect(compensatedSum(xs.length, (k) => xs[k])).toBe(2);
    const S = new Float64Array(1);
    const C = new Float64Array(1);
    for (const x of xs) compensatedAdd(S, C, 0, x);
    expect(S[0] + C[0]).toBe(2);
    expect(xs.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("keep IEEE semantics once an infinity or NaN enters", () => {
    const sum = (xs: number[]): number => compensatedSum(xs.length, (k) => xs[k]);
    expect(sum([1, Infinity, 2])).toBe(Infinity);
    expect(sum([Infinity, -Infinity])).toBeNaN();
    expect(sum([1, NaN])).toBeNaN();
    const s = new CompensatedSum();
    s.add(-Infinity);
    s.add(1e308);
    expect(s.value).toBe(-Infinity);
  });
});

describe("the closed forms that use φ keep their digits at nearly equal parameters", () => {
  it("KL(Normal(0, 1) ‖ Normal(0, σ)) = φ(2 log(1/σ)) / 2 for σ = 1 ± 1e-8", () => {
    for (const s of [1 + 1e-8, 1 - 1e-8, Math.exp(1e-12)]) {
      const ref = 0.5 * phiSeries(-2 * Math.log(s));
      expect(rel(kl(new Normal(0, 1), new Normal(0, s)) as number, ref), `σ=${s}`).toBeLessThan(1e-13);
    }
  });

  it("KL(Exponential(1) ‖ Exponential(λ)) = φ(log λ) for λ = 1 + 1e-9", () => {
    const lam = 1 + 1e-9;
    const ref = phiSeries(Math.log(lam));
    expect(rel(kl(new Exponential(1), new Exponential(lam)) as number, ref)).toBeLessThan(1e-13);
  });
});
