/**
 * THE KL REGISTRY: one table of closed forms KL(p ‖ q), one row per ordered pair of families.
 *
 * Dispatch: an exact match of both constructors wins; otherwise the first row whose classes
 * `p` and `q` are instances of. An unregistered pair throws `NotImplemented` naming both families
 * and what to do instead. Users add or replace rows with {@link registerKl}.
 */
import type { NDArray } from "../core/array.js";
import { notImplemented } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { Normal } from "../distributions/normal.js";
import { MultivariateNormal } from "../distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../distributions/multivariate-normal-diag.js";
import { LowRankMultivariateNormal } from "../distributions/low-rank-multivariate-normal.js";
import { Independent, sumTrailing } from "../distributions/independent.js";
import { klGaussian } from "./gaussian-pairs.js";
import { invalidShape, invalidParameter } from "../core/errors.js";
// discrete families (discrete-pairs.ts)
import { Bernoulli } from "../distributions/bernoulli.js";
import { Binomial } from "../distributions/binomial.js";
import { Categorical } from "../distributions/categorical.js";
import { Dirichlet } from "../distributions/dirichlet.js";
import { Geometric } from "../distributions/geometric.js";
import { OneHotCategorical } from "../distributions/one-hot-categorical.js";
import { Poisson } from "../distributions/poisson.js";
import {
  klBernoulliBernoulli,
  klBernoulliPoisson,
  klBinomialBinomial,
  klCategoricalCategorical,
  klDirichletDirichlet,
  klGeometricGeometric,
  klIntegerBySum,
  klOneHotCategorical,
  klPoissonPoisson,
  klSupportMismatch,
} from "./discrete-pairs.js";
// univariate continuous families (continuous-pairs.ts, infinite-pairs.ts)
import { LogNormal } from "../distributions/log-normal.js";
import { HalfNormal } from "../distributions/half-normal.js";
import { Laplace } from "../distributions/laplace.js";
import { Cauchy } from "../distributions/cauchy.js";
import { Gumbel } from "../distributions/gumbel.js";
import { Uniform } from "../distributions/uniform.js";
import { Exponential } from "../distributions/exponential.js";
import { Gamma } from "../distributions/gamma.js";
import { Chi2 } from "../distributions/chi2.js";
import { Beta } from "../distributions/beta.js";
import { Pareto } from "../distributions/pareto.js";
import { Weibull } from "../distributions/weibull.js";
import { Kumaraswamy } from "../distributions/kumaraswamy.js";
import { ContinuousBernoulli } from "../distributions/continuous-bernoulli.js";
import * as C from "./continuous-pairs.js";
import { infinitePairs, klInfinite } from "./infinite-pairs.js";

/** A distribution class (any constructor visibility): what `instanceof` needs. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type FamilyClass<T extends Distribution> = Function & { prototype: T };
export type KlFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => number | NDArray;

export interface KlRow {
  readonly p: FamilyClass<Distribution>;
  readonly q: FamilyClass<Distribution>;
  readonly fn: KlFunction<Distribution, Distribution>;
}

/** A typed row: `fn` must accept exactly the two classes named. */
function pair<P extends Distribution, Q extends Distribution>(
  p: FamilyClass<P>,
  q: FamilyClass<Q>,
  fn: KlFunction<P, Q>,
): KlRow {
  return { p, q, fn: fn as KlFunction<Distribution, Distribution> };
}

/** KL(Independent ‖ Independent): the base KL summed over the reinterpreted axes. */
function klIndependent(p: Independent, q: Independent): number | NDArray {
  const g = klGaussianIfVector(p, q);
  if (g !== undefined) return g;
  if (p.eventShape.length !== q.eventShape.length || p.eventShape.some((s, i) => s !== q.eventShape[i])) {
    throw invalidShape(
      "q",
      `event shape [${q.eventShape.join(", ")}] differs from p's [${p.eventShape.join(", ")}]`,
    );
  }
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw notImplemented(
      "KL(Independent ‖ Independent) needs the same reinterpretedBatchNdims on both sides",
    );
  }
  return sumTrailing(kl(p.base, q.base), p.reinterpretedBatchNdims);
}

function klGaussianIfVector(p: Independent, q: Independent): number | NDArray | undefined {
  if (p.toGaussianForm() && q.toGaussianForm()) return klGaussian(p, q);
  return undefined;
}

const table: KlRow[] = [
  // ── Gaussian families (any mix; through the common factorised form) ─────────────────────
  pair(Normal, Normal, klGaussian),
  pair(MultivariateNormal, MultivariateNormal, klGaussian),
  pair(MultivariateNormal, MultivariateNormalDiag, klGaussian),
  pair(MultivariateNormal, LowRankMultivariateNormal, klGaussian),
  pair(MultivariateNormal, Independent, klGaussian),
  pair(MultivariateNormalDiag, MultivariateNormal, klGaussian),
  pair(MultivariateNormalDiag, MultivariateNormalDiag, klGaussian),
  pair(MultivariateNormalDiag, LowRankMultivariateNormal, klGaussian),
  pair(MultivariateNormalDiag, Independent, klGaussian),
  pair(LowRankMultivariateNormal, MultivariateNormal, klGaussian),
  pair(LowRankMultivariateNormal, MultivariateNormalDiag, klGaussian),
  pair(LowRankMultivariateNormal, LowRankMultivariateNormal, klGaussian),
  pair(LowRankMultivariateNormal, Independent, klGaussian),
  pair(Independent, MultivariateNormal, klGaussian),
  pair(Independent, MultivariateNormalDiag, klGaussian),
  pair(Independent, LowRankMultivariateNormal, klGaussian),
  // ── Independent: sum of the base KL over the reinterpreted axes ──────────────────────────
  pair(Independent, Independent, klIndependent),
  // ── Univariate continuous families, same family and cross-family (continuous-pairs.ts) ──
  // same family
  pair(LogNormal, LogNormal, C.klLogNormalLogNormal),
  pair(HalfNormal, HalfNormal, C.klHalfNormalHalfNormal),
  pair(Laplace, Laplace, C.klLaplaceLaplace),
  pair(Cauchy, Cauchy, C.klCauchyCauchy),
  pair(Gumbel, Gumbel, C.klGumbelGumbel),
  pair(Uniform, Uniform, C.klUniformUniform),
  pair(Exponential, Exponential, C.klExponentialExponential),
  pair(Gamma, Gamma, C.klGammaGamma),
  pair(Chi2, Chi2, C.klGammaGamma),
  pair(Beta, Beta, C.klBetaBeta),
  pair(Pareto, Pareto, C.klParetoPareto),
  pair(Weibull, Weibull, C.klWeibullWeibull),
  pair(ContinuousBernoulli, ContinuousBernoulli, C.klContinuousBernoulliContinuousBernoulli),
  // cross family (Chi2 is a Gamma subclass: Gamma rows also match it on either side)
  pair(Chi2, Gamma, C.klGammaGamma),
  pair(Gamma, Chi2, C.klGammaGamma),
  pair(Beta, ContinuousBernoulli, C.klBetaContinuousBernoulli),
  pair(Beta, Exponential, C.klBetaExponential),
  pair(Beta, Gamma, C.klBetaGamma),
  pair(Beta, Normal, C.klBetaNormal),
  pair(Beta, Uniform, C.klBetaUniform),
  pair(ContinuousBernoulli, Exponential, C.klContinuousBernoulliExponential),
  pair(ContinuousBernoulli, Normal, C.klContinuousBernoulliNormal),
  pair(ContinuousBernoulli, Uniform, C.klContinuousBernoulliUniform),
  pair(Exponential, Gamma, C.klExponentialGamma),
  pair(Exponential, Gumbel, C.klExponentialGumbel),
  pair(Exponential, Normal, C.klExponentialNormal),
  pair(Gamma, Exponential, C.klGammaExponential),
  pair(Gamma, Gumbel, C.klGammaGumbel),
  pair(Gamma, Normal, C.klGammaNormal),
  pair(Gumbel, Normal, C.klGumbelNormal),
  pair(Laplace, Normal, C.klLaplaceNormal),
  pair(Normal, Gumbel, C.klNormalGumbel),
  pair(Normal, Laplace, C.klNormalLaplace),
  pair(Pareto, Exponential, C.klParetoExponential),
  pair(Pareto, Gamma, C.klParetoGamma),
  pair(Pareto, Normal, C.klParetoNormal),
  pair(Uniform, Beta, C.klUniformBeta),
  pair(Uniform, ContinuousBernoulli, C.klUniformContinuousBernoulli),
  pair(Uniform, Exponential, C.klUniformExponential),
  pair(Uniform, Gamma, C.klUniformGamma),
  pair(Uniform, Gumbel, C.klUniformGumbel),
  pair(Uniform, Normal, C.klUniformNormal),
  pair(Uniform, Pareto, C.klUniformPareto),
  pair(Weibull, Gamma, C.klWeibullGamma),
  pair(Kumaraswamy, Beta, C.klKumaraswamyBeta),
  // ── Discrete families (discrete-pairs.ts) ──
  pair(Bernoulli, Bernoulli, klBernoulliBernoulli),
  pair(Binomial, Binomial, klBinomialBinomial),
  pair(Categorical, Categorical, klCategoricalCategorical),
  pair(OneHotCategorical, OneHotCategorical, klOneHotCategorical),
  pair(Dirichlet, Dirichlet, klDirichletDirichlet),
  pair(Geometric, Geometric, klGeometricGeometric),
  pair(Poisson, Poisson, klPoissonPoisson),
  pair(Bernoulli, Poisson, klBernoulliPoisson),
  // p with a finite support: the exact finite sum Σ p log(p/q) (no PyTorch closed form)
  pair(Bernoulli, Binomial, klIntegerBySum),
  pair(Binomial, Bernoulli, klIntegerBySum),
  pair(Bernoulli, Geometric, klIntegerBySum),
  pair(Binomial, Geometric, klIntegerBySum),
  pair(Binomial, Poisson, klIntegerBySum),
  // ── Support mismatch: the answer is +Infinity (infinite-pairs.ts) ──
  // continuous (infinite-pairs.ts): q vanishes on a set of positive p-probability
  ...infinitePairs.map(([P, Q]) => pair(P, Q, klInfinite)),
  // discrete (discrete-pairs.ts): unbounded p against a finite-support q; −log q(0) if p is the point mass at 0
  pair(Poisson, Bernoulli, klSupportMismatch),
  pair(Poisson, Binomial, klSupportMismatch),
  pair(Geometric, Bernoulli, klSupportMismatch),
  pair(Geometric, Binomial, klSupportMismatch),
];

const exact = new Map<
  FamilyClass<Distribution>,
  Map<FamilyClass<Distribution>, KlFunction<Distribution, Distribution>>
>();
function index(row: KlRow): void {
  let m = exact.get(row.p);
  if (!m) exact.set(row.p, (m = new Map()));
  m.set(row.q, row.fn);
}
table.forEach(index);

/**
 * The registered rows `{ p, q, fn }` (read-only view): the pairs `kl` has a closed form for.
 *
 * @example
 * klTable().map((r) => `${r.p.name} ‖ ${r.q.name}`); // ["Normal ‖ Normal", …]
 */
export function klTable(): readonly KlRow[] {
  return table;
}

/**
 * Registers (or replaces) the closed form KL(p ‖ q) for instances of `P` and `Q`.
 * @example registerKl(MyFamily, Normal, (p, q) => ...);
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  P: FamilyClass<P>,
  Q: FamilyClass<Q>,
  fn: KlFunction<P, Q>,
): void {
  const row = pair(P, Q, fn);
  const i = table.findIndex((r) => r.p === P && r.q === Q);
  if (i >= 0) table[i] = row;
  else table.push(row);
  index(row);
  resolved.clear();
}

/** Pairs resolved by subclass order, cached per (class, class); null: none registered. */
const resolved = new Map<
  FamilyClass<Distribution>,
  Map<FamilyClass<Distribution>, KlFunction<Distribution, Distribution> | null>
>();

/** A is B or a subclass of B. */
const isSubclass = (A: FamilyClass<Distribution>, B: FamilyClass<Distribution>): boolean =>
  A === B || A.prototype instanceof B;

/**
 * The registered KL function for the pair, or undefined: the exact (class, class) row, else the
 * most specific row whose classes p and q are instances of (as PyTorch's `_dispatch_kl`: a row
 * is more specific when both its classes are subclasses of the other row's).
 *
 * @throws KullbackError `NotImplemented` when two or more rows match and none is more specific
 *   than the others, naming them and the fix (`registerKl` for the exact pair).
 */
export function lookupKl(
  p: Distribution,
  q: Distribution,
): KlFunction<Distribution, Distribution> | undefined {
  const P = p.constructor as FamilyClass<Distribution>;
  const Q = q.constructor as FamilyClass<Distribution>;
  const hit = exact.get(P)?.get(Q);
  if (hit) return hit;
  const cached = resolved.get(P)?.get(Q);
  if (cached !== undefined) return cached ?? undefined;
  const matches = table.filter((r) => p instanceof r.p && q instanceof r.q);
  const best = matches.filter(
    (r) => !matches.some((s) => s !== r && isSubclass(s.p, r.p) && isSubclass(s.q, r.q)),
  );
  if (best.length > 1) {
    const names = best.map((r) => `(${r.p.name} ‖ ${r.q.name})`).join(", ");
    throw notImplemented(
      `KL(${P.name} ‖ ${Q.name}) is ambiguous: the registered pairs ${names} all match and none is ` +
        `more specific; register the exact pair with registerKl(${P.name}, ${Q.name}, fn)`,
    );
  }
  const fn = best[0]?.fn ?? null;
  let m = resolved.get(P);
  if (!m) resolved.set(P, (m = new Map()));
  m.set(Q, fn);
  return fn ?? undefined;
}

/**
 * KL(p ‖ q) = ∫ p log(p/q), in nats, by closed form. Batched: batch shapes broadcast; a
 * scalar batch gives a `number`, otherwise an `NDArray` of the broadcast batch shape.
 *
 * Closed form only, as in PyTorch and TFP: a pair with no registered closed form throws
 * `NotImplemented`, naming `klMonteCarlo(p, q, { samples, seed })` (an estimate with its standard
 * error) and `registerKl`. Options are refused (`InvalidParameter`): there is no Monte Carlo switch.
 *
 * @example
 * kl(new Normal(0, 1), new Normal(1, 2)); // 0.4431471805599453
 */
export function kl(p: Distribution, q: Distribution): number | NDArray {
  // a JavaScript caller's leftover options (the signature keeps them out of typed code)
  if (arguments.length > 2) {
    throw invalidParameter(
      "options",
      "absent: kl(p, q) is the closed form only; for an estimate use klMonteCarlo(p, q, { samples, seed })",
      // eslint-disable-next-line prefer-rest-params
      arguments[2],
    );
  }
  const fn = lookupKl(p, q);
  if (!fn) {
    throw notImplemented(
      `no closed-form KL is registered for (${p.family} ‖ ${q.family}); ` +
        `estimate it by Monte Carlo with klMonteCarlo(p, q, { samples, seed }) (an estimate and its standard error) ` +
        `or register one with registerKl(${p.family}, ${q.family}, fn)`,
    );
  }
  return fn(p, q);
}
