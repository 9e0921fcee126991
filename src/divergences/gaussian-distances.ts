/**
 * Closed-form distances between Gaussians that PyTorch and TFP do not provide: the
 * Bhattacharyya distance, the Hellinger distance, the Rényi divergence of any order, the
 * 2-Wasserstein distance and the Fréchet distance (its square, the FID formula), for every
 * Gaussian family (Normal, MultivariateNormal, MultivariateNormalDiag,
 * LowRankMultivariateNormal, Independent(Normal, 1)) in any mix, batched and broadcast; plus the
 * mutual information of jointly Gaussian blocks and a matrix-level Fréchet distance for FID.
 *
 * Everything works on the factorised form of `gaussian-form.ts` and follows the structure of the
 * KL in `kl/gaussian.ts`: the location batch and the covariance batch broadcast separately, so
 * the covariance part of a divergence (factorisations, log-determinants, eigenvalues) is
 * computed once per pair of covariance batch elements and the location part once per element
 * of the full broadcast batch.
 *
 * Covariance conventions: Σp, Σq are the covariances of p and q, δ = μp − μq, and for an order
 * α the mixed covariance is Σα = α Σq + (1 − α) Σp (so Σ½ is the average covariance).
 */
export { type GaussianConvertible, isGaussian } from "./gaussian/forms.js";
export {
  mixedLogDetTerm,
  renyiGaussianForms,
  renyiGaussian,
  bhattacharyyaGaussian,
  hellingerFromBhattacharyya,
  hellingerGaussian,
} from "./gaussian/renyi.js";
export { frechetGaussianForms, frechet, wasserstein2 } from "./gaussian/frechet.js";
export { frechetDistance } from "./gaussian/fid.js";
export { gaussianMutualInformation } from "./gaussian/mutual-information.js";
