/**
 * The JSON interchange format of FORMAT.md: a distribution is `{family, ...parameters}`; special
 * numbers are the strings "Infinity", "-Infinity", "NaN".
 */
import { KullbackError, notImplemented, invalidParameter } from "../core/errors.js";
import type { Distribution } from "./base.js";
import { encodeSpecial } from "./base.js";
import { Normal } from "./normal.js";
import { MultivariateNormal } from "./multivariate-normal.js";
import { MultivariateNormalDiag } from "./multivariate-normal-diag.js";
import { LowRankMultivariateNormal } from "./low-rank-multivariate-normal.js";
import { Independent } from "./independent.js";
// univariate continuous families
import { LogNormal } from "./log-normal.js";
import { HalfNormal } from "./half-normal.js";
import { Laplace } from "./laplace.js";
import { Cauchy } from "./cauchy.js";
import { Gumbel } from "./gumbel.js";
import { Uniform } from "./uniform.js";
import { Exponential } from "./exponential.js";
import { Gamma } from "./gamma.js";
import { Chi2 } from "./chi2.js";
import { Beta } from "./beta.js";
import { Pareto } from "./pareto.js";
import { Weibull } from "./weibull.js";
import { Kumaraswamy } from "./kumaraswamy.js";
import { ContinuousBernoulli } from "./continuous-bernoulli.js";
// discrete families
import { Bernoulli } from "./bernoulli.js";
import { Binomial } from "./binomial.js";
import { Categorical } from "./categorical.js";
import { Dirichlet } from "./dirichlet.js";
import { Geometric } from "./geometric.js";
import { OneHotCategorical } from "./one-hot-categorical.js";
import { Poisson } from "./poisson.js";
import { GaussianMixture } from "./gaussian-mixture.js";

type Parser = (o: Record<string, unknown>) => Distribution;

/** Family name → parser. Families register here. */
const families: Record<string, Parser> = {
  Normal: (o) => Normal.fromJSON(o),
  MultivariateNormal: (o) => MultivariateNormal.fromJSON(o),
  MultivariateNormalDiag: (o) => MultivariateNormalDiag.fromJSON(o),
  LowRankMultivariateNormal: (o) => LowRankMultivariateNormal.fromJSON(o),
  Independent: (o) => Independent.fromJSON(o, fromJSON),
  // ── univariate continuous families ──
  LogNormal: (o) => LogNormal.fromJSON(o),
  HalfNormal: (o) => HalfNormal.fromJSON(o),
  Laplace: (o) => Laplace.fromJSON(o),
  Cauchy: (o) => Cauchy.fromJSON(o),
  Gumbel: (o) => Gumbel.fromJSON(o),
  Uniform: (o) => Uniform.fromJSON(o),
  Exponential: (o) => Exponential.fromJSON(o),
  Gamma: (o) => Gamma.fromJSON(o),
  Chi2: (o) => Chi2.fromJSON(o),
  Beta: (o) => Beta.fromJSON(o),
  Pareto: (o) => Pareto.fromJSON(o),
  Weibull: (o) => Weibull.fromJSON(o),
  Kumaraswamy: (o) => Kumaraswamy.fromJSON(o),
  ContinuousBernoulli: (o) => ContinuousBernoulli.fromJSON(o),
  // ── discrete families ──
  Bernoulli: (o) => Bernoulli.fromJSON(o),
  Binomial: (o) => Binomial.fromJSON(o),
  Geometric: (o) => Geometric.fromJSON(o),
  Poisson: (o) => Poisson.fromJSON(o),
  Categorical: (o) => Categorical.fromJSON(o),
  OneHotCategorical: (o) => OneHotCategorical.fromJSON(o),
  Dirichlet: (o) => Dirichlet.fromJSON(o),
  // ── mixtures ──
  GaussianMixture: (o) => GaussianMixture.fromJSON(o),
};

/**
 * The parameter names each built-in family reads (besides `family`). A key outside this list is
 * a typo or another library's name (`covariance_matrix`, `scale_diag`) and is reported, instead
 * of being ignored. Families registered with `registerFamily` are not checked.
 */
const parameterNames: Record<string, readonly string[]> = {
  Normal: ["loc", "scale"],
  MultivariateNormal: ["loc", "covariance", "scaleTril", "precision"],
  MultivariateNormalDiag: ["loc", "variance", "scale", "logVariance"],
  LowRankMultivariateNormal: ["loc", "covFactor", "covDiag"],
  Independent: ["base", "reinterpretedBatchNdims"],
  LogNormal: ["loc", "scale"],
  HalfNormal: ["scale"],
  Laplace: ["loc", "scale"],
  Cauchy: ["loc", "scale"],
  Gumbel: ["loc", "scale"],
  Uniform: ["low", "high"],
  Exponential: ["rate"],
  Gamma: ["concentration", "rate"],
  Chi2: ["df"],
  Beta: ["concentration1", "concentration0"],
  Pareto: ["scale", "alpha"],
  Weibull: ["scale", "concentration"],
  Kumaraswamy: ["concentration1", "concentration0"],
  ContinuousBernoulli: ["probs", "logits"],
  Bernoulli: ["probs", "logits"],
  Binomial: ["totalCount", "probs", "logits"],
  Geometric: ["probs", "logits"],
  Poisson: ["rate"],
  Categorical: ["probs", "logits"],
  OneHotCategorical: ["probs", "logits"],
  Dirichlet: ["concentration"],
  GaussianMixture: ["weights", "loc", "covariance", "variance"],
};

/**
 * Adds a family to the JSON reader (`fromJSON`, the CLI, `kullback eval`): `parse` receives the
 * JSON object and returns the distribution.
 *
 * @example
 * registerFamily("MyFamily", (o) => new MyFamily(o.rate as number));
 */
export function registerFamily(name: string, parse: Parser): void {
  families[name] = parse;
  delete parameterNames[name];
}

/** Names of the families the reader knows. */
export function knownFamilies(): string[] {
  return Object.keys(families);
}

/** Replaces "Infinity", "-Infinity" and "NaN" strings anywhere in parsed JSON by numbers. */
export function decodeSpecial(v: unknown): unknown {
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (v === "NaN") return NaN;
  if (Array.isArray(v)) return v.map(decodeSpecial);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key stays a plain key instead of setting the prototype
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(out, k, {
        value: decodeSpecial(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v;
}

/**
 * Builds a distribution from its JSON object (or JSON text).
 * @example fromJSON({ family: "Normal", loc: 0, scale: 1 });
 */
export function fromJSON(json: unknown): Distribution {
  const o = decodeSpecial(typeof json === "string" ? JSON.parse(json) : json);
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw invalidParameter("distribution", "a JSON object with a `family`", o);
  }
  const rec = o as Record<string, unknown>;
  const family = rec.family;
  if (typeof family !== "string") throw invalidParameter("family", "a string", family);
  // own properties only: a user string never reaches Object.prototype ("__proto__", "constructor")
  const parse = Object.prototype.hasOwnProperty.call(families, family) ? families[family] : undefined;
  if (!parse)
    throw notImplemented(`family "${family}" is not implemented (known: ${knownFamilies().join(", ")})`);
  const names = Object.prototype.hasOwnProperty.call(parameterNames, family)
    ? parameterNames[family]
    : undefined;
  if (names) {
    const unknown = Object.keys(rec).filter((k) => k !== "family" && !names.includes(k));
    if (unknown.length > 0) {
      throw new KullbackError(
        "InvalidParameter",
        `${family}: unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")} ` +
          `(${family} takes ${names.join(", ")})`,
        { argument: unknown[0], value: unknown.join(", ") },
      );
    }
  }
  try {
    return parse(rec);
  } catch (e) {
    if (e instanceof KullbackError) throw e;
    throw invalidParameter(family, `well-formed parameters (${(e as Error).message})`, rec);
  }
}

/**
 * The JSON object of a distribution (special numbers as the strings "Infinity", "NaN"); the
 * inverse of `fromJSON`.
 *
 * @example
 * toJSON(new Normal(0, 1)); // { family: "Normal", loc: 0, scale: 1 }
 */
export function toJSON(d: Distribution): Record<string, unknown> {
  return encodeSpecial(d.toJSON()) as Record<string, unknown>;
}
