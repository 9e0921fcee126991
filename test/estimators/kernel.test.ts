import { describe, it, expect } from "vitest";
import { KullbackError } from "../../src/core/errors.js";
import { digamma } from "../../src/core/special.js";
import { Random } from "../../src/core/random.js";
import {
  energyDistance,
  ksgMutualInformation,
  medianHeuristic,
  mmd2,
  mmdPermutationTest,
} from "../../src/estimators/kernel.js";
import { sampleOps } from "../../src/conformance/sample-ops.js";

function normals(rng: Random, n: number, d: number, shift = 0): { data: Float64Array; shape: number[] } {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() + shift;
  return { data, shape: [n, d] };
}

// Small fixed samples; expected values from NumPy/SciPy float64 (scipy.spatial.distance.cdist,
// numpy.median of pdist, scipy.stats.energy_distance), computed independently of this code.
const X = [
  [0.1, 1.2],
  [-0.7, 0.3],
  [1.5, -0.4],
  [0.2, 0.2],
  [-1.1, -0.9],
  [0.8, 1.7],
  [0.0, -0.3],
];
const Y = [
  [1.0, 1.0],
  [2.1, 0.4],
  [0.5, 1.9],
  [1.7, 1.3],
  [0.9, -0.2],
];

describe("mmd2", () => {
  it("matches NumPy reference values (U and V statistics, fixed and median bandwidth)", () => {
    expect(medianHeuristic(X, Y)).toBeCloseTo(1.6582137040548468, 14);
    expect(mmd2(X, Y, { bandwidth: 1.3 })).toBeCloseTo(0.1820890158291586, 14);
    expect(mmd2(X, Y, { bandwidth: 1.3, unbiased: false })).toBeCloseTo(0.3430200339947007, 14);
    expect(mmd2(X, Y)).toBeCloseTo(0.17892474140911752, 14);
    expect(mmd2(X, Y, { unbiased: false })).toBeCloseTo(0.29555369306003265, 14);
  });

  it("user kernel: the Gaussian written by hand reproduces the built-in one", () => {
    const s = 1.3;
    const k = (a: Float64Array, b: Float64Array) =>
      Math.exp(-((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / (2 * s * s));
    expect(mmd2(X, Y, { kernel: k })).toBeCloseTo(mmd2(X, Y, { bandwidth: s }), 14);
    expect(mmd2(X, Y, { kernel: k, unbiased: false })).toBeCloseTo(
      mmd2(X, Y, { bandwidth: s, unbiased: false }),
      14,
    );
  });

  it("unbiased MMD² ≈ 0 for one distribution, clearly > 0 for a shifted one", () => {
    const rng = new Random(11);
    const x = normals(rng, 300, 3);
    const y = normals(rng, 300, 3);
    const z = normals(rng, 300, 3, 0.5);
    const same = mmd2(x, y);
    const shifted = mmd2(x, z);
    // the U-statistic under H0 has mean 0 and sd of order 1/n
    expect(Math.abs(same)).toBeLessThan(0.01);
    expect(shifted).toBeGreaterThan(0.03);
    expect(shifted).toBeGreaterThan(10 * Math.abs(same));
    // the biased V-statistic is positive and larger
    expect(mmd2(x, y, { unbiased: false })).toBeGreaterThan(same);
  });

  it("permutation test: small p-value when shifted, large when not, reproducible", () => {
    const rng = new Random(12);
    const x = normals(rng, 120, 2);
    const y = normals(rng, 120, 2);
    const z = normals(rng, 120, 2, 0.6);
    const shifted = mmdPermutationTest(x, z, { permutations: 300, seed: 3 });
    expect(shifted.pValue).toBeLessThan(0.01);
    expect(shifted.pValue).toBeGreaterThan(0); // (1 + #) / (1 + B) is never 0
    expect(shifted.mmd2).toBeCloseTo(mmd2(x, z), 13);
    const same = mmdPermutationTest(x, y, { permutations: 300, seed: 3 });
    expect(same.pValue).toBeGreaterThan(0.05);
    const again = mmdPermutationTest(x, y, { permutations: 300, seed: 3 });
    expect(again.pValue).toBe(same.pValue);
    expect(same.permutations).toBe(300);
    expect(same.bandwidth).toBeCloseTo(medianHeuristic(x, y), 14);
  });

  it("validation", () => {
    const e = (() => {
      try {
        mmd2(X, [[1, 2, 3]]);
      } catch (err) {
        return err as KullbackError;
      }
      return null;
    })();
    expect(e?.code).toBe("InvalidShape");
    expect(() => mmd2(X, [[1, 2]])).toThrow(KullbackError); // m < 2
    expect(() => mmd2(X, Y, { bandwidth: 0 })).toThrow(/bandwidth/);
    expect(() => mmd2(X, Y, { bandwidth: NaN })).toThrow(KullbackError);
    expect(() => mmd2([[0], [0]], [[0], [0]])).toThrow(/median/);
    expect(() => mmd2(X, Y, { kernel: () => NaN })).toThrow(/kernel/);
    expect(() => mmd2([[0], [NaN]], [[1], [2]])).toThrow(/row 1/);
    expect(() => mmdPermutationTest(X, Y, { permutations: 0 })).toThrow(/permutations/);
  });

  it("does not mutate inputs", () => {
    const x = { data: Float64Array.of(0, 1, 2, 3), shape: [2, 2] };
    const copy = Array.from(x.data);
    mmd2(x, Y);
    energyDistance(x, Y);
    expect(Array.from(x.data)).toEqual(copy);
  });
});

describe("energyDistance", () => {
  it("matches NumPy/SciPy references", () => {
    expect(energyDistance(X, Y)).toBeCloseTo(1.0698781870307563, 14);
    expect(energyDistance(X, Y, { unbiased: true })).toBeCloseTo(0.5538488151056631, 14);
    // SciPy's 1-D energy_distance is the square root of the V-statistic
    const u = X.map((r) => [r[0]]);
    const v = Y.map((r) => [r[0]]);
    expect(Math.sqrt(energyDistance(u, v))).toBeCloseTo(0.9938586931957765, 14);
  });

  it("is 0 for identical samples, 4 for two points at distance 2, and grows with a shift", () => {
    expect(energyDistance(X, X)).toBeCloseTo(0, 15);
    expect(energyDistance([[0]], [[2]])).toBe(4);
    const rng = new Random(4);
    const a = normals(rng, 200, 2);
    const b = normals(rng, 200, 2);
    const c = normals(rng, 200, 2, 1);
    expect(energyDistance(a, c)).toBeGreaterThan(5 * energyDistance(a, b));
    expect(energyDistance(a, b)).toBeGreaterThanOrEqual(0);
  });
});

/** Direct O(N²) implementation of KSG estimator 1 (max norms), for cross-checking. */
function ksgBrute(z: number[][], dx: number, k: number): number {
  const N = z.length;
  const cheb = (a: number[], b: number[], lo: number, hi: number) => {
    let m = 0;
    for (let t = lo; t < hi; t++) m = Math.max(m, Math.abs(a[t] - b[t]));
    return m;
  };
  const D = z[0].length;
  let acc = 0;
  for (let i = 0; i < N; i++) {
    const dj = z.map((r, j) => (j === i ? Infinity : cheb(z[i], r, 0, D))).sort((a, b) => a - b);
    const eps = dj[k - 1];
    let nx = 0;
    let ny = 0;
    for (let j = 0; j < N; j++) {
      if (j === i) continue;
      if (cheb(z[i], z[j], 0, dx) < eps) nx++;
      if (cheb(z[i], z[j], dx, D) < eps) ny++;
    }
    acc += digamma(nx + 1) + digamma(ny + 1);
  }
  return digamma(k) + digamma(N) - acc / N;
}

describe("ksgMutualInformation", () => {
  it("matches a direct implementation", () => {
    const rng = new Random(31);
    const z: number[][] = [];
    for (let i = 0; i < 150; i++) {
      const a = rng.normal();
      const b = rng.normal();
      const c = rng.normal();
      z.push([a, 0.7 * a + b, c + 0.3 * b]);
    }
    for (const k of [1, 3, 5]) {
      expect(ksgMutualInformation(z, 1, { k })).toBeCloseTo(ksgBrute(z, 1, k), 12);
      expect(ksgMutualInformation(z, 2, { k })).toBeCloseTo(ksgBrute(z, 2, k), 12);
    }
  });

  it("approaches −½ ln(1 − r²) for a bivariate normal and ≈ 0 under independence", () => {
    const rng = new Random(32);
    const N = 2000;
    const r = 0.6;
    const dep = new Float64Array(2 * N);
    const ind = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) {
      const a = rng.normal();
      const b = rng.normal();
      dep[2 * i] = a;
      dep[2 * i + 1] = r * a + Math.sqrt(1 - r * r) * b;
      ind[2 * i] = a;
      ind[2 * i + 1] = rng.normal();
    }
    const truth = -0.5 * Math.log(1 - r * r);
    // KSG at N = 2000, k = 3: sd ≈ 0.015, bias negligible for Gaussians
    expect(Math.abs(ksgMutualInformation({ data: dep, shape: [N, 2] }, 1) - truth)).toBeLessThan(0.05);
    expect(Math.abs(ksgMutualInformation({ data: ind, shape: [N, 2] }, 1))).toBeLessThan(0.03);
  });

  it("validation and sampleOps wiring", () => {
    const z = [
      [0, 1],
      [1, 0],
      [2, 3],
      [3, 1],
    ];
    expect(() => ksgMutualInformation(z, 0)).toThrow(/dx/);
    expect(() => ksgMutualInformation(z, 2)).toThrow(/dx/);
    expect(() => ksgMutualInformation([[1], [2]], 1)).toThrow(KullbackError);
    expect(() => ksgMutualInformation(z, 1, { k: 4 })).toThrow(/k \+ 1/);
    expect(sampleOps.ksgMutualInformation({ xy: z, dx: 1, k: 1 })).toBe(ksgMutualInformation(z, 1, { k: 1 }));
    expect(sampleOps.mmd2({ x: X, y: Y, bandwidth: 1.3 })).toBe(mmd2(X, Y, { bandwidth: 1.3 }));
    expect(sampleOps.energyDistance({ x: X, y: Y })).toBe(energyDistance(X, Y));
  });
});
