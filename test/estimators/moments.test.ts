import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { KullbackError } from "../../src/core/errors.js";
import { Random } from "../../src/core/random.js";
import { MomentAccumulator, fitGaussian } from "../../src/estimators/moments.js";
import { runs } from "../helpers.js";

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(scale, 1e-300);
}

function randomRows(rng: Random, n: number, d: number, offset: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: d }, () => rng.normal());
    // correlated coordinates around a large offset (a cancellation trap for naive Σx² formulas)
    rows.push(z.map((v, t) => offset + v * (t + 1) + (t > 0 ? 0.5 * z[t - 1] : 0)));
  }
  return rows;
}

describe("MomentAccumulator", () => {
  it("doc example", () => {
    const a = new MomentAccumulator();
    a.pushRows([
      [1, 2],
      [3, 4],
    ]);
    const b = new MomentAccumulator().push([5, 9]);
    a.merge(b);
    expect(a.count).toBe(3);
    expect(Array.from(a.mean())).toEqual([3, 5]);
    const c = a.covariance();
    [4, 7, 7, 13].forEach((v, i) => expect(c[i]).toBeCloseTo(v, 13));
    const c0 = a.covariance({ ddof: 0 });
    [8 / 3, 14 / 3, 14 / 3, 26 / 3].forEach((v, i) => expect(c0[i]).toBeCloseTo(v, 13));
  });

  it("chunked accumulation merged in any order equals one pass to 1e-12", () => {
    const rng = new Random(1);
    const d = 4;
    const rows = randomRows(rng, 3000, d, 1e6);
    const one = new MomentAccumulator();
    for (const r of rows) one.push(r);
    const cuts = [0, 1, 17, 600, 601, 2200, 3000];
    const parts = cuts.slice(1).map((c, i) => new MomentAccumulator(d).pushRows(rows.slice(cuts[i], c)));
    const fwd = parts.reduce((acc, p) => acc.merge(p), new MomentAccumulator());
    const rev = [...parts].reverse().reduce((acc, p) => acc.merge(p), new MomentAccumulator());
    // tree-shaped merge
    const tree = parts[0]
      .clone()
      .merge(parts[1])
      .merge(parts[2].clone().merge(parts[3]).merge(parts[4].clone().merge(parts[5])));
    for (const acc of [fwd, rev, tree]) {
      expect(acc.count).toBe(3000);
      expect(maxRelDiff(acc.mean(), one.mean())).toBeLessThan(1e-12);
      expect(maxRelDiff(acc.covariance(), one.covariance())).toBeLessThan(1e-12);
    }
    // and both agree with the two-pass fit
    const fit = fitGaussian(rows);
    expect(maxRelDiff(one.mean(), fit.loc)).toBeLessThan(1e-12);
    expect(maxRelDiff(one.covariance(), fit.covariance)).toBeLessThan(1e-12);
  });

  it("property: split point does not matter", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
            fc.double({ min: -1e3, max: 1e3, noNaN: true }),
          ),
          {
            minLength: 2,
            maxLength: 60,
          },
        ),
        fc.nat(),
        (pts, cut) => {
          const rows = pts.map(([a, b]) => [a, b]);
          const c = cut % (rows.length + 1);
          const one = new MomentAccumulator().pushRows(rows);
          const merged = new MomentAccumulator(2)
            .pushRows(rows.slice(0, c))
            .merge(new MomentAccumulator(2).pushRows(rows.slice(c)));
          const scale = Math.max(1, ...one.covariance().map(Math.abs));
          const cm = merged.covariance();
          one.covariance().forEach((v, i) => expect(Math.abs(v - cm[i])).toBeLessThan(1e-9 * scale));
          expect(merged.count).toBe(rows.length);
        },
      ),
      { numRuns: runs(200), seed: 7 },
    );
  });

  it("covariance is exactly symmetric and accurate despite a large offset", () => {
    const acc = new MomentAccumulator();
    const base = 1e9;
    for (const [a, b] of [
      [4, 1],
      [7, 3],
      [13, 2],
      [16, 6],
    ]) {
      acc.push([base + a, base + b]);
    }
    const c = acc.covariance();
    expect(c[1]).toBe(c[2]);
    // var of (4, 7, 13, 16) = 30, var of (1, 3, 2, 6) = 14/3, cov = 27/3 = 9
    expect(c[0]).toBeCloseTo(30, 6);
    expect(c[3]).toBeCloseTo(14 / 3, 6);
    expect(c[1]).toBeCloseTo(9, 6);
  });

  it("errors, empty merges, immutability", () => {
    const acc = new MomentAccumulator();
    expect(acc.dimension).toBeUndefined();
    expect(() => acc.mean()).toThrow(KullbackError);
    acc.merge(new MomentAccumulator()); // empty + empty
    expect(acc.count).toBe(0);
    const row = [1, 2, 3];
    acc.push(row);
    expect(row).toEqual([1, 2, 3]);
    expect(acc.dimension).toBe(3);
    expect(() => acc.push([1, 2])).toThrow(/dimension 3/);
    expect(() => acc.push([1, NaN, 2])).toThrow(/row element 1/);
    expect(() => acc.covariance()).toThrow(/ddof/); // n = 1, ddof = 1
    expect(Array.from(acc.covariance({ ddof: 0 }))).toEqual(new Array(9).fill(0));
    expect(() => acc.merge(new MomentAccumulator(2).push([1, 1]))).toThrow(KullbackError);
    expect(() => new MomentAccumulator(0)).toThrow(KullbackError);
    expect(() => acc.pushRows([1, 2, 3])).toThrow(KullbackError);
    const other = new MomentAccumulator().push([3, 2, 1]);
    const before = other.mean();
    acc.merge(other);
    expect(Array.from(other.mean())).toEqual(Array.from(before));
    expect(other.count).toBe(1);
    expect(Array.from(acc.mean())).toEqual([2, 2, 2]);
    // mean() returns a copy
    acc.mean()[0] = 99;
    expect(acc.mean()[0]).toBe(2);
  });
});

describe("fitGaussian", () => {
  it("known values", () => {
    const f = fitGaussian([
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ]);
    expect(f.d).toBe(2);
    expect(f.n).toBe(4);
    expect(Array.from(f.loc)).toEqual([1, 1]);
    [4 / 3, 0, 0, 4 / 3].forEach((v, i) => expect(f.covariance[i]).toBeCloseTo(v, 15));
    const g = fitGaussian(
      [
        [1, 2, 0],
        [3, 5, 1],
        [5, 9, 5],
      ],
      { ddof: 0 },
    );
    expect(Array.from(g.loc)).toEqual([3, 16 / 3, 2]);
    // deviations x: (−2, 0, 2), y: (−10/3, −1/3, 11/3), z: (−2, −1, 3)
    const expected = [8 / 3, 14 / 3, 10 / 3, 14 / 3, 222 / 27, 6, 10 / 3, 6, 14 / 3];
    expected.forEach((v, i) => expect(g.covariance[i]).toBeCloseTo(v, 13));
  });

  it("recovers the parameters of a simulated Gaussian", () => {
    const rng = new Random(2);
    const n = 20000;
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = rng.normal();
      const b = rng.normal();
      rows.push([3 + 2 * a, -1 + a + b]);
    }
    const f = fitGaussian(rows);
    // Σ = [[4, 2], [2, 2]]
    expect(f.loc[0]).toBeCloseTo(3, 1);
    expect(f.loc[1]).toBeCloseTo(-1, 1);
    expect(Math.abs(f.covariance[0] - 4)).toBeLessThan(0.15);
    expect(Math.abs(f.covariance[1] - 2)).toBeLessThan(0.1);
    expect(Math.abs(f.covariance[3] - 2)).toBeLessThan(0.08);
  });

  it("validation", () => {
    expect(() => fitGaussian([1, 2, 3])).toThrow(KullbackError);
    expect(() => fitGaussian([[1, 2]])).toThrow(/ddof/);
    expect(() => fitGaussian([[1, 2]], { ddof: -1 })).toThrow(/ddof/);
    expect(() =>
      fitGaussian([
        [1, 2],
        [Infinity, 0],
      ]),
    ).toThrow(/row 1/);
    expect(fitGaussian([[1, 2]], { ddof: 0 }).covariance).toEqual(new Float64Array(4));
  });
});
