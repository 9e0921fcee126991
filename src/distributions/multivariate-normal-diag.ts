/**
 * The multivariate normal with a diagonal covariance, given as variance, scale (standard
 * deviation) or log-variance — the last is what a VAE encoder emits, and is kept in log space.
 */
import { NDArray, asArray, type ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { paramJSON, shouldValidate, type DistributionJSON, type DistributionOptions } from "./base.js";
import { VectorGaussian } from "./gaussian.js";
import { diagForm, type GaussianForm } from "./gaussian-form.js";

export type DiagParametrisation = "variance" | "scale" | "logVariance";

/**
 * The multivariate normal with a diagonal covariance, from variances, scales or log-variances
 * (kept in log space: a log-variance of −700 is exact), or `standard(d)` = N(0, I). The VAE
 * case: `kl(fromLogVariance(mu, logVar), standard(d))` gives one value per row.
 *
 * @example
 * const post = MultivariateNormalDiag.fromLogVariance([[0.5, -1], [0, 0.2]], [[0.1, -0.3], [0, -700]]);
 * kl(post, MultivariateNormalDiag.standard(2)); // NDArray of shape [2]
 */
export class MultivariateNormalDiag extends VectorGaussian {
  readonly family = "MultivariateNormalDiag";
  readonly parametrisation: DiagParametrisation;
  private readonly given: { loc: NDArray; param: NDArray };

  private constructor(
    form: GaussianForm,
    parametrisation: DiagParametrisation,
    given: { loc: NDArray; param: NDArray },
  ) {
    super(form);
    this.parametrisation = parametrisation;
    this.given = given;
  }

  private static make(
    loc: ArrayInput,
    param: ArrayInput,
    kind: DiagParametrisation,
    options?: DistributionOptions,
  ): MultivariateNormalDiag {
    const l = asArray(loc, "loc");
    const p = asArray(param, kind);
    const v = shouldValidate(options);
    let logVar: Float64Array;
    if (kind === "logVariance") logVar = p.data;
    else {
      logVar = new Float64Array(p.size);
      for (let i = 0; i < p.size; i++) {
        const x = p.data[i];
        if (v && !(x > 0 && x < Infinity))
          throw invalidParameter(kind, "positive and finite", x, unravelIdx(i, p.shape));
        logVar[i] = kind === "variance" ? Math.log(x) : 2 * Math.log(x);
      }
    }
    const form = diagForm(l, new NDArray(logVar, p.shape), { loc: "loc", scale: kind }, v);
    return new MultivariateNormalDiag(form, kind, { loc: l, param: p });
  }

  /** N(loc, diag(variance)). */
  static fromVariance(
    loc: ArrayInput,
    variance: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormalDiag {
    return MultivariateNormalDiag.make(loc, variance, "variance", options);
  }

  /** N(loc, diag(scale²)), scale = standard deviations. */
  static fromScale(
    loc: ArrayInput,
    scale: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormalDiag {
    return MultivariateNormalDiag.make(loc, scale, "scale", options);
  }

  /**
   * N(loc, diag(exp(logVariance))) — the (mu, logVar) pair of a VAE encoder. The log-variance is
   * never exponentiated where a log-space formula exists, so values down to −700 stay exact.
   * @example
   * const post = MultivariateNormalDiag.fromLogVariance(mu, logVar); // [B, d] each
   * kl(post, MultivariateNormalDiag.standard(d)); // Float64 batch of B values
   */
  static fromLogVariance(
    loc: ArrayInput,
    logVariance: ArrayInput,
    options?: DistributionOptions,
  ): MultivariateNormalDiag {
    return MultivariateNormalDiag.make(loc, logVariance, "logVariance", options);
  }

  /** The standard normal N(0, I_d). */
  static standard(d: number): MultivariateNormalDiag {
    if (!Number.isInteger(d) || d < 1) throw invalidParameter("d", "a positive integer", d);
    return MultivariateNormalDiag.make(new Float64Array(d), new Float64Array(d), "logVariance");
  }

  static fromJSON(o: Record<string, unknown>): MultivariateNormalDiag {
    const given = (["variance", "scale", "logVariance"] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) {
      throw invalidParameter(
        "MultivariateNormalDiag",
        "given exactly one of variance, scale, logVariance",
        given.length === 0 ? "none" : given.join(", "),
      );
    }
    return MultivariateNormalDiag.make(o.loc as ArrayInput, o[given[0]] as ArrayInput, given[0]);
  }

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      loc: paramJSON(this.given.loc.data, this.given.loc.shape),
      [this.parametrisation]: paramJSON(this.given.param.data, this.given.param.shape),
    };
  }

  toGaussianForm(): GaussianForm {
    return this.form;
  }
}

function unravelIdx(i: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return out;
}
