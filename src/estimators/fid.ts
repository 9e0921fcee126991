/**
 * Fréchet distance from samples (FID from feature matrices): fit a Gaussian to each sample set
 * (two-pass mean and covariance) and evaluate the closed form
 *
 *   ‖μx − μy‖² + tr Σx + tr Σy − 2 tr √(Σx^½ Σy Σx^½)
 *
 * with real symmetric eigendecompositions only — no complex matrix square root, so it is correct
 * when n < d and the sample covariances are singular.
 */
import type { ArrayInput } from "../core/array.js";
import { invalidShape } from "../core/errors.js";
import { frechetDistance } from "../divergences/gaussian-distances.js";
import { fitGaussian } from "./moments.js";

/**
 * FID between two sample sets (rows are samples, columns features), using the unbiased sample
 * covariance (`ddof = 1`, as pytorch-fid's `np.cov`).
 * @example frechetFromSamples(featuresA, featuresB); // squared Fréchet distance, ≥ 0
 */
export function frechetFromSamples(x: ArrayInput, y: ArrayInput, options: { ddof?: number } = {}): number {
  const a = fitGaussian(x, options);
  const b = fitGaussian(y, options);
  if (a.d !== b.d) throw invalidShape("y", `has ${b.d} features but x has ${a.d}`, [a.d, b.d]);
  const d = a.d;
  return frechetDistance(a.loc, { data: a.covariance, shape: [d, d] }, b.loc, {
    data: b.covariance,
    shape: [d, d],
  }) as number;
}
