import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  lgamma,
  digamma,
  lbeta,
  log1mexp,
  log1pexp,
  xlogy,
  xlog1py,
  hurwitzZeta,
} from "../../src/core/special.js";

/** Relative error (absolute when the reference is 0). */
function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

// reference values: mpmath at 30 digits (loggamma, digamma, log(beta), zeta) at the exact double inputs
const cases: [number, number, number][] = [
  [0.5, 0.5723649429247001, -1.9635100260214235],
  [1e-8, 18.42068073818021, -100000000.57721564],
  [1.0000001, -5.772155829918507e-8, -0.5772155004081381],
  [1.5, -0.12078223763524522, 0.03648997397857652],
  [2.5, 0.2846828704729192, 0.7031566406452432],
  [3.7, 1.4280723266653879, 1.1671535393615113],
  [12.5, 18.734347511936445, 2.4851956512749123],
  [100.25, 360.28455963776423, 4.602671243274712],
  [1e10, 220258509288.81058, 23.025850929890456],
  [1e300, 6.897755278982137e302, 690.7755278982137],
  [-2.5, -0.056243716497674054, 1.103156640645243],
];

describe("lgamma and digamma", () => {
  it("match mpmath to ~1e-15 relative", () => {
    for (const [x, lg, dg] of cases) {
      expect(rel(lgamma(x), lg), `lgamma(${x})`).toBeLessThan(2e-15);
      expect(rel(digamma(x), dg), `digamma(${x})`).toBeLessThan(2e-15);
    }
  });

  it("are exact at the zeros and known points", () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    expect(rel(lgamma(5), Math.log(24))).toBeLessThan(1e-15);
    expect(rel(digamma(1), -0.5772156649015329)).toBeLessThan(1e-15);
    // the positive root of digamma: |ψ| of order ulp
    expect(Math.abs(digamma(1.4616321449683622))).toBeLessThan(1e-16);
  });

  it("handle poles and special inputs", () => {
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
    expect(lgamma(Infinity)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
    expect(digamma(0)).toBe(-Infinity);
    expect(digamma(-2)).toBeNaN();
    expect(digamma(Infinity)).toBe(Infinity);
    expect(digamma(NaN)).toBeNaN();
  });

  it("satisfy the recurrences lgamma(x+1) = lgamma(x) + log x and ψ(x+1) = ψ(x) + 1/x", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 50, noNaN: true }), (x) => {
        const l = lgamma(x + 1);
        expect(Math.abs(l - lgamma(x) - Math.log(x))).toBeLessThan(
          4e-15 * Math.max(1, Math.abs(l)) + 4e-15 * Math.abs(Math.log(x)),
        );
        const d = digamma(x + 1);
        expect(Math.abs(d - digamma(x) - 1 / x)).toBeLessThan(4e-15 * Math.max(1, Math.abs(d), 1 / x));
      }),
    );
  });
});

describe("lbeta", () => {
  it("matches mpmath, including very unequal and very large arguments", () => {
    const ref: [number, number, number][] = [
      [1e10, 1, -23.025850929940457],
      [1e10, 1e10, -13862943621.44632],
      [0.5, 0.5, 1.1447298858494002],
      [3, 1e-5, 11.512910465032729],
      [20, 30, -33.968820791977386],
      [1e6, 2.5, -34.254095399436515],
    ];
    for (const [a, b, want] of ref) {
      expect(rel(lbeta(a, b), want), `lbeta(${a}, ${b})`).toBeLessThan(3e-15);
      expect(lbeta(b, a)).toBe(lbeta(a, b));
    }
  });
});

describe("helpers", () => {
  it("hurwitzZeta", () => {
    expect(rel(hurwitzZeta(2, 1), Math.PI ** 2 / 6)).toBeLessThan(1e-15);
    expect(rel(hurwitzZeta(3, 2.5), 0.1181020258208637)).toBeLessThan(1e-15);
  });
  it("log1mexp is accurate at both ends and ignores the sign", () => {
    expect(rel(log1mexp(1e-20), Math.log(1e-20))).toBeLessThan(1e-15);
    expect(rel(log1mexp(50), -Math.exp(-50))).toBeLessThan(1e-15);
    expect(log1mexp(-2)).toBe(log1mexp(2));
    expect(log1mexp(0)).toBe(-Infinity);
  });
  it("log1pexp, xlogy, xlog1py", () => {
    expect(log1pexp(0)).toBeCloseTo(Math.LN2, 15);
    expect(log1pexp(800)).toBe(800);
    expect(rel(log1pexp(-50), Math.exp(-50))).toBeLessThan(1e-15);
    expect(xlogy(0, 0)).toBe(0);
    expect(xlogy(2, Math.E)).toBeCloseTo(2, 15);
    expect(xlog1py(0, -1)).toBe(0);
  });
});
