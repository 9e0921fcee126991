/**
 * Divergences between discrete distributions computed exactly over the support: Jensen–Shannon,
 * Bhattacharyya, Hellinger, Rényi and total variation, for Categorical / OneHotCategorical
 * (same number of categories) and for the integer-valued families Bernoulli, Binomial,
 * Geometric and Poisson in any mix. Batched: batch shapes broadcast (NumPy rules); a scalar batch
 * gives a `number`, otherwise an `NDArray`.
 *
 * How the sums are taken (the support enumeration, shared with `f-divergence.ts`):
 * - Categorical: all K categories.
 * - Integer families with finite supports (Bernoulli, Binomial): the whole support.
 * - Otherwise the union of the two "bulks" — the integers outside which each distribution has
 *   mass below e^{−745} (nothing representable; e^{−80} ≈ 1.8e-35 if that range would exceed
 *   10^7 terms; log-concave tail bounds, `logConcaveBulk`). This is
 *   exact to that level for any sum whose terms are bounded by a multiple of p(x) + q(x)
 *   (Jensen–Shannon, Hellinger/Bhattacharyya, total variation, Rényi with α < 1, bounded
 *   f-divergences). For unbounded terms (Rényi with α > 1, unbounded f-generators) the sum runs
 *   over the whole support from its lowest point and beyond the bulk until the terms stop
 *   mattering; a series whose terms keep growing is +Infinity.
 * - A sum needing more than 10^7 terms (e.g. Geometric with p < 1e-6) throws NotImplemented.
 *
 * Closed forms are used where they exist: Poisson–Poisson and Geometric–Geometric
 * Bhattacharyya/Rényi, Binomial–Binomial with equal totalCount (n × the Bernoulli value).
 */
import { NDArray } from "../core/array.js";
import { invalidParameter, invalidShape, notImplemented } from "../core/errors.js";
import { mapPair, type Distribution } from "../distributions/base.js";
import { Binomial, MAX_SUM_TERMS, bulkRange } from "../distributions/binomial.js";
import { CompensatedSum, expm1MinusX } from "../core/numerics.js";
import { Categorical } from "../distributions/categorical.js";
import { Geometric } from "../distributions/geometric.js";
import { OneHotCategorical } from "../distributions/one-hot-categorical.js";
import { Poisson } from "../distributions/poisson.js";
import { isIntegerFamily, klBernoulliParts, klCell, type IntegerFamily } from "../kl/discrete-pairs.js";
import { kl } from "../kl/registry.js";

/** The families the discrete divergences accept. */
export type DiscreteDistribution = IntegerFamily | Categorical | OneHotCategorical;

/** True for Bernoulli, Binomial, Geometric, Poisson, Categorical and OneHotCategorical. */
export function isDiscrete(d: unknown): d is DiscreteDistribution {
  return isIntegerFamily(d) || d instanceof Categorical || d instanceof OneHotCategorical;
}

/** A term of a sum over the support, from the two log-masses at one point. */
export type Cell = (lp: number, lq: number) => number;

/**
 * How far a sum over an integer support must run: `"bulk"` for terms bounded by c·(p + q);
 * `"full"` for unbounded terms (whole support, tails followed until negligible).
 */
export type SumMode = "bulk" | "full";

/** Consecutive negligible tail terms that end a "full" sum; growing terms that prove divergence. */
const TAIL_QUIET = 16;
const TAIL_GROWING = 2000;
const TAIL_MAX = 1_000_000;

function asCategorical(d: DiscreteDistribution): Categorical | undefined {
  if (d instanceof Categorical) return d;
  if (d instanceof OneHotCategorical) return d.categorical;
  return undefined;
}

/**
 * Σ_x cell(log p(x), log q(x)) for batch elements i of p and j of q (see the module comment for
 * the range). Returns NaN if a parameter is NaN.
 */
export function sumOverSupport(
  p: DiscreteDistribution,
  i: number,
  q: DiscreteDistribution,
  j: number,
  cell: Cell,
  mode: SumMode,
): number {
  const cp = asCategorical(p);
  const cq = asCategorical(q);
  if (cp && cq) {
    const K = cp.numCategories;
    let s = 0;
    for (let k = 0; k < K; k++) s += cell(cp.logProbs[i * K + k], cq.logProbs[j * K + k]);
    return s;
  }
  if (cp || cq || !isIntegerFamily(p) || !isIntegerFamily(q)) throw mixedFamilies(p, q);
  return sumInteger(p, i, q, j, cell, mode);
}

function sumInteger(
  p: IntegerFamily,
  i: number,
  q: IntegerFamily,
  j: number,
  cell: Cell,
  mode: SumMode,
): number {
  const pLo = p.supportMin(i);
  const qLo = q.supportMin(j);
  const top = Math.max(p.supportMax(i), q.supportMax(j));
  if (Number.isNaN(p.logMass(pLo, i)) || Number.isNaN(q.logMass(qLo, j))) return NaN;
  const [ap, bp] = bulkRange(p, i);
  const [aq, bq] = bulkRange(q, j);
  let lo = Math.min(ap, aq);
  let hi = Math.max(bp, bq);
  // the whole support when it is finite and small enough (then every sum is exact), or when the
  // terms are unbounded (the lower tail may carry weight)
  const bottom = Math.min(pLo, qLo);
  if (top < Infinity && top - bottom + 1 <= MAX_SUM_TERMS) {
    lo = bottom;
    hi = top;
  } else if (mode === "full") {
    lo = bottom;
    if (top < Infinity) hi = top;
  }
  if (hi - lo + 1 > MAX_SUM_TERMS) {
    throw notImplemented(
      `the exact sum over the support of (${p.family}, ${q.family}) needs ${hi - lo + 1} terms (limit ${MAX_SUM_TERMS})`,
    );
  }
  const s = new CompensatedSum();
  let last = 0;
  for (let k = lo; k <= hi; k++) {
    last = cell(p.logMass(k, i), q.logMass(k, j));
    s.add(last);
  }
  if (mode === "bulk" || top <= hi) return s.value;
  // unbounded terms and an infinite support: follow the tail
  let quiet = 0;
  let growing = 0;
  let prev = Math.abs(last);
  for (let k = hi + 1; k <= hi + TAIL_MAX; k++) {
    const t = cell(p.logMass(k, i), q.logMass(k, j));
    if (!Number.isFinite(t)) return t;
    s.add(t);
    const a = Math.abs(t);
    if (a <= 1e-18 * Math.abs(s.value)) {
      if (++quiet >= TAIL_QUIET) return s.value;
    } else quiet = 0;
    if (a >= prev && a > 0) {
      if (++growing >= TAIL_GROWING) return t > 0 ? Infinity : -Infinity;
    } else growing = 0;
    prev = a;
  }
  throw notImplemented(
    `the sum over the support of (${p.family}, ${q.family}) did not converge within ${TAIL_MAX} tail terms`,
  );
}

function mixedFamilies(p: Distribution, q: Distribution): Error {
  return notImplemented(
    `discrete divergences between ${p.family} and ${q.family} are not available: both must be Categorical/OneHotCategorical ` +
      `(same number of categories) or both among Bernoulli, Binomial, Geometric, Poisson`,
  );
}

/** Checks the pair and the category count; returns the broadcast evaluation of `f(i, j)`. */
export function mapDiscretePair(
  p: Distribution,
  q: Distribution,
  f: (p: DiscreteDistribution, i: number, q: DiscreteDistribution, j: number) => number,
): number | NDArray {
  if (!isDiscrete(p) || !isDiscrete(q)) throw mixedFamilies(p, q);
  const cp = asCategorical(p);
  const cq = asCategorical(q);
  if (cp && cq && cp.numCategories !== cq.numCategories) {
    throw invalidShape("q", `${cq.numCategories} categories do not match p's ${cp.numCategories}`, [
      cp.numCategories,
      cq.numCategories,
    ]);
  }
  if ((cp && !cq) || (!cp && cq)) throw mixedFamilies(p, q);
  return mapPair(p.batchShape, q.batchShape, (i, j) => f(p, i, q, j));
}

const LN2 = Math.LN2;

/** log(e^a + e^b). */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** One Jensen–Shannon cell ½[t(p, m) + t(q, m)], m = (p + q)/2, t the generalised-KL cell. */
const jsCell: Cell = (lp, lq) => {
  if (Number.isNaN(lp) || Number.isNaN(lq)) return NaN;
  if (lp === lq) return 0;
  const a = Math.exp(lp);
  const b = Math.exp(lq);
  const lm = logAddExp(lp, lq) - LN2;
  const m = Math.exp(lm);
  return 0.5 * (klCell(a, m, lp, lm) + klCell(b, m, lq, lm));
};

/**
 * Jensen–Shannon divergence JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, in nats
 * (Lin, IEEE Trans. Inf. Theory 37, 1991). Symmetric, in [0, log 2], 0 iff p = q; exact sum
 * over the support with every cell non-negative. Equals the square of SciPy's
 * `jensenshannon` distance.
 * @example jsDiscrete(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 1 })); // log 2
 */
export function jsDiscrete(p: Distribution, q: Distribution): number | NDArray {
  return mapDiscretePair(p, q, (a, i, b, j) => {
    const v = sumOverSupport(a, i, b, j, jsCell, "bulk");
    return Number.isNaN(v) ? v : Math.min(LN2, Math.max(0, v));
  });
}

/** Σ √(p q) and ½ Σ (√p − √q)² of one pair of batch elements (the two agree: BC = 1 − H²). */
function affinity(
  p: DiscreteDistribution,
  i: number,
  q: DiscreteDistribution,
  j: number,
): { bc: number; h2: number } {
  let bc = 0;
  const h2 = sumOverSupport(
    p,
    i,
    q,
    j,
    (lp, lq) => {
      const g = Math.exp(0.5 * (lp + lq));
      if (!Number.isNaN(g)) bc += g;
      const d = Math.exp(0.5 * lp) - Math.exp(0.5 * lq);
      return 0.5 * d * d;
    },
    "bulk",
  );
  if (Number.isNaN(h2)) return { bc: NaN, h2: NaN };
  return { bc: Math.min(1, Math.max(0, bc)), h2: Math.min(1, Math.max(0, h2)) };
}

/** Bhattacharyya distance of one pair of batch elements, closed forms first. */
function bhattacharyyaElement(
  p: DiscreteDistribution,
  i: number,
  q: DiscreteDistribution,
  j: number,
): number {
  if (p instanceof Poisson && q instanceof Poisson) {
    const d = Math.sqrt(p.rate[i]) - Math.sqrt(q.rate[j]);
    return 0.5 * d * d;
  }
  if (p instanceof Geometric && q instanceof Geometric) return 0.5 * renyiGeometric(p, i, q, j, 0.5);
  if (p instanceof Binomial && q instanceof Binomial && p.totalCount[i] === q.totalCount[j]) {
    const n = p.totalCount[i];
    return n === 0
      ? 0
      : n * bernoulliBhattacharyya(p.logProbs1[i], p.logProbs0[i], q.logProbs1[j], q.logProbs0[j]);
  }
  const { bc, h2 } = affinity(p, i, q, j);
  if (Number.isNaN(bc)) return NaN;
  // an affinity in (or below) the subnormal range has lost its digits: sum it again in log space
  if (bc < 1e-290) return -logAffinity(p, i, q, j);
  // −log BC: from BC when BC is small (relative accuracy), from log1p(−H²) when BC is near 1
  return bc < 0.5 ? -Math.log(bc) : -Math.log1p(-h2);
}

/** log Σ √(p q) as a running log-sum-exp of ½(log p + log q): exact for affinities below 1e-308. */
function logAffinity(p: DiscreteDistribution, i: number, q: DiscreteDistribution, j: number): number {
  let acc = -Infinity;
  sumOverSupport(
    p,
    i,
    q,
    j,
    (lp, lq) => {
      const t = 0.5 * (lp + lq);
      if (t > -Infinity) acc = acc === -Infinity ? t : logAddExp(acc, t);
      return 0;
    },
    "bulk",
  );
  return acc;
}

function bernoulliBhattacharyya(lp1: number, lp0: number, lq1: number, lq0: number): number {
  const bc = Math.exp(0.5 * (lp1 + lq1)) + Math.exp(0.5 * (lp0 + lq0));
  const d1 = Math.exp(0.5 * lp1) - Math.exp(0.5 * lq1);
  const d0 = Math.exp(0.5 * lp0) - Math.exp(0.5 * lq0);
  const h2 = 0.5 * (d1 * d1 + d0 * d0);
  if (Number.isNaN(bc) || Number.isNaN(h2)) return NaN;
  return Math.max(0, bc < 0.5 ? -Math.log(bc) : -Math.log1p(-Math.min(1, h2)));
}

/**
 * Bhattacharyya distance D_B(p, q) = −log Σ_x √(p(x) q(x)), in nats (Bhattacharyya 1943).
 * Symmetric, ≥ 0, 0 iff p = q, +Infinity for disjoint supports. Computed as −log1p(−H²) with
 * H² = ½ Σ (√p − √q)² when the affinity is near 1 (no cancellation for nearby laws), as −log of
 * the affinity otherwise. Closed forms: Poisson ½(√λ − √μ)²; Geometric
 * −log[√(pq) / (1 − √((1 − p)(1 − q)))]; Binomial with equal n, n × the Bernoulli value.
 * @example bhattacharyyaDiscrete(new Poisson(1), new Poisson(4)); // 0.5
 */
export function bhattacharyyaDiscrete(p: Distribution, q: Distribution): number | NDArray {
  return mapDiscretePair(p, q, bhattacharyyaElement);
}

/**
 * Hellinger distance H(p, q) = √(1 − Σ √(p q)) = √(½ Σ (√p − √q)²), in [0, 1], a metric.
 * Summed as ½ Σ (√p − √q)² (exactly 0 for p = q) where the affinity is near 1; through
 * −expm1(−D_B) for the closed-form pairs.
 * @example hellingerDiscrete(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 1 })); // 1
 */
export function hellingerDiscrete(p: Distribution, q: Distribution): number | NDArray {
  return mapDiscretePair(p, q, (a, i, b, j) => {
    const closed =
      (a instanceof Poisson && b instanceof Poisson) || (a instanceof Geometric && b instanceof Geometric);
    const sameBinomial =
      a instanceof Binomial && b instanceof Binomial && a.totalCount[i] === b.totalCount[j];
    let h2: number;
    if (closed || sameBinomial) h2 = -Math.expm1(-bhattacharyyaElement(a, i, b, j));
    else {
      const r = affinity(a, i, b, j);
      h2 = r.bc < 0.5 ? 1 - r.bc : r.h2;
    }
    if (Number.isNaN(h2)) return NaN;
    return Math.sqrt(Math.min(1, Math.max(0, h2)));
  });
}

/** Validates a Rényi order: finite and ≥ 0. */
export function checkRenyiAlpha(alpha: number): void {
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha < Infinity)) {
    throw invalidParameter("alpha", "a finite number ≥ 0 (the order of the Rényi divergence)", alpha);
  }
}

/**
 * The Rényi kernel K(α, d) = [expm1(α d) − α expm1(d)] / (α − 1) ≥ 0, so that a cell of a Rényi
 * sum is p^α q^{1−α} − α p − (1 − α) q = (α − 1) q K(α, log(p/q)). Single-signed and O(d²): for
 * |d| max(1, α) < 1 it is summed from its series α Σ_{n≥2} (1 + α + … + α^{n−2}) dⁿ/n!, so
 * nearly equal laws lose no digits.
 */
export function renyiKernel(alpha: number, d: number): number {
  if (Math.abs(d) * Math.max(1, alpha) < 1) {
    let h = 1; // 1 + α + … + α^{n−2}
    let pw = (d * d) / 2; // dⁿ/n!
    let s = 0;
    for (let n = 2; n < 80; n++) {
      const t = alpha * h * pw;
      s += t;
      if (Math.abs(t) <= 1e-17 * Math.abs(s)) break;
      h = 1 + alpha * h;
      pw *= d / (n + 1);
    }
    return s;
  }
  // e^d expm1((α − 1) d)/(α − 1) − expm1(d): no cancellation as α → 1
  const u = alpha - 1;
  return (Math.exp(d) * Math.expm1(u * d)) / u - Math.expm1(d);
}

/** D_α(Poisson(λ) ‖ Poisson(μ)) = [λ^α μ^{1−α} − αλ − (1 − α)μ]/(α − 1) = μ K(α, log(λ/μ)). */
function renyiPoisson(l: number, m: number, alpha: number): number {
  if (Number.isNaN(l) || Number.isNaN(m)) return NaN;
  if (l === m) return 0;
  if (l === 0) return m; // p the point mass at 0: D = −log q(0) for every α
  if (m === 0) return alpha > 1 ? Infinity : (alpha * l) / (1 - alpha);
  return Math.max(0, m * renyiKernel(alpha, Math.log(l / m)));
}

/** −log1p(−x) − x ≥ 0 for x < 1 (series below ½); +∞ for x ≥ 1. */
function negLog1pMinus(x: number): number {
  if (x >= 1) return Infinity;
  if (Math.abs(x) < 0.5) {
    let s = 0;
    let pw = x;
    for (let n = 2; n < 80; n++) {
      pw *= x;
      const t = pw / n;
      s += t;
      if (Math.abs(t) <= 1e-17 * Math.abs(s)) break;
    }
    return s;
  }
  return -Math.log1p(-x) - x;
}

/**
 * D_α(Geometric(p) ‖ Geometric(q)) = [α log p + (1 − α) log q − log(1 − c)]/(α − 1),
 * c = (1 − p)^α (1 − q)^{1−α}; +Infinity when c ≥ 1 (α > 1 only). With u = α − 1,
 * A = log(p/q), B = log((1 − p)/(1 − q)), r = (1 − p)/p and x = r expm1(uB) this is
 * KL(p ‖ q) + [(−log1p(−x) − x) + r (expm1(uB) − uB)] / u, whose two O(δ²) corrections are
 * summed from their series: no cancellation for nearly equal laws.
 */
function renyiGeometric(p: Geometric, i: number, q: Geometric, j: number, alpha: number): number {
  const lp = p.logProbs1[i];
  const lq = q.logProbs1[j];
  const cp = p.logProbs0[i];
  const cq = q.logProbs0[j];
  if ([lp, lq, cp, cq].some(Number.isNaN)) return NaN;
  // p the point mass at 0: Σ = q(0)^{1−α}, D = −log q
  if (cp === -Infinity) return Math.max(0, -lq);
  // q the point mass at 0 (p is not): only k = 0 counts for α < 1
  if (cq === -Infinity) return alpha > 1 ? Infinity : Math.max(0, (alpha * lp) / (alpha - 1));
  const u = alpha - 1;
  const B = cp - cq;
  const r = p.probs0[i] / p.probs[i];
  const x = r * Math.expm1(u * B);
  if (x >= 1) return Infinity; // c ≥ 1: the series diverges (α > 1)
  const klv = klBernoulliParts(p.probs[i], p.probs0[i], lp, cp, q.probs[j], q.probs0[j], lq, cq) / p.probs[i];
  const v = klv + (negLog1pMinus(x) + r * expm1MinusX(u * B)) / u;
  return Number.isNaN(v) ? v : Math.max(0, v);
}

/** Rényi divergence of one pair of batch elements (α ∉ {1}). */
function renyiElement(
  p: DiscreteDistribution,
  i: number,
  q: DiscreteDistribution,
  j: number,
  alpha: number,
): number {
  if (p instanceof Poisson && q instanceof Poisson) return renyiPoisson(p.rate[i], q.rate[j], alpha);
  if (p instanceof Geometric && q instanceof Geometric) return renyiGeometric(p, i, q, j, alpha);
  if (p instanceof Binomial && q instanceof Binomial && p.totalCount[i] === q.totalCount[j]) {
    const n = p.totalCount[i];
    if (n === 0) return 0;
    return (
      n *
      renyiCells(alpha, (cell) => cell(p.logProbs1[i], q.logProbs1[j]) + cell(p.logProbs0[i], q.logProbs0[j]))
    );
  }
  const mode: SumMode = alpha > 1 ? "full" : "bulk";
  return renyiCells(alpha, (cell) => sumOverSupport(p, i, q, j, cell, mode));
}

/**
 * D_α from a summation routine, in one pass over the support:
 * - T = Σ_x q K(α, log(p/q)) = (S − 1)/(α − 1), S = Σ p^α q^{1−α}, a sum of non-negative O(δ²)
 *   cells (see {@link renyiKernel}) that gives log S = log1p((α − 1) T) without cancellation
 *   when S is near 1 (nearby laws, α near 1);
 * - log S directly by a streaming log-sum-exp of α log p + (1 − α) log q, used when S is far
 *   from 1 (nearly disjoint laws, large α).
 * Returns log S / (α − 1); α = 0 gives −log Q(p > 0).
 */
function renyiCells(alpha: number, sum: (cell: Cell) => number): number {
  const u = alpha - 1;
  let mx = -Infinity;
  let acc = 0;
  const t = sum((lp, lq) => {
    if (Number.isNaN(lp) || Number.isNaN(lq)) return NaN;
    if (lp === -Infinity) return Math.exp(lq); // cell −(1 − α) q, over α − 1
    const lt = lq === -Infinity ? (u > 0 ? Infinity : -Infinity) : lp + u * (lp - lq); // α log p + (1 − α) log q
    if (lt > mx) {
      acc = acc * Math.exp(mx - lt) + 1;
      mx = lt;
    } else if (lt > -Infinity) acc += Math.exp(lt - mx);
    if (lq === -Infinity) return u > 0 ? Infinity : (alpha * Math.exp(lp)) / -u;
    const d = lp - lq;
    if (Math.abs(d) * Math.max(1, alpha) < 1) return Math.exp(lq) * renyiKernel(alpha, d);
    // capped at e^600 for α > 1: T is then only used to recognise a divergent tail (terms that
    // stop decreasing), log S comes from the log-sum-exp
    if (u > 0 && lt > 600) return Math.exp(600);
    // p (E − 1) + q with p E = p expm1(u d)/u = (p^α q^{1−α} − p)/u: no cancellation as α → 1
    const ud = u * d;
    const pE = Math.abs(ud) < 1 ? (Math.exp(lp) * Math.expm1(ud)) / u : (Math.exp(lt) - Math.exp(lp)) / u;
    return Math.max(0, pE - Math.exp(lp) + Math.exp(lq));
  });
  if (Number.isNaN(t)) return NaN;
  if (mx === Infinity || t === Infinity) return Infinity; // q = 0 < p with α > 1, or a divergent series
  const m1 = u * t;
  let logS: number;
  if (Math.abs(m1) < 0.5) logS = Math.log1p(m1);
  else {
    if (mx === -Infinity) return u < 0 ? Infinity : 0; // S = 0: disjoint supports (α < 1)
    logS = mx + Math.log(acc);
  }
  const v = logS / u;
  return Number.isNaN(v) ? v : Math.max(0, v);
}

/**
 * Rényi divergence of order α, D_α(p ‖ q) = log(Σ_x p(x)^α q(x)^{1−α}) / (α − 1), in nats
 * (Rényi 1961; van Erven & Harremoës, IEEE Trans. Inf. Theory 60, 2014). α ≥ 0 finite:
 * α = 1 is KL(p ‖ q) (from the KL registry), α = ½ is 2 × Bhattacharyya, α = 0 is
 * −log Q(p > 0). Non-decreasing in α, ≥ 0; +Infinity when α > 1 and q = 0 somewhere p > 0, or when
 * the series diverges. Closed forms for Poisson, Geometric and equal-n Binomial pairs;
 * otherwise the exact sum, evaluated near α = 1 through expm1 so it tends to KL smoothly.
 * @example renyiDiscrete(new Poisson(1), new Poisson(4), 0.5); // 1 = 2 × ½(√1 − √4)²
 */
export function renyiDiscrete(p: Distribution, q: Distribution, alpha: number): number | NDArray {
  checkRenyiAlpha(alpha);
  if (alpha === 1) {
    mapDiscretePair(p, q, () => 0); // same family and shape checks as the other orders
    return kl(p, q);
  }
  return mapDiscretePair(p, q, (a, i, b, j) => renyiElement(a, i, b, j, alpha));
}

/**
 * Total variation distance TV(p, q) = ½ Σ_x |p(x) − q(x)| = sup_A |P(A) − Q(A)|, in [0, 1].
 * Exact sum over the support; 1 for disjoint supports.
 * @example totalVariationDiscrete(new Bernoulli({ probs: 0.2 }), new Bernoulli({ probs: 0.5 })); // 0.3
 */
export function totalVariationDiscrete(p: Distribution, q: Distribution): number | NDArray {
  return mapDiscretePair(p, q, (a, i, b, j) => {
    const v = sumOverSupport(a, i, b, j, (lp, lq) => 0.5 * Math.abs(Math.exp(lp) - Math.exp(lq)), "bulk");
    return Number.isNaN(v) ? v : Math.min(1, Math.max(0, v));
  });
}
