import { expm1MinusX } from "../../core/numerics.js";
import type { NDArray } from "../../core/array.js";
import { EULER_GAMMA, digamma, lbeta, lgamma } from "../../core/special.js";
import type { LogNormal } from "../../distributions/log-normal.js";
import type { HalfNormal } from "../../distributions/half-normal.js";
import type { Laplace } from "../../distributions/laplace.js";
import type { Cauchy } from "../../distributions/cauchy.js";
import type { Gumbel } from "../../distributions/gumbel.js";
import type { Uniform } from "../../distributions/uniform.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import type { Beta } from "../../distributions/beta.js";
import type { Pareto } from "../../distributions/pareto.js";
import type { Weibull } from "../../distributions/weibull.js";
import {
  cbLogNormalizer,
  cbMean,
  type ContinuousBernoulli,
} from "../../distributions/continuous-bernoulli.js";
import { cbVariance } from "./moments.js";
import { betaKlNear, each, lgammaBregman, logRatio, near } from "./shared.js";

// ── Same family ─────────────────────────────────────────────────────────────────────────────

/**
 * KL(LogNormal(μp, σp) ‖ LogNormal(μq, σq)) = KL(N(μp, σp²) ‖ N(μq, σq²)) (KL is invariant under
 * the bijection exp): ½[(e^{2d} − 1 − 2d) + ((μp − μq)/σq)²] with d = log(σp/σq).
 * @example klLogNormalLogNormal(new LogNormal(0, 1), new LogNormal(1, 1)); // 0.5
 */
export function klLogNormalLogNormal(p: LogNormal, q: LogNormal): number | NDArray {
  return each(p, q, (i, j) => {
    const d = logRatio(p.scale[i], q.scale[j]);
    const z = (p.loc[i] - q.loc[j]) / q.scale[j];
    return 0.5 * (expm1MinusX(2 * d) + z * z);
  });
}

/**
 * KL(HalfNormal(σp) ‖ HalfNormal(σq)) = KL(N(0, σp²) ‖ N(0, σq²)) = ½(e^{2d} − 1 − 2d),
 * d = log(σp/σq) (PyTorch: through the base normals).
 * @example klHalfNormalHalfNormal(new HalfNormal(1), new HalfNormal(2)); // 0.3181471805599453
 */
export function klHalfNormalHalfNormal(p: HalfNormal, q: HalfNormal): number | NDArray {
  return each(p, q, (i, j) => 0.5 * expm1MinusX(2 * logRatio(p.scale[i], q.scale[j])));
}

/**
 * KL(Laplace(μp, bp) ‖ Laplace(μq, bq)) = −log r + δ/bq + r e^{−δ/bp} − 1 with r = bp/bq and
 * δ = |μp − μq| (Gil 2011, PyTorch), arranged as (e^s − 1 − s) + δ(1/bq − 1/bp), s = log r − δ/bp.
 * @example klLaplaceLaplace(new Laplace(0, 1), new Laplace(1, 1)); // 1/e = 0.36787944117144233
 */
export function klLaplaceLaplace(p: Laplace, q: Laplace): number | NDArray {
  return each(p, q, (i, j) => {
    const bp = p.scale[i];
    const bq = q.scale[j];
    const delta = Math.abs(p.loc[i] - q.loc[j]);
    const s = logRatio(bp, bq) - delta / bp;
    return expm1MinusX(s) + delta * (1 / bq - 1 / bp);
  });
}

/**
 * KL(Cauchy(μp, γp) ‖ Cauchy(μq, γq)) = log[((γp + γq)² + (μp − μq)²) / (4γpγq)] (Chyzak & Nielsen
 * 2019), as log1p(((γp − γq)² + (μp − μq)²) / (4γpγq)). Symmetric in p and q.
 * @example klCauchyCauchy(new Cauchy(0, 1), new Cauchy(0, 2)); // log(9/8) = 0.11778303565638346
 */
export function klCauchyCauchy(p: Cauchy, q: Cauchy): number | NDArray {
  return each(p, q, (i, j) => {
    // every length divided by the larger scale first: no overflow or underflow in the squares
    const m = Math.max(p.scale[i], q.scale[j]);
    const ds = (p.scale[i] - q.scale[j]) / m;
    const dm = (p.loc[i] - q.loc[j]) / m;
    return Math.log1p((ds * ds + dm * dm) / (4 * (p.scale[i] / m) * (q.scale[j] / m)));
  });
}

/**
 * KL(Gumbel(μp, βp) ‖ Gumbel(μq, βq)) = −log r + z + γr + e^{lgamma(1+r) − z} − 1 − γ with r = βp/βq,
 * z = (μp − μq)/βq (PyTorch), arranged as (e^w − 1 − w) + [lgamma(r) + γ(r − 1)], w = lgamma(1+r) − z:
 * both brackets are ≥ 0.
 * @example klGumbelGumbel(new Gumbel(0, 1), new Gumbel(1, 1)); // e − 2 = 0.7182818284590451
 */
export function klGumbelGumbel(p: Gumbel, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const r = p.scale[i] / q.scale[j];
    const z = (p.loc[i] - q.loc[j]) / q.scale[j];
    const w = lgamma(1 + r) - z;
    return expm1MinusX(w) + lgamma(r) + EULER_GAMMA * (r - 1);
  });
}

/**
 * KL(Uniform(lp, hp) ‖ Uniform(lq, hq)) = log((hq − lq)/(hp − lp)) when [lp, hp] ⊆ [lq, hq],
 * +Infinity otherwise (PyTorch).
 * @example klUniformUniform(new Uniform(0, 1), new Uniform(0, 2)); // log 2
 */
export function klUniformUniform(p: Uniform, q: Uniform): number | NDArray {
  return each(p, q, (i, j) => {
    if (q.low[j] > p.low[i] || q.high[j] < p.high[i]) return Infinity;
    // log1p of the extra width over p's width: (hq − hp) and (lp − lq) are exact for nested
    // intervals that nearly coincide, where the ratio of the rounded widths would not be
    const wp = p.high[i] - p.low[i];
    const r = (q.high[j] - p.high[i] + (p.low[i] - q.low[j])) / wp;
    return Number.isFinite(r) ? Math.log1p(r) : Math.log(q.high[j] - q.low[j]) - Math.log(wp);
  });
}

/**
 * KL(Exp(λp) ‖ Exp(λq)) = ρ − 1 − log ρ with ρ = λq/λp, as expm1(d) − d, d = log ρ.
 * @example klExponentialExponential(new Exponential(1), new Exponential(2)); // 1 − log 2
 */
export function klExponentialExponential(p: Exponential, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => expm1MinusX(logRatio(q.rate[j], p.rate[i])));
}

/**
 * KL(Gamma(αp, βp) ‖ Gamma(αq, βq)) = (αp − αq)ψ(αp) − log Γ(αp) + log Γ(αq) + αq log(βp/βq)
 * + αp(βq − βp)/βp (PyTorch / TFP), arranged as the three pieces
 * [log Γ(αq) − log Γ(αp) − (αq − αp)ψ(αp)] + αp(e^d − 1 − d) + (αp − αq)d with d = log(βq/βp);
 * the bracket by {@link lgammaBregman}, so nearly equal shapes keep their digits.
 * Also serves Chi2 (a Gamma) on either side.
 * @example klGammaGamma(new Gamma(1, 1), new Gamma(2, 1)); // γ = 0.5772156649015329
 */
export function klGammaGamma(p: Gamma, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const ap = p.concentration[i];
    const aq = q.concentration[j];
    const d = logRatio(q.rate[j], p.rate[i]);
    return lgammaBregman(ap, aq - ap) + ap * expm1MinusX(d) + (ap - aq) * d;
  });
}

/**
 * KL(Beta(αp, βp) ‖ Beta(αq, βq)) = log B(αq, βq) − log B(αp, βp) + (αp − αq)ψ(αp)
 * + (βp − βq)ψ(βp) + (αq − αp + βq − βp)ψ(αp + βp) (PyTorch); when every parameter of q is within
 * 1/8 of p's, the same value as D(αp, αq) + D(βp, βq) − D(αp + βp, αq + βq) with D the Bregman
 * divergence of log Γ ({@link lgammaBregman}), accurate for nearly equal laws.
 * @example klBetaBeta(new Beta(1, 1), new Beta(2, 2)); // 2 − log 6 = 0.2082405307719455
 */
export function klBetaBeta(p: Beta, q: Beta): number | NDArray {
  return each(p, q, (i, j) => {
    const ap = p.concentration1[i];
    const bp = p.concentration0[i];
    const aq = q.concentration1[j];
    const bq = q.concentration0[j];
    if (near(ap, aq) && near(bp, bq)) return betaKlNear(ap, bp, aq, bq);
    return (
      lbeta(aq, bq) -
      lbeta(ap, bp) +
      (ap - aq) * digamma(ap) +
      (bp - bq) * digamma(bp) +
      (aq - ap + bq - bp) * digamma(ap + bp)
    );
  });
}

/**
 * KL(Pareto(sp, αp) ‖ Pareto(sq, αq)) = αq log(sp/sq) − log(αq/αp) + αq/αp − 1 when sp ≥ sq
 * (Gil 2011, PyTorch), +Infinity when sp < sq; the last three terms as expm1(d) − d, d = log(αq/αp).
 * @example klParetoPareto(new Pareto(1, 1), new Pareto(1, 2)); // 1 − log 2
 */
export function klParetoPareto(p: Pareto, q: Pareto): number | NDArray {
  return each(p, q, (i, j) => {
    if (p.scale[i] < q.scale[j]) return Infinity;
    return q.alpha[j] * logRatio(p.scale[i], q.scale[j]) + expm1MinusX(logRatio(q.alpha[j], p.alpha[i]));
  });
}

/**
 * KL(Weibull(λp, kp) ‖ Weibull(λq, kq)) = log(kp/λp^kp) − log(kq/λq^kq) + (kp − kq)(log λp − γ/kp)
 * + (λp/λq)^kq Γ(1 + kq/kp) − 1 (Bauckhage 2013, arXiv:1310.3713; TFP), arranged as
 * (e^w − 1 − w) + [lgamma(t) + γ(t − 1)] with t = kq/kp, w = kq log(λp/λq) + lgamma(1 + t).
 * @example klWeibullWeibull(new Weibull(1, 1), new Weibull(2, 1)); // log 2 − ½
 */
export function klWeibullWeibull(p: Weibull, q: Weibull): number | NDArray {
  return each(p, q, (i, j) => {
    const t = q.concentration[j] / p.concentration[i];
    const w = q.concentration[j] * Math.log(p.scale[i] / q.scale[j]) + lgamma(1 + t);
    return expm1MinusX(w) + lgamma(t) + EULER_GAMMA * (t - 1);
  });
}

/**
 * KL(CB(λp) ‖ CB(λq)) for continuous Bernoullis with natural parameters η = logit λ:
 * (ηp − ηq) E_p[x] − A(ηp) + A(ηq), A(η) = log(expm1(η)/η) (PyTorch's formula in exponential-
 * family form, accurate at λ = ½); for |ηq − ηp| ≤ 1 as the Bregman integral
 * (ηq − ηp)² ∫₀¹ (1 − s) A″(ηp + s(ηq − ηp)) ds, which keeps the digits of nearly equal laws.
 * @example klContinuousBernoulliContinuousBernoulli(new ContinuousBernoulli(0.5), new ContinuousBernoulli(0.5)); // 0
 */
export function klContinuousBernoulliContinuousBernoulli(
  p: ContinuousBernoulli,
  q: ContinuousBernoulli,
): number | NDArray {
  return each(p, q, (i, j) => {
    const ep = p.logits[i];
    const eq = q.logits[j];
    const h = eq - ep;
    if (Math.abs(h) <= 1) return h * h * bregmanOfA(ep, h);
    return (ep - eq) * cbMean(ep) - cbLogNormalizer(ep) + cbLogNormalizer(eq);
  });
}

/** Gauss–Legendre nodes in (0, ½) and weights on [0, 1] (8 points; the other 4 are 1 − x). */
export const GL8_X = [0.019855071751231884, 0.10166676129318664, 0.2372337950418355, 0.4082826787521751];
export const GL8_W = [0.05061426814518813, 0.11119051722668724, 0.15685332293894363, 0.181341891689181];

/**
 * [A(η + h) − A(η) − h A′(η)]/h² = ∫₀¹ (1 − s) A″(η + sh) ds for the continuous-Bernoulli log
 * normaliser A (A″ = the variance, analytic within 2π of the real axis), by 8-point
 * Gauss–Legendre: for |h| ≤ 1 exact to rounding, and free of the cancellation of the difference.
 */
export function bregmanOfA(eta: number, h: number): number {
  let s = 0;
  for (let k = 0; k < 4; k++) {
    const x = GL8_X[k];
    s += GL8_W[k] * ((1 - x) * cbVariance(eta + x * h) + x * cbVariance(eta + (1 - x) * h));
  }
  return s;
}
