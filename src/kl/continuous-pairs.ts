/**
 * Closed forms KL(p ‖ q) = ∫ p log(p/q) for the univariate continuous families, same family and
 * cross-family. Every function broadcasts the two batch shapes (NumPy rules), returns a `number`
 * for a scalar batch, +Infinity where q's support does not contain p's, and clamps round-off
 * below zero to 0 (KL ≥ 0).
 *
 * Sources: PyTorch `torch/distributions/kl.py` (the list of pairs and most formulas), TensorFlow
 * Probability (`weibull.py`: Weibull‖Weibull; the expm1/log1p arrangements), Chyzak & Nielsen
 * (2019, arXiv:1905.10965: Cauchy‖Cauchy), Nalisnick & Smyth (2017, arXiv:1605.06197:
 * Kumaraswamy‖Beta). Cross-family forms are all KL = −H(p) − E_p[log q] with p's moments; they
 * were re-derived here and are stated at each function.
 */
import { expm1MinusX } from "../core/numerics.js";
import type { NDArray } from "../core/array.js";
import {
  EULER_GAMMA,
  digamma,
  erf,
  hurwitzZeta,
  langevinPrime,
  lbeta,
  lgamma,
  log1mexp,
} from "../core/special.js";
import { mapPair } from "../distributions/base.js";
import type { Normal } from "../distributions/normal.js";
import type { LogNormal } from "../distributions/log-normal.js";
import type { HalfNormal } from "../distributions/half-normal.js";
import type { Laplace } from "../distributions/laplace.js";
import type { Cauchy } from "../distributions/cauchy.js";
import type { Gumbel } from "../distributions/gumbel.js";
import type { Uniform } from "../distributions/uniform.js";
import type { Exponential } from "../distributions/exponential.js";
import type { Gamma } from "../distributions/gamma.js";
import type { Beta } from "../distributions/beta.js";
import type { Pareto } from "../distributions/pareto.js";
import type { Weibull } from "../distributions/weibull.js";
import type { Kumaraswamy } from "../distributions/kumaraswamy.js";
import { cbLogNormalizer, cbMean, type ContinuousBernoulli } from "../distributions/continuous-bernoulli.js";
import { stirlerr } from "../distributions/binomial.js";
import { psiMinusLog } from "../distributions/dirichlet.js";

type Batched = { readonly batchShape: readonly number[] };

const LOG_2PI = Math.log(2 * Math.PI);

/** Evaluates f over the broadcast batch, clamping negative round-off to 0 (NaN and ±Infinity pass). */
function each(p: Batched, q: Batched, f: (i: number, j: number) => number): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const v = f(i, j);
    return v < 0 ? 0 : v;
  });
}

/**
 * ½ log(2πσ²) + (s² + δ²)/(2σ²): −E[log N(x; μ, σ²)] for x with mean μ + δ and standard
 * deviation s (the caller forms δ = E[x] − μ from differences of nearby numbers first; ratios are
 * formed before squaring, so scales like 1e200 do not overflow).
 */
function normalCrossEntropy(delta: number, s: number, sigma: number): number {
  const r = s / sigma;
  const z = delta / sigma;
  return 0.5 * LOG_2PI + Math.log(sigma) + 0.5 * (r * r + z * z);
}

/** log(a/b) for a, b > 0, also when a/b overflows or underflows. */
function logRatio(a: number, b: number): number {
  const r = a / b;
  return r >= 2.2250738585072014e-308 && r < Infinity ? Math.log(r) : Math.log(a) - Math.log(b);
}

/**
 * D(x, x + h) = log Γ(x + h) − log Γ(x) − h ψ(x) ≥ 0 (the Bregman divergence of log Γ), for x > 0,
 * x + h > 0. For |h| ≤ x/8 by its Taylor series Σ_{k≥2} (−h)^k ζ(k, x)/k (ψ^{(k−1)}(x) =
 * (−1)^k (k − 1)! ζ(k, x), DLMF 5.15.1), which keeps full relative accuracy as h → 0 (the direct
 * difference loses all digits there); directly otherwise.
 * @example lgammaBregman(2, 1e-5); // ≈ ½ ψ′(2) 1e-10 = 3.2247e-11
 */
export function lgammaBregman(x: number, h: number): number {
  if (h === 0) return 0;
  if (!(Math.abs(h) <= x / 8)) return lgamma(x + h) - lgamma(x) - h * digamma(x);
  let sum = 0;
  let pow = -h; // (−h)^(k−1)
  for (let k = 2; k < 60; k++) {
    pow *= -h;
    const t = (pow * hurwitzZeta(k, x)) / k;
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * KL(Beta(ap, bp) ‖ Beta(aq, bq)) = D(ap, aq) + D(bp, bq) − D(ap + bp, aq + bq) with D the
 * Bregman divergence of log Γ ({@link lgammaBregman}): used when every parameter moves by at most
 * 1/8 of itself, where it keeps the digits the lbeta/digamma form loses (q's differences taken
 * from the parameters, not from the rounded sums).
 */
function betaKlNear(ap: number, bp: number, aq: number, bq: number): number {
  const ha = aq - ap;
  const hb = bq - bp;
  return lgammaBregman(ap, ha) + lgammaBregman(bp, hb) - lgammaBregman(ap + bp, ha + hb);
}

/** True when |y − x| ≤ x/8 (both positive): the parameters of a "near" pair. */
function near(x: number, y: number): boolean {
  return Math.abs(y - x) <= x / 8;
}

/**
 * E[log X] for X uniform on [l, h] with 0 ≤ l < h: (h log h − l log l)/(h − l) − 1, written as
 * log h − 1 + (1 − t)(−log1p(−t))/t with t = (h − l)/h, so narrow intervals do not cancel.
 */
function meanLogUniform(l: number, h: number): number {
  if (l === 0) return Math.log(h) - 1;
  const t = (h - l) / h;
  // wide intervals (l/h < ½): (l/h) log(h/l)/t, which stays finite when t rounds to 1
  if (t > 0.5) return Math.log(h) - 1 + ((l / h) * logRatio(h, l)) / t;
  return Math.log(h) - 1 + ((1 - t) * -Math.log1p(-t)) / t;
}

// ── Entropies and moments of p, per batch element ──────────────────────────────────────────

function betaEntropy(a: number, b: number): number {
  if (Math.max(a, b) >= 10) {
    // Stirling form (as the Dirichlet entropy, K = 2): the O(a log a) terms cancel exactly
    const t = a + b;
    return (
      -1.5 * Math.log(t) +
      0.5 * LOG_2PI -
      stirlerr(t) +
      (t - 2) * psiMinusLog(t) +
      0.5 * Math.log(a) +
      stirlerr(a) -
      (a - 1) * psiMinusLog(a) +
      0.5 * Math.log(b) +
      stirlerr(b) -
      (b - 1) * psiMinusLog(b)
    );
  }
  return lbeta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b);
}

function cbEntropy(eta: number): number {
  return cbLogNormalizer(eta) - eta * cbMean(eta);
}

function cbVariance(eta: number): number {
  return 0.25 * langevinPrime(0.5 * eta);
}

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
const GL8_X = [0.019855071751231884, 0.10166676129318664, 0.2372337950418355, 0.4082826787521751];
const GL8_W = [0.05061426814518813, 0.11119051722668724, 0.15685332293894363, 0.181341891689181];

/**
 * [A(η + h) − A(η) − h A′(η)]/h² = ∫₀¹ (1 − s) A″(η + sh) ds for the continuous-Bernoulli log
 * normaliser A (A″ = the variance, analytic within 2π of the real axis), by 8-point
 * Gauss–Legendre: for |h| ≤ 1 exact to rounding, and free of the cancellation of the difference.
 */
function bregmanOfA(eta: number, h: number): number {
  let s = 0;
  for (let k = 0; k < 4; k++) {
    const x = GL8_X[k];
    s += GL8_W[k] * ((1 - x) * cbVariance(eta + x * h) + x * cbVariance(eta + (1 - x) * h));
  }
  return s;
}

// ── Cross family: p Beta ────────────────────────────────────────────────────────────────────

/**
 * KL(Beta(α, β) ‖ CB(λ)) = −H(p) − η E_p[x] + A(η), η = logit λ, E_p[x] = α/(α + β) (PyTorch).
 * @example klBetaContinuousBernoulli(new Beta(1, 1), new ContinuousBernoulli(0.5)); // 0
 */
export function klBetaContinuousBernoulli(p: Beta, q: ContinuousBernoulli): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const eta = q.logits[j];
    return -betaEntropy(a, b) - (eta * a) / (a + b) + cbLogNormalizer(eta);
  });
}

/**
 * KL(Beta(α, β) ‖ Exp(λ)) = −H(p) − log λ + λ α/(α + β) (PyTorch).
 * @example klBetaExponential(new Beta(1, 1), new Exponential(1)); // 0.5
 */
export function klBetaExponential(p: Beta, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    return -betaEntropy(a, b) - Math.log(q.rate[j]) + (q.rate[j] * a) / (a + b);
  });
}

/**
 * KL(Beta(a, b) ‖ Gamma(α, β)) = −H(p) + log Γ(α) − α log β − (α − 1)(ψ(a) − ψ(a + b)) + β a/(a + b)
 * (PyTorch; E_p[log x] = ψ(a) − ψ(a + b)).
 * @example klBetaGamma(new Beta(1, 1), new Gamma(1, 1)); // 0.5
 */
export function klBetaGamma(p: Beta, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const al = q.concentration[j];
    const be = q.rate[j];
    const meanLog = digamma(a) - digamma(a + b);
    return -betaEntropy(a, b) + lgamma(al) - al * Math.log(be) - (al - 1) * meanLog + (be * a) / (a + b);
  });
}

/**
 * KL(Beta(a, b) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var_p + (E_p − μ)²)/(2σ²) (PyTorch).
 * @example klBetaNormal(new Beta(1, 1), new Normal(0.5, 1)); // ½ log 2π + 1/24
 */
export function klBetaNormal(p: Beta, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const s = a + b;
    const m = a / s;
    const v = ((a / s) * (b / s)) / (s + 1);
    return -betaEntropy(a, b) + normalCrossEntropy(m - q.loc[j], Math.sqrt(v), q.scale[j]);
  });
}

/**
 * KL(Beta(a, b) ‖ Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +Infinity (PyTorch).
 * @example klBetaUniform(new Beta(1, 1), new Uniform(0, 2)); // log 2
 */
export function klBetaUniform(p: Beta, q: Uniform): number | NDArray {
  return each(p, q, (i, j) => {
    if (q.low[j] > 0 || q.high[j] < 1) return Infinity;
    return -betaEntropy(p.concentration1[i], p.concentration0[i]) + Math.log(q.high[j] - q.low[j]);
  });
}

// ── Cross family: p ContinuousBernoulli ─────────────────────────────────────────────────────

/**
 * KL(CB(λ) ‖ Exp(r)) = −H(p) − log r + r E_p[x] (PyTorch).
 * @example klContinuousBernoulliExponential(new ContinuousBernoulli(0.5), new Exponential(1)); // 0.5
 */
export function klContinuousBernoulliExponential(p: ContinuousBernoulli, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const eta = p.logits[i];
    return -cbEntropy(eta) - Math.log(q.rate[j]) + q.rate[j] * cbMean(eta);
  });
}

/**
 * KL(CB(λ) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var_p + (E_p − μ)²)/(2σ²) (PyTorch).
 * @example klContinuousBernoulliNormal(new ContinuousBernoulli(0.5), new Normal(0.5, 1)); // ½ log 2π + 1/24
 */
export function klContinuousBernoulliNormal(p: ContinuousBernoulli, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const eta = p.logits[i];
    return (
      -cbEntropy(eta) + normalCrossEntropy(cbMean(eta) - q.loc[j], Math.sqrt(cbVariance(eta)), q.scale[j])
    );
  });
}

/**
 * KL(CB(λ) ‖ Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +Infinity.
 * (PyTorch's support test, `q.low ≥ 0 or q.high ≤ 1 → ∞`, also sends Uniform(0, 1) and the like to
 * +Infinity; this is the exact condition.)
 * @example klContinuousBernoulliUniform(new ContinuousBernoulli(0.5), new Uniform(0, 1)); // 0
 */
export function klContinuousBernoulliUniform(p: ContinuousBernoulli, q: Uniform): number | NDArray {
  return each(p, q, (i, j) => {
    if (q.low[j] > 0 || q.high[j] < 1) return Infinity;
    return -cbEntropy(p.logits[i]) + Math.log(q.high[j] - q.low[j]);
  });
}

// ── Cross family: p Exponential ─────────────────────────────────────────────────────────────

/**
 * KL(Exp(λ) ‖ Gamma(α, β)) = −α log ρ + ρ + log Γ(α) + αγ − (1 + γ), ρ = β/λ (PyTorch;
 * E_p[log x] = −γ − log λ).
 * @example klExponentialGamma(new Exponential(1), new Gamma(1, 1)); // 0
 */
export function klExponentialGamma(p: Exponential, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = q.concentration[j];
    const d = Math.log(q.rate[j] / p.rate[i]);
    // −a d + e^d − 1 + lgamma(a) + γ(a − 1) = (e^d − 1 − d) + (1 − a)d + [lgamma(a) + γ(a − 1)]
    return expm1MinusX(d) + (1 - a) * d + lgamma(a) + EULER_GAMMA * (a - 1);
  });
}

/**
 * KL(Exp(λ) ‖ Gumbel(μ, β)) = log(λβ) − 1 + 1/(λβ) − μ/β + e^{μ/β} λβ/(λβ + 1) (PyTorch;
 * E_p[e^{−x/β}] = λβ/(λβ + 1)).
 * @example klExponentialGumbel(new Exponential(1), new Gumbel(0, 1)); // 0.5
 */
export function klExponentialGumbel(p: Exponential, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const srp = p.rate[i] * q.scale[j];
    const lsr = q.loc[j] / q.scale[j];
    return Math.log(srp) - 1 + 1 / srp - lsr + Math.exp(lsr - Math.log1p(1 / srp));
  });
}

/**
 * KL(Exp(λ) ‖ N(μ, σ²)) = log λ − 1 + ½ log(2πσ²) + (1/λ² + (1/λ − μ)²)/(2σ²) (PyTorch, in
 * variance-plus-bias form).
 * @example klExponentialNormal(new Exponential(1), new Normal(1, 1)); // ½ log 2π − ½
 */
export function klExponentialNormal(p: Exponential, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.rate[i];
    return Math.log(l) - 1 + normalCrossEntropy(1 / l - q.loc[j], 1 / l, q.scale[j]);
  });
}

// ── Cross family: p Gamma ───────────────────────────────────────────────────────────────────

/**
 * KL(Gamma(α, β) ‖ Exp(λ)) = −H(p) − log λ + λα/β (PyTorch), i.e. KL(Gamma(α, β) ‖ Gamma(1, λ)),
 * evaluated in the form of {@link klGammaGamma}: D(α, 1) + α(e^d − 1 − d) + (α − 1)d with
 * d = log(λ/β) and D the Bregman divergence of log Γ (accurate when p is nearly exponential).
 * @example klGammaExponential(new Gamma(1, 1), new Exponential(1)); // 0
 */
export function klGammaExponential(p: Gamma, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const d = logRatio(q.rate[j], p.rate[i]);
    return lgammaBregman(a, 1 - a) + a * expm1MinusX(d) + (a - 1) * d;
  });
}

/**
 * KL(Gamma(α, β) ‖ Gumbel(μ, s)) = (α − 1)ψ(α) − log Γ(α) − α + log(βs) + α/(βs) − μ/s
 * + e^{μ/s}(1 + 1/(βs))^{−α} (PyTorch; E_p[e^{−x/s}] = (1 + 1/(βs))^{−α}).
 * @example klGammaGumbel(new Gamma(1, 1), new Gumbel(0, 1)); // 0.5
 */
export function klGammaGumbel(p: Gamma, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const bs = p.rate[i] * q.scale[j];
    const lsr = q.loc[j] / q.scale[j];
    const t1 = (a - 1) * digamma(a) - lgamma(a) - a;
    return t1 + Math.log(bs) + a / bs - lsr + Math.exp(lsr - a * Math.log1p(1 / bs));
  });
}

/**
 * KL(Gamma(α, β) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (α/β² + (α/β − μ)²)/(2σ²) (PyTorch), arranged
 * with Stirling's series as ½(ρ² − 1 − log ρ²) + ((α/β − μ)/σ)²/2 − [S(α) + (1 − α)(ψ(α) − log α) − ½],
 * ρ = √α/(βσ), S(α) = log Γ(α) − (α − ½) log α + α − ½ log 2π: no cancellation of terms of the size
 * of log σ, so a Gamma close to the normal (large α) keeps its digits.
 * @example klGammaNormal(new Gamma(1, 1), new Normal(1, 1)); // ½ log 2π − ½
 */
export function klGammaNormal(p: Gamma, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const b = p.rate[i];
    const sigma = q.scale[j];
    const sd = Math.sqrt(a) / b;
    const lr =
      sd > 0 && sd < Infinity ? logRatio(sd, sigma) : 0.5 * Math.log(a) - Math.log(b) - Math.log(sigma);
    const z = (a / b - q.loc[j]) / sigma;
    // H(p) = ½ log(2πa/β²) + S(a) + (1 − a) r(a), S = stirlerr, r(a) = ψ(a) − log a; with
    // c = S(a) + (1 − a) r(a) − ½ = O(1/a) nothing of the size of log σ cancels
    const c = stirlerr(a) + (1 - a) * psiMinusLog(a) - 0.5;
    return 0.5 * expm1MinusX(2 * lr) + 0.5 * z * z - c;
  });
}

// ── Cross family: p Gumbel, Laplace, Normal ─────────────────────────────────────────────────

/**
 * KL(Gumbel(μ, β) ‖ N(m, σ²)) = −(log β + γ + 1) + ½ log(2πσ²) + (π²β²/6 + (μ + γβ − m)²)/(2σ²)
 * (PyTorch ≥ 1.8 form).
 * @example klGumbelNormal(new Gumbel(0, 1), new Normal(0.5772156649015329, 1)); // ½ log 2π − γ − 1 + π²/12
 */
export function klGumbelNormal(p: Gumbel, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const b = p.scale[i];
    const h = Math.log(b) + EULER_GAMMA + 1;
    return (
      -h + normalCrossEntropy(p.loc[i] - q.loc[j] + EULER_GAMMA * b, (Math.PI / Math.sqrt(6)) * b, q.scale[j])
    );
  });
}

/**
 * KL(Laplace(μ, b) ‖ N(m, σ²)) = −(1 + log 2b) + ½ log(2πσ²) + (2b² + (μ − m)²)/(2σ²) (PyTorch).
 * @example klLaplaceNormal(new Laplace(0, 1), new Normal(0, 1)); // ½ log 2π − log 2
 */
export function klLaplaceNormal(p: Laplace, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const b = p.scale[i];
    return -(1 + Math.log(2 * b)) + normalCrossEntropy(p.loc[i] - q.loc[j], Math.SQRT2 * b, q.scale[j]);
  });
}

/**
 * KL(N(m, σ²) ‖ Gumbel(μ, β)) = −½ log(2πeσ²) + log β + (m − μ)/β + exp((μ − m)/β + σ²/(2β²))
 * (PyTorch; E_p[e^{−x/β}] from the normal's moment generating function).
 * @example klNormalGumbel(new Normal(0, 1), new Gumbel(0, 1)); // e^{1/2} − ½ log 2πe
 */
export function klNormalGumbel(p: Normal, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const s = p.scale[i];
    const b = q.scale[j];
    const r = s / b;
    const z = (p.loc[i] - q.loc[j]) / b;
    return -0.5 * (1 + LOG_2PI) - Math.log(r) + z + Math.exp(-z + 0.5 * r * r);
  });
}

/**
 * KL(N(m, σ²) ‖ Laplace(μ, b)) = −½ log(2πeσ²) + log 2b + E|x − μ|/b, with the folded-normal mean
 * E|x − μ| = σ√(2/π) e^{−δ²/(2σ²)} + δ erf(δ/(σ√2)), δ = m − μ (PyTorch ≥ 1.8 form).
 * @example klNormalLaplace(new Normal(0, 1), new Laplace(0, 1)); // log 2 + √(2/π) − ½ log 2πe
 */
export function klNormalLaplace(p: Normal, q: Laplace): number | NDArray {
  return each(p, q, (i, j) => {
    const s = p.scale[i];
    const b = q.scale[j];
    const delta = p.loc[i] - q.loc[j];
    const u = delta / s;
    const absMean = s * Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * u * u) + delta * erf(u / Math.SQRT2);
    return -0.5 * (1 + LOG_2PI) - Math.log(s / b) + Math.LN2 + absMean / b;
  });
}

// ── Cross family: p Pareto ──────────────────────────────────────────────────────────────────

function paretoEntropy(s: number, a: number): number {
  return Math.log(s / a) + 1 + 1 / a;
}

/**
 * KL(Pareto(s, α) ‖ Exp(λ)) = log(α/(sλ)) − 1/α − 1 + λαs/(α − 1) for α > 1, +Infinity for α ≤ 1
 * (p has no mean) (PyTorch).
 * @example klParetoExponential(new Pareto(1, 2), new Exponential(1)); // log 2 + ½
 */
export function klParetoExponential(p: Pareto, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 1) return Infinity;
    const s = p.scale[i];
    const l = q.rate[j];
    return -paretoEntropy(s, a) - Math.log(l) + (l * a * s) / (a - 1);
  });
}

/**
 * KL(Pareto(s, α) ‖ Gamma(a, β)) = −H(p) − a log β + log Γ(a) − (a − 1)(log s + 1/α) + βαs/(α − 1)
 * for α > 1, +Infinity for α ≤ 1 (PyTorch; E_p[log x] = log s + 1/α).
 * @example klParetoGamma(new Pareto(1, 2), new Gamma(1, 1)); // log 2 + ½
 */
export function klParetoGamma(p: Pareto, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 1) return Infinity;
    const s = p.scale[i];
    const ga = q.concentration[j];
    const gb = q.rate[j];
    const meanLog = Math.log(s) + 1 / a;
    return (
      -paretoEntropy(s, a) - ga * Math.log(gb) + lgamma(ga) - (ga - 1) * meanLog + (gb * a * s) / (a - 1)
    );
  });
}

/**
 * KL(Pareto(s, α) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var_p + (E_p − μ)²)/(2σ²) for α > 2,
 * +Infinity for α ≤ 2 (p has no variance) (PyTorch).
 * @example klParetoNormal(new Pareto(1, 3), new Normal(1.5, 1)); // finite
 */
export function klParetoNormal(p: Pareto, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 2) return Infinity;
    const s = p.scale[i];
    const m = (a * s) / (a - 1);
    const sd = (s * Math.sqrt(a / (a - 2))) / (a - 1);
    return -paretoEntropy(s, a) + normalCrossEntropy(m - q.loc[j], sd, q.scale[j]);
  });
}

// ── Cross family: p Uniform ─────────────────────────────────────────────────────────────────

/**
 * KL(Uniform(l, h) ‖ Beta(α, β)) = −log(h − l) + log B(α, β) − (α − 1)E[log x] − (β − 1)E[log(1 − x)]
 * when [l, h] ⊆ [0, 1], else +Infinity (PyTorch; the uniform's log moments in cancellation-free form).
 * For Uniform(0, 1) = Beta(1, 1) against a nearly uniform Beta, the Beta‖Beta form of
 * {@link klBetaBeta} (Bregman divergences of log Γ), which keeps the digits of nearly equal laws.
 * @example klUniformBeta(new Uniform(0, 1), new Beta(1, 1)); // 0
 */
export function klUniformBeta(p: Uniform, q: Beta): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0 || h > 1) return Infinity;
    const a = q.concentration1[j];
    const b = q.concentration0[j];
    // Uniform(0, 1) is Beta(1, 1): the Beta-Beta form keeps the digits when q is nearly uniform
    if (l === 0 && h === 1 && near(1, a) && near(1, b)) return betaKlNear(1, 1, a, b);
    const t1 = a === 1 ? 0 : (a - 1) * meanLogUniform(l, h);
    const t0 = b === 1 ? 0 : (b - 1) * meanLogUniform(1 - h, 1 - l);
    return -Math.log(h - l) + lbeta(a, b) - t1 - t0;
  });
}

/**
 * KL(Uniform(l, h) ‖ CB(λ)) = −log(h − l) − η(l + h)/2 + A(η) when [l, h] ⊆ [0, 1], else +Infinity.
 * (PyTorch's support test, `p.high ≥ 1 or p.low ≤ 0 → ∞`, also excludes e.g. Uniform(0, 1); this
 * is the exact condition.)
 * @example klUniformContinuousBernoulli(new Uniform(0, 1), new ContinuousBernoulli(0.5)); // 0
 */
export function klUniformContinuousBernoulli(p: Uniform, q: ContinuousBernoulli): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0 || h > 1) return Infinity;
    const eta = q.logits[j];
    return -Math.log(h - l) - eta * (0.5 * l + 0.5 * h) + cbLogNormalizer(eta);
  });
}

/**
 * KL(Uniform(l, h) ‖ Exp(λ)) = λ(l + h)/2 − log((h − l)λ) when l ≥ 0, else +Infinity (PyTorch).
 * @example klUniformExponential(new Uniform(0, 1), new Exponential(1)); // 0.5
 */
export function klUniformExponential(p: Uniform, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0) return Infinity;
    return q.rate[j] * (0.5 * l + 0.5 * h) - Math.log((h - l) * q.rate[j]);
  });
}

/**
 * KL(Uniform(l, h) ‖ Gamma(α, β)) = −log(h − l) + log Γ(α) − α log β − (α − 1)E[log x] + β(l + h)/2
 * when l ≥ 0, else +Infinity (PyTorch).
 * @example klUniformGamma(new Uniform(0, 1), new Gamma(1, 1)); // 0.5
 */
export function klUniformGamma(p: Uniform, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0) return Infinity;
    const a = q.concentration[j];
    const b = q.rate[j];
    const t = a === 1 ? 0 : (a - 1) * meanLogUniform(l, h);
    return -Math.log(h - l) + lgamma(a) - a * Math.log(b) - t + b * (0.5 * l + 0.5 * h);
  });
}

/**
 * KL(Uniform(l, h) ‖ Gumbel(μ, β)) = log(β/(h − l)) + ½(u_h + u_l) + (β/(h − l))(e^{−u_l} − e^{−u_h}),
 * u = (x − μ)/β (PyTorch), the last difference as e^{−u_l}·(−expm1(−(h − l)/β)).
 * @example klUniformGumbel(new Uniform(0, 1), new Gumbel(0, 1)); // 0.5 + (1 − 1/e)
 */
export function klUniformGumbel(p: Uniform, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    const b = q.scale[j];
    const w = h - l;
    const ul = (l - q.loc[j]) / b;
    const uh = (h - q.loc[j]) / b;
    return Math.log(b / w) + 0.5 * (uh + ul) + (b / w) * Math.exp(-ul) * -Math.expm1(-w / b);
  });
}

/**
 * KL(Uniform(l, h) ‖ N(μ, σ²)) = −log(h − l) + ½ log(2πσ²) + ((h − l)²/12 + ((l + h)/2 − μ)²)/(2σ²)
 * (PyTorch).
 * @example klUniformNormal(new Uniform(0, 1), new Normal(0.5, 1)); // ½ log 2π + 1/24
 */
export function klUniformNormal(p: Uniform, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const w = p.high[i] - p.low[i];
    return (
      -Math.log(w) +
      normalCrossEntropy(
        0.5 * (p.low[i] - q.loc[j]) + 0.5 * (p.high[i] - q.loc[j]),
        w / Math.sqrt(12),
        q.scale[j],
      )
    );
  });
}

/**
 * KL(Uniform(l, h) ‖ Pareto(s, α)) = −log(h − l) − log α − α log s + (α + 1)E[log x] when l ≥ s,
 * else +Infinity (PyTorch).
 * @example klUniformPareto(new Uniform(1, 2), new Pareto(1, 1)); // 2(2 log 2 − 1) ≈ 0.7726
 */
export function klUniformPareto(p: Uniform, q: Pareto): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    const s = q.scale[j];
    if (l < s) return Infinity;
    const a = q.alpha[j];
    return -Math.log(h - l) - Math.log(a) - a * Math.log(s) + (a + 1) * meanLogUniform(l, h);
  });
}

// ── TFP / NumPyro extras ────────────────────────────────────────────────────────────────────

/**
 * KL(Weibull(λ, k) ‖ Gamma(α, β)) = log k + log Γ(α) − α log(λβ) + γ(α/k − 1) − 1 + βλ Γ(1 + 1/k)
 * (−H(p) − E_p[log q] with E_p[log x] = log λ − γ/k and E_p[x] = λΓ(1 + 1/k); the form of Fan et al.
 * 2020, "Bayesian attention modules"), arranged as log k + log Γ(α) + (1 − α)u + γ(α/k − 1)
 * + log Γ(1 + 1/k) + (e^w − 1 − w) with u = log(λβ), w = u + log Γ(1 + 1/k), so that nothing of
 * order 1 cancels when p is close to q (k ≈ 1, α ≈ 1, λβ ≈ 1).
 * @example klWeibullGamma(new Weibull(1, 1), new Gamma(1, 1)); // 0
 */
export function klWeibullGamma(p: Weibull, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const lam = p.scale[i];
    const k = p.concentration[i];
    const a = q.concentration[j];
    const b = q.rate[j];
    const lb = lam * b;
    const u = lb >= 2.2250738585072014e-308 && lb < Infinity ? Math.log(lb) : Math.log(lam) + Math.log(b);
    // log Γ(1 + 1/k) = log Γ(2 + w) = (1 − γ)w + D(2, w), w = (1 − k)/k: 1 + 1/k is never rounded
    const w = (1 - k) / k;
    const g = (1 - EULER_GAMMA) * w + lgammaBregman(2, w);
    return Math.log(k) + lgamma(a) + (1 - a) * u + (EULER_GAMMA * (a - k)) / k + g + expm1MinusX(u + g);
  });
}

/**
 * E[log(1 − X)] for X ~ Kumaraswamy(a, b), by tanh-sinh quadrature of
 * ∫₀¹ log(1 − (1 − u^{1/b})^{1/a}) du (X by inverse CDF of a uniform u). The integrand is
 * evaluated in logs: with L = log(u)/b, z = −log(1 − e^L)/a = −log X, it is log(1 − e^{−z}),
 * where log z = log(−log(1 − e^L)) − log a uses L + e^L/2 for L < −20 and log z − z/2 + z²/24 for
 * z < 1e-5 (so nothing underflows to log 0), and log u comes straight from the node formula; both
 * endpoint singularities are resolved. Levels are halved until two agree to ~1e-15.
 * (Nalisnick & Smyth write this as the series −b Σ_{m≥1} B(m/a, b)/(m + ab), which converges like
 * m^{−b−1} — too slowly to truncate for small b.)
 */
export function kumaraswamyMeanLog1m(a: number, b: number): number {
  const logA = Math.log(a);
  const f = (logU: number): number => {
    const L = logU / b;
    const logZ = (L < -20 ? L + 0.5 * Math.exp(L) : Math.log(-log1mexp(L))) - logA;
    const z = Math.exp(logZ);
    return z < 1e-5 ? logZ - z / 2 + (z * z) / 24 : log1mexp(z);
  };
  const tMax = 4.5;
  // node t: s = (π/2) sinh t, u = 1/(1 + e^{−2s}), du/dt = (π/4) cosh t · sech² s
  const term = (t: number): number => {
    const s = 0.5 * Math.PI * Math.sinh(t);
    const e = Math.exp(-2 * Math.abs(s));
    const logU = s >= 0 ? -Math.log1p(e) : 2 * s - Math.log1p(e);
    const sech2 = (4 * e) / ((1 + e) * (1 + e));
    const w = 0.25 * Math.PI * Math.cosh(t) * sech2;
    if (w === 0) return 0;
    return w * f(logU);
  };
  let h = 0.5;
  let sum = term(0);
  for (let k = 1; k * h <= tMax; k++) sum += term(k * h) + term(-k * h);
  let estimate = sum * h;
  for (let level = 0; level < 10; level++) {
    h /= 2;
    for (let k = 1; k * h <= tMax; k += 2) sum += term(k * h) + term(-k * h);
    const next = sum * h;
    if (Math.abs(next - estimate) <= 1e-15 * Math.abs(next)) return next;
    estimate = next;
  }
  return estimate;
}

/**
 * KL(Kumaraswamy(a, b) ‖ Beta(α, β)) for nearly equal laws, as ∫₀¹ φ(log q(x) − log p(x)) du with
 * φ(t) = e^t − 1 − t ≥ 0 and x = F_p⁻¹(u) (valid since both are densities on [0, 1]; a sum of
 * non-negative terms, so no digit is lost however small the result). With L = log(1 − u)/b =
 * log(1 − x^a): log q − log p = (α − a) log x + (β − 1) log(1 − x) − (b − 1)L − log B(α, β) − log(ab),
 * log x = log(1 − e^L)/a. Tanh-sinh quadrature in u as in {@link kumaraswamyMeanLog1m}.
 */
function kumaraswamyBetaSmall(a: number, b: number, al: number, be: number): number {
  const c = -lbeta(al, be) - Math.log(a) - Math.log(b);
  const f = (log1mU: number): number => {
    const L = log1mU / b;
    const logX = log1mexp(L) / a;
    // 1 − x ≈ e^L/a once e^L underflows next to 1
    const log1mX = L < -700 ? L - Math.log(a) : log1mexp(logX);
    const delta = (al - a) * logX + (be === 1 ? 0 : (be - 1) * log1mX) - (b - 1) * L + c;
    return expm1MinusX(delta);
  };
  // node t: s = (π/2) sinh t, u = 1/(1 + e^{−2s}), 1 − u = 1/(1 + e^{2s})
  const term = (t: number): number => {
    const s = 0.5 * Math.PI * Math.sinh(t);
    const e = Math.exp(-2 * Math.abs(s));
    const log1mU = s >= 0 ? -2 * s - Math.log1p(e) : -Math.log1p(e);
    const w = 0.25 * Math.PI * Math.cosh(t) * ((4 * e) / ((1 + e) * (1 + e)));
    return w === 0 || log1mU === 0 ? 0 : w * f(log1mU);
  };
  const tMax = 4.5;
  let h = 0.5;
  let sum = term(0);
  for (let k = 1; k * h <= tMax; k++) sum += term(k * h) + term(-k * h);
  let estimate = sum * h;
  for (let level = 0; level < 10; level++) {
    h /= 2;
    for (let k = 1; k * h <= tMax; k += 2) sum += term(k * h) + term(-k * h);
    const next = sum * h;
    if (Math.abs(next - estimate) <= 1e-14 * Math.abs(next)) return next;
    estimate = next;
  }
  return estimate;
}

/**
 * KL(Kumaraswamy(a, b) ‖ Beta(α, β)) = (a − α)/a · (−γ − ψ(b) − 1/b) + log(ab) + log B(α, β)
 * − (b − 1)/b − (β − 1) E_p[log(1 − x)] (Nalisnick & Smyth 2017, eq. in appendix; NumPyro's
 * registered pair truncates the series for E_p[log(1 − x)] — here it is integrated to full accuracy,
 * see {@link kumaraswamyMeanLog1m}). Results below 1e-4 (nearly equal laws, where that sum of terms of
 * order 1 cancels) are recomputed as the integral of a non-negative function ({@link kumaraswamyBetaSmall}).
 * @example klKumaraswamyBeta(new Kumaraswamy(1, 1), new Beta(1, 1)); // 0
 */
export function klKumaraswamyBeta(p: Kumaraswamy, q: Beta): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const al = q.concentration1[j];
    const be = q.concentration0[j];
    const meanLog = -(EULER_GAMMA + digamma(b + 1)) / a; // E_p[log x]
    const negEntropy = Math.log(a) + Math.log(b) + (a - 1) * meanLog - (b - 1) / b;
    const t0 = be === 1 ? 0 : (be - 1) * kumaraswamyMeanLog1m(a, b);
    const v = negEntropy + lbeta(al, be) - (al - 1) * meanLog - t0;
    // a small value is the difference of terms of order 1: integrate the non-negative form instead
    return v < 1e-4 ? kumaraswamyBetaSmall(a, b, al, be) : v;
  });
}
