/**
 * The multivariate normal with covariance covFactor covFactorᵀ + diag(covDiag) (d×r factor,
 * r ≪ d). Solves and determinants go through the r×r capacitance matrix: O(d r²).
 */
import { NDArray, asArray, type ArrayInput } from "../core/array.js";
import { paramJSON, shouldValidate, type DistributionJSON, type DistributionOptions } from "./base.js";
import { VectorGaussian } from "./gaussian.js";
import { lowRankForm, type GaussianForm } from "./gaussian-form.js";

/**
 * The multivariate normal with Σ = W Wᵀ + diag(D) (PyTorch's LowRankMultivariateNormal): solves
 * and determinants in O(d r²) through the capacitance matrix I + Wᵀ D⁻¹ W, never forming Σ⁻¹.
 *
 * @example
 * const p = new LowRankMultivariateNormal([0, 0, 0], [[1], [0.5], [0]], [1, 1, 2]);
 * kl(p, MultivariateNormalDiag.standard(3)); // a number
 */
export class LowRankMultivariateNormal extends VectorGaussian {
  readonly family = "LowRankMultivariateNormal";
  private readonly given: { loc: NDArray; covFactor: NDArray; covDiag: NDArray };

  /**
   * @param loc mean, [..., d]
   * @param covFactor W, [..., d, r]
   * @param covDiag D (positive), [..., d]
   * @example new LowRankMultivariateNormal([0, 0, 0], [[1], [0.5], [0]], [1, 1, 1]).entropy();
   */
  constructor(loc: ArrayInput, covFactor: ArrayInput, covDiag: ArrayInput, options?: DistributionOptions) {
    const l = asArray(loc, "loc");
    const w = asArray(covFactor, "covFactor");
    const d = asArray(covDiag, "covDiag");
    super(lowRankForm(l, w, d, shouldValidate(options)));
    this.given = { loc: l, covFactor: w, covDiag: d };
  }

  static fromJSON(o: Record<string, unknown>): LowRankMultivariateNormal {
    return new LowRankMultivariateNormal(
      o.loc as ArrayInput,
      o.covFactor as ArrayInput,
      o.covDiag as ArrayInput,
    );
  }

  toJSON(): DistributionJSON {
    const g = this.given;
    return {
      family: this.family,
      loc: paramJSON(g.loc.data, g.loc.shape),
      covFactor: paramJSON(g.covFactor.data, g.covFactor.shape),
      covDiag: paramJSON(g.covDiag.data, g.covDiag.shape),
    };
  }

  toGaussianForm(): GaussianForm {
    return this.form;
  }
}
