import { describe, expect, it } from "vitest";
import {
  MultivariateNormal,
  Random,
  fitGaussian,
  frechet,
  frechetDistance,
  frechetFromSamples,
} from "../../src/index.js";

function samples(n: number, d: number, seed: number, shift = 0, scale = 1): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, (_, j) => shift + scale * (1 + 0.3 * j) * r.normal()),
  );
}

describe("frechetFromSamples (FID from features)", () => {
  it("equals the closed form between the fitted Gaussians", () => {
    const x = samples(400, 3, 1);
    const y = samples(300, 3, 2, 0.5, 1.5);
    const a = fitGaussian(x);
    const b = fitGaussian(y);
    const p = MultivariateNormal.fromCovariance(a.loc, { data: a.covariance, shape: [3, 3] });
    const q = MultivariateNormal.fromCovariance(b.loc, { data: b.covariance, shape: [3, 3] });
    expect(frechetFromSamples(x, y)).toBeCloseTo(frechet(p, q) as number, 9);
  });

  it("is finite and correct when n < d (singular covariances)", () => {
    const x = samples(4, 8, 3);
    const y = samples(5, 8, 4, 1);
    const v = frechetFromSamples(x, y);
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
    // identical sets: exactly zero up to round-off
    expect(Math.abs(frechetFromSamples(x, x))).toBeLessThan(1e-9);
    // same as the raw-statistics function
    const a = fitGaussian(x);
    const b = fitGaussian(y);
    expect(v).toBeCloseTo(
      frechetDistance(a.loc, { data: a.covariance, shape: [8, 8] }, b.loc, {
        data: b.covariance,
        shape: [8, 8],
      }) as number,
      12,
    );
  });

  it("rejects mismatched feature counts", () => {
    expect(() => frechetFromSamples(samples(5, 2, 1), samples(5, 3, 2))).toThrow(/features/);
  });
});
