/**
 * The Gaussian mixture p(x) = Σ_k w_k N(x; μ_k, Σ_k) on R^d (family "GaussianMixture" of
 * FORMAT.md): `weights` (K), `loc` (K × d), and `covariance` (K × d × d) or `variance` (K × d).
 *
 * The components are one batched Gaussian of batch shape [K] (a `MultivariateNormal` or a
 * `MultivariateNormalDiag`), so every check and factorisation of those families applies: a
 * component whose covariance is not positive definite raises `NotPositiveDefinite` naming its
 * component index as the batch index.
 *
 * Mixtures are unbatched: `batchShape` is always `[]` (a batch of mixtures is an array of
 * mixtures). Entropy has no closed form and throws `NotImplemented`.
 */
import { NDArray, asArray, result, sizeOf, type ArrayInput } from "../core/array.js";
import { invalidParameter, invalidShape, notImplemented } from "../core/errors.js";
import { Random } from "../core/random.js";
import {
  Distribution,
  checkSampleCount,
  paramJSON,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import {
  LOG_2PI,
  covarianceOf,
  denseCovariance,
  meanOf,
  varianceOf,
  type GaussianForm,
} from "./gaussian-form.js";
import { MultivariateNormal } from "./multivariate-normal.js";
import { MultivariateNormalDiag } from "./multivariate-normal-diag.js";

/**
 * Tolerance on the weight sum: |Σ w_k − 1| ≤ 1e-6 is accepted (the weights are then divided by
 * their sum), anything further raises `InvalidParameter`. Same tolerance as PyTorch's simplex check.
 */
export const WEIGHT_SUM_TOLERANCE = 1e-6;

type ComponentFamily = MultivariateNormal | MultivariateNormalDiag;

interface Given {
  weights: NDArray;
  loc: NDArray;
  kind: "covariance" | "variance";
  param: NDArray;
}

/** Something with a Gaussian form (Normal, the vector Gaussians, Independent(Normal, 1)). */
interface HasGaussianForm {
  toGaussianForm(): GaussianForm | undefined;
}

function hasForm(x: Distribution): x is Distribution & HasGaussianForm {
  return typeof (x as Partial<HasGaussianForm>).toGaussianForm === "function";
}

/**
 * A finite mixture Σₖ wₖ N(μₖ, Σₖ) of Gaussians (weights summing to 1), from covariances,
 * variances, component distributions or one Gaussian. No closed-form KL exists: `gmmKl` gives
 * the approximations and bounds, `klMonteCarlo` an estimate with its standard error.
 *
 * @example
 * const mix = GaussianMixture.fromVariance([0.3, 0.7], [[-1, 0], [1, 0]], [[1, 1], [0.5, 0.5]]);
 * mix.logProb([0, 0]); // a number
 * gmmKl(mix, GaussianMixture.fromVariance([1], [[0, 0]], [[2, 1]])); // { value, kind, ... }
 */
export class GaussianMixture extends Distribution {
  readonly family = "GaussianMixture";
  /** Always `[]`: mixtures are unbatched. */
  readonly batchShape: readonly number[] = [];
  readonly eventShape: readonly number[];
  /** Number of components K. */
  readonly K: number;
  /** Event dimension d. */
  readonly d: number;
  /** The mixing weights, divided by their sum (copies; length K). */
  readonly weights: Float64Array;
  /** log w_k (−Infinity for a zero weight). */
  readonly logWeights: Float64Array;
  /** The K components as one batched Gaussian of batch shape [K]. */
  readonly components: ComponentFamily;
  private readonly given: Given;
  /** log w_k − ½(d log 2π + log det Σ_k): the constant part of each weighted component log density. */
  private readonly logNorm: Float64Array;

  private constructor(weights: Float64Array, components: ComponentFamily, given: Given) {
    super();
    this.K = weights.length;
    this.d = components.dim;
    this.eventShape = [this.d];
    this.weights = weights;
    this.logWeights = weights.map((w) => Math.log(w));
    this.components = components;
    this.given = given;
    const f = components.form;
    this.logNorm = new Float64Array(this.K);
    for (let k = 0; k < this.K; k++)
      this.logNorm[k] = this.logWeights[k] - 0.5 * (this.d * LOG_2PI + f.logDet[k]);
  }

  private static make(
    weights: ArrayInput,
    loc: ArrayInput,
    param: ArrayInput,
    kind: Given["kind"],
    options?: DistributionOptions,
  ): GaussianMixture {
    const w = asArray(weights, "weights");
    const l = asArray(loc, "loc");
    const m = asArray(param, kind);
    if (w.ndim !== 1 || w.shape[0] < 1) {
      throw invalidShape(
        "weights",
        `must be a non-empty vector [K] (mixtures are unbatched); got shape [${w.shape.join(", ")}]`,
        w.shape,
      );
    }
    const K = w.shape[0];
    if (l.ndim !== 2)
      throw invalidShape(
        "loc",
        `must be a K x d matrix [${K}, d]; got shape [${l.shape.join(", ")}]`,
        l.shape,
      );
    if (l.shape[0] !== K) {
      throw invalidShape("loc", `has ${l.shape[0]} components (rows) but weights has ${K}`, [K, l.shape[0]]);
    }
    const d = l.shape[1];
    if (d < 1) throw invalidShape("loc", "the event dimension d must be at least 1", l.shape);
    const want = kind === "covariance" ? [K, d, d] : [K, d];
    if (m.ndim !== want.length || m.shape.some((s, i) => s !== want[i])) {
      throw invalidShape(
        kind,
        `must have shape [${want.join(", ")}] to match weights (K = ${K}) and loc (d = ${d}); got [${m.shape.join(", ")}]`,
        m.shape,
      );
    }
    const validate = shouldValidate(options);
    const normalised = normaliseWeights(w.data, validate);
    const components =
      kind === "covariance"
        ? MultivariateNormal.fromCovariance(l, m, options)
        : MultivariateNormalDiag.fromVariance(l, m, options);
    return new GaussianMixture(normalised, components, { weights: w, loc: l, kind, param: m });
  }

  /**
   * Σ_k w_k N(loc_k, covariance_k): weights [K] (non-negative, summing to 1 within
   * {@link WEIGHT_SUM_TOLERANCE}), loc [K, d], covariance [K, d, d] (each symmetric positive definite).
   * @example GaussianMixture.fromCovariance([0.3, 0.7], [[0, 0], [2, 1]], [[[1, 0], [0, 1]], [[2, 0.5], [0.5, 1]]]).logProb([0, 0]);
   */
  static fromCovariance(
    weights: ArrayInput,
    loc: ArrayInput,
    covariance: ArrayInput,
    options?: DistributionOptions,
  ): GaussianMixture {
    return GaussianMixture.make(weights, loc, covariance, "covariance", options);
  }

  /**
   * Σ_k w_k N(loc_k, diag(variance_k)): weights [K], loc [K, d], variance [K, d] (positive).
   * @example GaussianMixture.fromVariance([0.5, 0.5], [[-1], [1]], [[1], [1]]).mean(); // [0]
   */
  static fromVariance(
    weights: ArrayInput,
    loc: ArrayInput,
    variance: ArrayInput,
    options?: DistributionOptions,
  ): GaussianMixture {
    return GaussianMixture.make(weights, loc, variance, "variance", options);
  }

  /**
   * A mixture whose components are the K elements of a Gaussian of batch shape [K] (any
   * Gaussian family: Normal (d = 1), MultivariateNormal, MultivariateNormalDiag,
   * LowRankMultivariateNormal, Independent(Normal, 1)).
   * @example GaussianMixture.fromComponents([0.5, 0.5], new Normal([-1, 1], [1, 2]));
   */
  static fromComponents(
    weights: ArrayInput,
    components: Distribution,
    options?: DistributionOptions,
  ): GaussianMixture {
    const f = hasForm(components) ? components.toGaussianForm() : undefined;
    if (!f) throw invalidParameter("components", "a Gaussian-family distribution", components.family);
    if (f.batchShape.length !== 1) {
      throw invalidShape(
        "components",
        `must have batch shape [K]; got [${f.batchShape.join(", ")}]`,
        f.batchShape,
      );
    }
    const loc = meanOf(f);
    if (f.cov.kind === "diag") return GaussianMixture.fromVariance(weights, loc, varianceOf(f), options);
    return GaussianMixture.fromCovariance(weights, loc, covarianceOf(f), options);
  }

  /**
   * The mixture of one component equal to an unbatched Gaussian (a `Normal` becomes a mixture
   * on R^1). This is how Gaussians enter the mixture methods (`gmmKl`).
   * @example GaussianMixture.fromGaussian(new Normal(0, 1)).K; // 1
   */
  static fromGaussian(dist: Distribution, options?: DistributionOptions): GaussianMixture {
    if (dist instanceof GaussianMixture) return dist;
    const f = hasForm(dist) ? dist.toGaussianForm() : undefined;
    if (!f) throw invalidParameter("dist", "a Gaussian-family distribution", dist.family);
    if (f.batchShape.length !== 0) {
      throw invalidShape(
        "dist",
        `must be unbatched to become a mixture of one; got batch shape [${f.batchShape.join(", ")}]`,
        f.batchShape,
      );
    }
    const d = f.d;
    const loc = new NDArray(Float64Array.from(f.loc.subarray(0, d)), [1, d]);
    if (f.cov.kind === "diag") {
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) v[j] = Math.exp(f.cov.logVar[j]);
      return GaussianMixture.fromVariance([1], loc, new NDArray(v, [1, d]), options);
    }
    const c = new Float64Array(d * d);
    denseCovariance(f, 0, c, 0);
    return GaussianMixture.fromCovariance([1], loc, new NDArray(c, [1, d, d]), options);
  }

  static fromJSON(o: Record<string, unknown>): GaussianMixture {
    const given = (["covariance", "variance"] as const).filter((k) => o[k] !== undefined);
    if (given.length !== 1) {
      throw invalidParameter(
        "GaussianMixture",
        "given exactly one of covariance, variance",
        given.length === 0 ? "none" : given.join(", "),
      );
    }
    if (o.weights === undefined) throw invalidParameter("weights", "present", undefined);
    if (o.loc === undefined) throw invalidParameter("loc", "present", undefined);
    return GaussianMixture.make(
      o.weights as ArrayInput,
      o.loc as ArrayInput,
      o[given[0]] as ArrayInput,
      given[0],
    );
  }

  toJSON(): DistributionJSON {
    const g = this.given;
    return {
      family: this.family,
      weights: paramJSON(g.weights.data, g.weights.shape),
      loc: paramJSON(g.loc.data, g.loc.shape),
      [g.kind]: paramJSON(g.param.data, g.param.shape),
    };
  }

  /** The components' factorised Gaussian form (batch shape [K]). */
  componentForm(): GaussianForm {
    return this.components.form;
  }

  /** Mean Σ_k w_k μ_k, shape [d]. */
  mean(): NDArray {
    const { K, d } = this;
    const f = this.components.form;
    const out = new Float64Array(d);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) out[j] += this.weights[k] * f.loc[k * d + j];
    return new NDArray(out, [d]);
  }

  /**
   * Covariance by the law of total covariance, Σ_k w_k (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ), shape [d, d]
   * (centred form: no cancellation between E[xxᵀ] and μμᵀ).
   */
  covariance(): NDArray {
    const { K, d } = this;
    const f = this.components.form;
    const mu = this.mean().data;
    const out = new Float64Array(d * d);
    const ck = new Float64Array(d * d);
    for (let k = 0; k < K; k++) {
      const w = this.weights[k];
      if (w === 0) continue;
      denseCovariance(f, k, ck, 0);
      for (let i = 0; i < d; i++) {
        const di = f.loc[k * d + i] - mu[i];
        for (let j = 0; j <= i; j++) out[i * d + j] += w * (ck[i * d + j] + di * (f.loc[k * d + j] - mu[j]));
      }
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) out[j * d + i] = out[i * d + j];
    return new NDArray(out, [d, d]);
  }

  /** Marginal variances (the diagonal of {@link covariance}), shape [d]. */
  variance(): NDArray {
    const c = this.covariance();
    const d = this.d;
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) out[i] = c.data[i * d + i];
    return new NDArray(out, [d]);
  }

  /**
   * log p(x) = logsumexp_k (log w_k + log N(x; μ_k, Σ_k)), for x of shape [..., d]; the result
   * has shape [...] (a number for a single point). Components of zero weight are skipped.
   * @example GaussianMixture.fromVariance([1], [[0]], [[1]]).logProb([0]); // −½ log 2π
   */
  logProb(x: ArrayInput): number | NDArray {
    const xa = asArray(x, "x");
    const d = this.d;
    if (xa.ndim < 1 || xa.shape[xa.ndim - 1] !== d) {
      throw invalidShape(
        "x",
        `last axis must have length ${d} (the event); got shape [${xa.shape.join(", ")}]`,
        xa.shape,
      );
    }
    const shape = xa.shape.slice(0, -1);
    const n = sizeOf(shape);
    const out = new Float64Array(n);
    this.logProbInto(xa.data, n, out);
    return result(out, shape);
  }

  /**
   * Log densities of `n` points stored row-major in `x` (n × d) written to `out` (internal fast
   * path shared with the Monte Carlo estimators; no allocation per point).
   */
  logProbInto(x: Float64Array, n: number, out: Float64Array): void {
    const { K, d } = this;
    const f = this.components.form;
    const cov = f.cov;
    const loc = f.loc;
    const logNorm = this.logNorm;
    const lk = new Float64Array(K);
    const y = new Float64Array(d);
    // diagonal: 1/σ per coordinate; full: L and the reciprocals of its diagonal
    const diag = cov.kind === "diag";
    const inv = diag ? cov.logVar.map((v) => Math.exp(-0.5 * v)) : new Float64Array(K * d);
    const L = cov.kind === "tril" ? cov.L : new Float64Array(0);
    if (!diag)
      for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) inv[k * d + j] = 1 / L[k * d * d + j * d + j];
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      let max = -Infinity;
      let nan = false;
      for (let k = 0; k < K; k++) {
        const c0 = logNorm[k];
        if (c0 === -Infinity) {
          lk[k] = -Infinity;
          continue;
        }
        const lo = k * d;
        let q = 0;
        if (diag) {
          for (let j = 0; j < d; j++) {
            const z = (x[xo + j] - loc[lo + j]) * inv[lo + j];
            q += z * z;
          }
        } else {
          // forward substitution L y = x − μ_k
          const Lo = k * d * d;
          for (let j = 0; j < d; j++) {
            let t = x[xo + j] - loc[lo + j];
            const r = Lo + j * d;
            for (let m = 0; m < j; m++) t -= L[r + m] * y[m];
            const v = t * inv[lo + j];
            y[j] = v;
            q += v * v;
          }
        }
        const v = c0 - 0.5 * q;
        lk[k] = v;
        if (v > max) max = v;
        else if (v !== v) nan = true;
      }
      if (nan) {
        out[i] = NaN;
        continue;
      }
      if (K === 1 || max === -Infinity) {
        out[i] = max;
        continue;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(lk[k] - max);
      out[i] = max + Math.log(s);
    }
  }

  /** No closed form: throws `NotImplemented` pointing to the Monte Carlo estimate. */
  entropy(): number | NDArray {
    throw notImplemented(
      "the entropy of a GaussianMixture has no closed form; estimate it by Monte Carlo: " +
        "crossEntropyMonteCarlo(p, p, { samples, seed }) estimates H(p) = −E_p[log p(x)] with a standard error",
    );
  }

  /**
   * `n` draws, shape [n, d]. Each draw takes one uniform u (component k = the first with
   * u < w_1 + … + w_k) and then d standard normals z (x = μ_k + L_k z with Σ_k = L_k L_kᵀ),
   * all from one `Random(seed)` stream in that order.
   */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const out = new Float64Array(n * this.d);
    this.sampleInto(new Random(options.seed), n, out);
    return new NDArray(out, [n, this.d]);
  }

  /** Draws `n` points into `out` (n × d) from the given stream (internal fast path). */
  sampleInto(rng: Random, n: number, out: Float64Array): void {
    const { K, d } = this;
    const f = this.components.form;
    const cov = f.cov;
    const cum = new Float64Array(K);
    let acc = 0;
    let last = 0;
    for (let k = 0; k < K; k++) {
      acc += this.weights[k];
      cum[k] = acc;
      if (this.weights[k] > 0) last = k;
    }
    const std = cov.kind === "diag" ? cov.logVar.map((v) => Math.exp(0.5 * v)) : undefined;
    const L = cov.kind === "tril" ? cov.L : undefined;
    const z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let k = 0;
      while (k < K && !(u < cum[k])) k++;
      if (k >= K || this.weights[k] === 0) k = last;
      for (let j = 0; j < d; j++) z[j] = rng.normal();
      const lo = k * d;
      const oo = i * d;
      if (std) {
        for (let j = 0; j < d; j++) out[oo + j] = f.loc[lo + j] + std[lo + j] * z[j];
      } else {
        const Lo = k * d * d;
        for (let j = 0; j < d; j++) {
          let v = f.loc[lo + j];
          for (let t = 0; t <= j; t++) v += L![Lo + j * d + t] * z[t];
          out[oo + j] = v;
        }
      }
    }
  }
}

function normaliseWeights(w: Float64Array, validate: boolean): Float64Array {
  let sum = 0;
  for (let k = 0; k < w.length; k++) {
    const v = w[k];
    if (!(v >= 0 && v < Infinity)) throw invalidParameter("weights", "non-negative and finite", v, [k]);
    sum += v;
  }
  if (validate && !(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
    throw invalidParameter("weights", `summing to 1 (within ${WEIGHT_SUM_TOLERANCE})`, sum);
  }
  if (!(sum > 0)) throw invalidParameter("weights", "not all zero", sum);
  return w.map((v) => v / sum);
}
