/**
 * Shared behaviour of the vector Gaussian families (MultivariateNormal, MultivariateNormalDiag,
 * LowRankMultivariateNormal): everything is computed from their common {@link GaussianForm}.
 */
import { NDArray, asArray, result, type ArrayInput } from "../core/array.js";
import { Distribution, checkSampleCount, type SampleOptions } from "./base.js";
import {
  covarianceOf,
  entropyOf,
  logProbOf,
  meanOf,
  sampleOf,
  varianceOf,
  type GaussianForm,
} from "./gaussian-form.js";

export abstract class VectorGaussian extends Distribution {
  /** The canonical factorised form used by every computation. */
  readonly form: GaussianForm;

  protected constructor(form: GaussianForm) {
    super();
    this.form = form;
  }

  get batchShape(): readonly number[] {
    return this.form.batchShape;
  }

  get eventShape(): readonly number[] {
    return [this.form.d];
  }

  /** Dimension d of the event. */
  get dim(): number {
    return this.form.d;
  }

  mean(): NDArray {
    return meanOf(this.form);
  }

  /** Covariance matrices, shape [...batchShape, d, d]. */
  covariance(): NDArray {
    return covarianceOf(this.form);
  }

  /** Marginal variances (the covariance diagonal), shape [...batchShape, d]. */
  variance(): NDArray {
    return varianceOf(this.form);
  }

  /** log N(x; μ, Σ) = −½(d log 2π + log det Σ + (x−μ)ᵀΣ⁻¹(x−μ)); x is [..., d]. */
  logProb(x: ArrayInput): number | NDArray {
    const r = logProbOf(this.form, asArray(x, "x"));
    return result(r.data, r.shape);
  }

  /** ½(d(1 + log 2π) + log det Σ) nats. */
  entropy(): number | NDArray {
    return result(entropyOf(this.form), this.form.batchShape);
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    return sampleOf(this.form, n, options.seed);
  }
}
