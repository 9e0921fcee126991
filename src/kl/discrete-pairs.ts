/**
 * Closed forms KL(p ‖ q) between the discrete families (and the Dirichlet), batched and
 * broadcast. Sources: torch.distributions.kl (Bernoulli, Binomial, Categorical,
 * OneHotCategorical, Dirichlet, Geometric, Poisson, Bernoulli‖Poisson), rewritten in forms that
 * are exact at the edges of the parameter space and free of cancellation:
 *
 * - every two-point or K-point sum is a sum of generalised-KL cells
 *   t(a, b) = a log(a/b) − a + b ≥ 0 (see {@link klCell}), so results are never negative and
 *   nearly equal distributions lose no digits;
 * - 0 · log 0 = 0 on p's side and a cell with b = 0 < a is +Infinity (q has no mass where p has).
 *
 * Pairs whose p has a finite support and for which PyTorch has no closed form (Binomial with
 * different totalCounts, Bernoulli↔Binomial, Bernoulli/Binomial‖Geometric, Binomial‖Poisson)
 * are the exact finite sum Σ_k p(k) log(p(k)/q(k)); support mismatches are +Infinity exactly.
 */
import { CompensatedSum } from "../core/numerics.js";
import { NDArray, broadcastMap, broadcastShapes, result, sizeOf } from "../core/array.js";
import { invalidShape, notImplemented } from "../core/errors.js";
import { mapPair } from "../distributions/base.js";
import { Bernoulli } from "../distributions/bernoulli.js";
import {
  Binomial,
  LOG_EPS_FINE,
  MAX_SUM_TERMS,
  bulkRange,
  klCell,
  stirlerr,
} from "../distributions/binomial.js";
import { Categorical } from "../distributions/categorical.js";
import { Dirichlet, psiMinusLog } from "../distributions/dirichlet.js";
import { Geometric } from "../distributions/geometric.js";
import { OneHotCategorical } from "../distributions/one-hot-categorical.js";
import { Poisson } from "../distributions/poisson.js";
import { lgammaBregman } from "./continuous-pairs.js";

/** The integer-valued families (support a contiguous range of integers). */
export type IntegerFamily = Bernoulli | Binomial | Geometric | Poisson;

/** True for Bernoulli, Binomial, Geometric and Poisson. */
export function isIntegerFamily(d: unknown): d is IntegerFamily {
  return d instanceof Bernoulli || d instanceof Binomial || d instanceof Geometric || d instanceof Poisson;
}

/** The generalised-KL cell t(a, b) = a log(a/b) − a + b ≥ 0 that every sum here is built from. */
export { klCell };

/** KL between two Bernoulli laws given by (p, 1 − p, log p, log(1 − p)) of each side. */
export function klBernoulliParts(
  p1: number,
  p0: number,
  lp1: number,
  lp0: number,
  q1: number,
  q0: number,
  lq1: number,
  lq0: number,
): number {
  // p − q from the representation where it is exact: the probabilities when the smaller is
  // ≤ ½, the complements otherwise (so KL ≈ (p − q)²/(2pq(1−p)) keeps its digits for p ≈ q)
  const diff = Math.min(p1, q1) <= 0.5 ? p1 - q1 : q0 - p0;
  return klCell(p1, q1, lp1, lq1, diff) + klCell(p0, q0, lp0, lq0, -diff);
}

/**
 * KL(Bernoulli(p) ‖ Bernoulli(q)) = p log(p/q) + (1 − p) log((1 − p)/(1 − q)) (PyTorch
 * `_kl_bernoulli_bernoulli`), as the sum of two cells t(p, q) + t(1 − p, 1 − q).
 * +Infinity when q ∈ {0, 1} puts no mass where p does.
 * @example klBernoulliBernoulli(new Bernoulli({ probs: 0.5 }), new Bernoulli({ probs: 0.25 })); // 0.1438410362258904
 */
export function klBernoulliBernoulli(p: Bernoulli, q: Bernoulli): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) =>
    klBernoulliParts(
      p.probs[i],
      p.probs0[i],
      p.logProbs1[i],
      p.logProbs0[i],
      q.probs[j],
      q.probs0[j],
      q.logProbs1[j],
      q.logProbs0[j],
    ),
  );
}

/**
 * KL(Binomial(n, p) ‖ Binomial(m, q)). Same n: n · KL(Bernoulli(p) ‖ Bernoulli(q)) (PyTorch
 * `_kl_binomial_binomial`). n > m: +Infinity (PyTorch agrees) unless p = 0, where p is the point
 * mass at 0 and the answer is −log q(0). n < m (PyTorch raises NotImplementedError): the exact
 * finite sum Σ_{k=0}^{n} p(k) log(p(k)/q(k)).
 * @example klBinomialBinomial(new Binomial({ totalCount: 10, probs: 0.5 }), new Binomial({ totalCount: 10, probs: 0.25 })); // 1.438410362258904
 */
export function klBinomialBinomial(p: Binomial, q: Binomial): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const n = p.totalCount[i];
    if (n === q.totalCount[j]) {
      if (n === 0) return 0;
      return (
        n *
        klBernoulliParts(
          p.probs[i],
          p.probs0[i],
          p.logProbs1[i],
          p.logProbs0[i],
          q.probs[j],
          q.probs0[j],
          q.logProbs1[j],
          q.logProbs0[j],
        )
      );
    }
    return klBySupportSum(p, i, q, j);
  });
}

/** Throws InvalidShape unless the two categorical-type laws have the same number of categories. */
function sameCategories(kp: number, kq: number): void {
  if (kp !== kq) throw invalidShape("q", `${kq} categories do not match p's ${kp}`, [kp, kq]);
}

/** Σ_k t(p_k, q_k) per broadcast batch element of two flat [batch…, K] log-probability tables. */
function categoricalSum(
  pShape: readonly number[],
  qShape: readonly number[],
  K: number,
  cell: (ip: number, iq: number) => number,
): number | NDArray {
  return mapPair(pShape, qShape, (i, j) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += cell(i * K + k, j * K + k);
    return s;
  });
}

/**
 * KL(Categorical(p) ‖ Categorical(q)) = Σ_k p_k log(p_k/q_k) (PyTorch
 * `_kl_categorical_categorical`): terms with p_k = 0 are 0, a term with q_k = 0 < p_k makes the
 * result +Infinity. Evaluated as Σ_k t(p_k, q_k) (Σ p = Σ q = 1). InvalidShape when the numbers
 * of categories differ.
 * @example klCategoricalCategorical(new Categorical({ probs: [0.5, 0.5] }), new Categorical({ probs: [0.25, 0.75] })); // 0.1438410362258904
 */
export function klCategoricalCategorical(p: Categorical, q: Categorical): number | NDArray {
  sameCategories(p.numCategories, q.numCategories);
  return categoricalSum(p.batchShape, q.batchShape, p.numCategories, (a, b) =>
    klCell(p.probs[a], q.probs[b], p.logProbs[a], q.logProbs[b]),
  );
}

/**
 * KL(OneHotCategorical ‖ OneHotCategorical) = the categorical KL of the underlying laws
 * (PyTorch `_kl_onehotcategorical_onehotcategorical`).
 * @example klOneHotCategorical(new OneHotCategorical({ probs: [0.5, 0.5] }), new OneHotCategorical({ probs: [0.25, 0.75] })); // 0.1438410362258904
 */
export function klOneHotCategorical(p: OneHotCategorical, q: OneHotCategorical): number | NDArray {
  return klCategoricalCategorical(p.categorical, q.categorical);
}

/** log(a/b) for a, b > 0, through log1p when the ratio is near 1. */
function logRatio(a: number, b: number): number {
  const d = a - b;
  return Math.abs(d) < 0.5 * b ? Math.log1p(d / b) : Math.log(a) - Math.log(b);
}

/**
 * Σ_i D(α_i, β_i) − D(α₀, β₀) with D(x, y) = log Γ(y) − log Γ(x) − (y − x)ψ(x) (the same KL,
 * regrouped) when every β_i is within α_i/8 of α_i, else undefined. Each D is evaluated by
 * `lgammaBregman`'s Taylor series, so nearly equal laws keep their digits (the large-argument form
 * below subtracts first-order terms whose rounding would swamp a KL of 1e-10).
 */
function klDirichletNear(
  cp: Float64Array,
  po: number,
  cq: Float64Array,
  qo: number,
  K: number,
  a0: number,
): number | undefined {
  let s = 0;
  let h0 = 0;
  for (let k = 0; k < K; k++) {
    const a = cp[po + k];
    const h = cq[qo + k] - a;
    if (!(Math.abs(h) <= a / 8)) return undefined;
    s += lgammaBregman(a, h);
    h0 += h;
  }
  return s - lgammaBregman(a0, h0);
}

/**
 * KL(Dirichlet(α) ‖ Dirichlet(β)) = log Γ(α₀) − log Γ(β₀) − Σ (log Γ(α_i) − log Γ(β_i))
 * + Σ (α_i − β_i)(ψ(α_i) − ψ(α₀)), α₀ = Σ α_i, β₀ = Σ β_i (PyTorch `_kl_dirichlet_dirichlet`,
 * after B. Kurt's derivation). Evaluated with log Γ(x) = (x − ½) log x − x + ½ log 2π + S(x)
 * and ψ(x) = log x + r(x) substituted, where the large terms cancel exactly:
 * KL = (β₀ − ½) log(α₀/β₀) − Σ (β_i − ½) log(α_i/β_i) + S(α₀) − S(β₀) − Σ (S(α_i) − S(β_i))
 *      + Σ (α_i − β_i)(r(α_i) − r(α₀)),
 * exactly 0 for α = β and accurate for concentrations of 10^4 and more; when every β_i is within
 * α_i/8 of α_i, as Σ D(α_i, β_i) − D(α₀, β₀) instead ({@link klDirichletNear}). InvalidShape when
 * the numbers of components differ.
 * @example klDirichletDirichlet(new Dirichlet([1, 1]), new Dirichlet([2, 2])); // 0.20824053077607953
 */
export function klDirichletDirichlet(p: Dirichlet, q: Dirichlet): number | NDArray {
  sameCategories(p.k, q.k);
  const K = p.k;
  const shape = broadcastShapes([p.batchShape, q.batchShape], ["p", "q"]);
  const mp = broadcastMap(p.batchShape, shape);
  const mq = broadcastMap(q.batchShape, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const cp = p.concentration;
  const cq = q.concentration;
  for (let f = 0; f < n; f++) {
    const i = mp ? mp[f] : f;
    const j = mq ? mq[f] : f;
    const a0 = p.total(i);
    const b0 = q.total(j);
    const nearly = klDirichletNear(cp, i * K, cq, j * K, K, a0);
    if (nearly !== undefined) {
      out[f] = Number.isNaN(nearly) ? nearly : Math.max(0, nearly);
      continue;
    }
    const rA0 = psiMinusLog(a0);
    let s = (b0 - 0.5) * logRatio(a0, b0) + stirlerr(a0) - stirlerr(b0);
    for (let k = 0; k < K; k++) {
      const a = cp[i * K + k];
      const b = cq[j * K + k];
      s += -(b - 0.5) * logRatio(a, b) - (stirlerr(a) - stirlerr(b)) + (a - b) * (psiMinusLog(a) - rA0);
    }
    out[f] = Number.isNaN(s) ? s : Math.max(0, s);
  }
  return result(out, shape);
}

/**
 * KL(Geometric(p) ‖ Geometric(q)) = log(p/q) + ((1 − p)/p) log((1 − p)/(1 − q))
 * = KL(Bernoulli(p) ‖ Bernoulli(q)) / p (the PyTorch form −H(p) − log(1 − q)(1 − p)/p − log q,
 * rearranged). q = 1 with p < 1 gives +Infinity; p = 1 gives −log q.
 * @example klGeometricGeometric(new Geometric({ probs: 0.5 }), new Geometric({ probs: 0.25 })); // 0.2876820724517809
 */
export function klGeometricGeometric(p: Geometric, q: Geometric): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const b = klBernoulliParts(
      p.probs[i],
      p.probs0[i],
      p.logProbs1[i],
      p.logProbs0[i],
      q.probs[j],
      q.probs0[j],
      q.logProbs1[j],
      q.logProbs0[j],
    );
    return b / p.probs[i];
  });
}

/**
 * KL(Poisson(λ) ‖ Poisson(μ)) = λ log(λ/μ) − λ + μ (PyTorch `_kl_poisson_poisson`): a single
 * cell t(λ, μ). λ = 0 gives μ; μ = 0 < λ gives +Infinity.
 * @example klPoissonPoisson(new Poisson(2), new Poisson(1)); // 2 log 2 − 1 = 0.3862943611198906
 */
export function klPoissonPoisson(p: Poisson, q: Poisson): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const l = p.rate[i];
    const m = q.rate[j];
    return klCell(l, m, Math.log(l), Math.log(m));
  });
}

/**
 * KL(Bernoulli(p) ‖ Poisson(μ)) = −H(p) − p log μ + μ (PyTorch `_kl_bernoulli_poisson`; the
 * Poisson mass at 0 and 1 is e^{−μ} and μ e^{−μ}), evaluated as t(1 − p, e^{−μ}) + t(p, μe^{−μ})
 * + P_q(X ≥ 2) with the cells t(a, b) = a log(a/b) − a + b ≥ 0, so a Bernoulli close to the
 * Poisson keeps its digits. μ = 0 with p > 0 gives +Infinity.
 * @example klBernoulliPoisson(new Bernoulli({ probs: 0.5 }), new Poisson(1)); // 1 − log 2 = 0.3068528194400547
 */
export function klBernoulliPoisson(p: Bernoulli, q: Poisson): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const p1 = p.probs[i];
    const p0 = p.probs0[i];
    const mu = q.rate[j];
    if (Number.isNaN(p1) || Number.isNaN(mu)) return NaN;
    if (mu === 0) return p1 > 0 ? Infinity : 0;
    // Poisson mass above 1: 1 − e^{−μ}(1 + μ), by its series e^{−μ} Σ_{k≥2} μ^k/k! below 1
    let tail: number;
    if (mu < 1) {
      let term = (mu * mu) / 2;
      let sum = 0;
      for (let k = 3; term > 1e-17 * sum; k++) {
        sum += term;
        term *= mu / k;
      }
      tail = Math.exp(-mu) * sum;
    } else tail = -Math.expm1(-mu) - mu * Math.exp(-mu);
    // p − q on each cell from exact pieces (p0 = 1 − p1): no rounded 1 − e^{−μ} is subtracted
    const diff0 = p1 <= 0.5 ? -Math.expm1(-mu) - p1 : p0 - Math.exp(-mu);
    const diff1 = p1 <= 0.5 ? p1 - mu - mu * Math.expm1(-mu) : tail - diff0;
    const q1 = mu * Math.exp(-mu);
    const v =
      klCell(p0, Math.exp(-mu), p.logProbs0[i], -mu, diff0) +
      klCell(p1, q1, p.logProbs1[i], Math.log(mu) - mu, diff1) +
      tail;
    return Math.max(0, v);
  });
}

/**
 * KL(p ‖ q) between integer-valued families by the definition: +Infinity when p's support is
 * not inside q's (all supports here are integer ranges), otherwise Σ_k p(k) log(p(k)/q(k)) over
 * p's whole (finite) support — over its bulk if that exceeds 10^7 terms — by compensated summation;
 * when q's mass outside p's support takes few terms, as the non-negative cells of {@link klByCells}.
 * Requires p's support to be finite unless it falls outside q's; otherwise NotImplemented.
 */
export function klBySupportSum(p: IntegerFamily, i: number, q: IntegerFamily, j: number): number {
  const pLo = p.supportMin(i);
  const pHi = p.supportMax(i);
  const qLo = q.supportMin(j);
  const qHi = q.supportMax(j);
  if ([pLo, pHi, qLo, qHi, p.logMass(pLo, i), q.logMass(qLo, j)].some(Number.isNaN)) return NaN;
  if (pLo < qLo || pHi > qHi) return Infinity;
  if (pHi === Infinity) {
    throw notImplemented(
      `no closed-form KL is registered for (${p.family} ‖ ${q.family}) when both supports are infinite; ` +
        `estimate it by Monte Carlo or by a truncated sum`,
    );
  }
  if (pHi - pLo + 1 <= MAX_SUM_TERMS) {
    const v = klByCells(p, i, pLo, pHi, q, j, qLo, qHi);
    if (v !== undefined) return v;
  }
  const [a, b] = pHi - pLo + 1 <= MAX_SUM_TERMS ? [pLo, pHi] : bulkRange(p, i);
  if (b - a + 1 > MAX_SUM_TERMS) {
    throw notImplemented(
      `KL(${p.family} ‖ ${q.family}) would need an exact sum of ${b - a + 1} terms (limit ${MAX_SUM_TERMS})`,
    );
  }
  const s = new CompensatedSum();
  for (let k = a; k <= b; k++) {
    const lp = p.logMass(k, i);
    if (lp === -Infinity) continue;
    s.add(Math.exp(lp) * (lp - q.logMass(k, j)));
  }
  return Math.max(0, s.value);
}

/** Terms of q's mass outside p's support that {@link klByCells} will add up. */
const MAX_OUTSIDE_TERMS = 100_000;

/**
 * Σ_k p(k) log(p(k)/q(k)) over p's whole support [pLo, pHi] ⊆ [qLo, qHi] as Σ_k t(p(k), q(k))
 * + Q(outside p's support), with the cells t(a, b) = a log(a/b) − a + b ≥ 0 (Σ_k p(k) = 1): a sum
 * of non-negative terms, so nearly equal laws (KL ≈ 1e-10 and below) keep their digits where the
 * plain sum of p log(p/q) cancels. q's outside mass is summed directly (below pLo, and above pHi up
 * to q's bulk); undefined when that would take more than {@link MAX_OUTSIDE_TERMS} terms.
 */
function klByCells(
  p: IntegerFamily,
  i: number,
  pLo: number,
  pHi: number,
  q: IntegerFamily,
  j: number,
  qLo: number,
  qHi: number,
): number | undefined {
  const top = pHi === qHi ? qHi : Math.min(qHi, q.bulk(j, LOG_EPS_FINE)[1]);
  if (pLo - qLo + Math.max(0, top - pHi) > MAX_OUTSIDE_TERMS) return undefined;
  const out = new CompensatedSum();
  for (let k = qLo; k < pLo; k++) out.add(Math.exp(q.logMass(k, j)));
  for (let k = pHi + 1; k <= top; k++) out.add(Math.exp(q.logMass(k, j)));
  const s = new CompensatedSum();
  for (let k = pLo; k <= pHi; k++) {
    const lp = p.logMass(k, i);
    const lq = q.logMass(k, j);
    s.add(klCell(Math.exp(lp), Math.exp(lq), lp, lq));
  }
  s.add(out.value);
  return Math.max(0, s.value);
}

/** A KL function between two integer families evaluated element by element by {@link klBySupportSum}. */
export function klIntegerBySum(p: IntegerFamily, q: IntegerFamily): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => klBySupportSum(p, i, q, j));
}

/**
 * KL(p ‖ q) where p's support reaches beyond q's finite support (Poisson or Geometric against
 * Bernoulli or Binomial): +Infinity, except in the degenerate case where p is the point mass at
 * 0 (Poisson rate 0, Geometric probs 1), where it is −log q(0).
 * @example klSupportMismatch(new Poisson(3), new Bernoulli({ probs: 0.5 })); // Infinity
 */
export function klSupportMismatch(p: Poisson | Geometric, q: Bernoulli | Binomial): number | NDArray {
  return klIntegerBySum(p, q);
}
