/** The multivariate normal N(loc, Σ) with a full covariance, given by covariance, scaleTril or precision. */
import { asArrayInternal, type ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { paramJSON, shouldValidate, type DistributionJSON, type DistributionOptions } from "./base.js";
import { VectorGaussian } from "./gaussian.js";
import { covarianceForm, precisionForm, scaleTrilForm, type GaussianForm } from "./gaussian-form.js";

export type FullParametrisation = "covariance" | "scaleTril" | "precision";

/**
 * The multivariate normal N(loc, Σ) with a full covariance, built from a covariance, a
 * lower-triangular scale L (Σ = L Lᵀ) or a precision P (Σ = P⁻¹, through a reversed Cholesky:
 * no inverse is formed). One Cholesky at construction; `NotPositiveDefinite` names the pivot.
 * Batch axes lead; a stack of means may share one covariance (factored once).
 *
 * @example
 * const p = MultivariateNormal.fromCovariance([0, 0], [[1, 0.3], [0.3, 2]]);
 * const q = MultivariateNormal.fromScaleTril([1, 0], [[1, 0], [0.5, 1]]);
 * kl(p, q); // a number
 */
export class MultivariateNormal extends VectorGaussian {
  readonly family = "MultivariateNormal";
  /** Which matrix the user gave (kept for `toJSON`). */
  readonly parametrisation: FullParametrisation;
  private readonly given: {
    loc: { data: Float64Array; shape: readonly number[] };
    matrix: { data: Float64Array; shape: readonly number[] };
  };

  private constructor(
    form: GaussianForm,
    parametrisation: FullParametrisation,
    given: MultivariateNormal["given"],
  ) {
    super(form);
    this.parametrisation = parametrisation;
    this.given = given;
  }

  private static make(
    loc: ArrayInput,
    matrix: ArrayInput,
    kind: FullParametrisation,
    options?: DistributionOptions,
  ): MultivariateNormal {
    const l = asArrayInternal(loc, "loc");
    const m = asArrayInternal(matrix, kind);
    const names = { loc: "loc", matrix: kind };
    const v = shouldValidate(options);
    const form =
      kind === "covariance"
        ? covarianceForm(l, m, names, v)
        : kind === "scaleTril"
          ? scaleTrilForm(l, m, names, v)
          : precisionForm(l, m, names, v);
    return new MultivariateNormal(form, kind, { loc: l, matrix: m });
  }

  /**
   * N(loc, covariance). The covariance must be symmetric positive definite; it is factored
   * once by Cholesky (a failing pivot raises `NotPositiveDefinite` naming its order).
   * @example MultivariateNormal.fromCovariance([0, 0], [[1, 0.3], [0.3, 2]]).entropy(); // 3.1645...
   */
  static fromCovariance(
    loc: ArrayInput,
    covariance: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormal {
    return MultivariateNormal.make(loc, covariance, "covariance", options);
  }

  /** N(loc, L Lᵀ) from a lower-triangular scale L with positive diagonal. */
  static fromScaleTril(
    loc: ArrayInput,
    scaleTril: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormal {
    return MultivariateNormal.make(loc, scaleTril, "scaleTril", options);
  }

  /** N(loc, P⁻¹) from a symmetric positive definite precision matrix P (no explicit inverse is formed). */
  static fromPrecision(
    loc: ArrayInput,
    precision: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormal {
    return MultivariateNormal.make(loc, precision, "precision", options);
  }

  static fromJSON(o: Record<string, unknown>): MultivariateNormal {
    const given = (["covariance", "scaleTril", "precision"] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) {
      throw invalidParameter(
        "MultivariateNormal",
        "given exactly one of covariance, scaleTril, precision",
        given.length === 0 ? "none" : given.join(", "),
      );
    }
    return MultivariateNormal.make(o.loc as ArrayInput, o[given[0]] as ArrayInput, given[0]);
  }

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      loc: paramJSON(this.given.loc.data, this.given.loc.shape),
      [this.parametrisation]: paramJSON(this.given.matrix.data, this.given.matrix.shape),
    };
  }

  toGaussianForm(): GaussianForm {
    return this.form;
  }
}
