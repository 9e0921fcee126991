/**
 * Csiszár f-divergences between discrete distributions, with the generator family of
 * TensorFlow Probability's `tfp.vi` (csiszar_divergence.py), all written in log space:
 * a generator is a convex f on (0, ∞) evaluated at u = exp(logu), and
 *
 *   D_f(p, q) = Σ_x q(x) f(p(x)/q(x))            (TFP's convention: E_q[f(p/q)])
 *
 * so `klForward` gives KL(p ‖ q) and `klReverse` gives KL(q ‖ p). Points where q = 0 < p
 * contribute p · lim_{u→∞} f(u)/u, points where p = 0 < q contribute q · f(0+).
 *
 * Each generator carries f on (0, 1] and its Csiszár dual f*(v) = v f(1/v) on (0, 1]; a term is
 * evaluated as q f(p/q) when p ≤ q and as p f*(q/p) when p > q, so no argument of an
 * exponential is ever positive and no term overflows unless its value does (ratios beyond
 * e^{±709} may still overflow for the generators growing like a power of u).
 *
 * Generators with TFP's `self_normalized` flag default to TFP's default (false); the
 * `.selfNormalized` variant adds the linear term that makes f'(1) = 0. For probability
 * distributions a linear term only shifts the value when it has a constant part: D_f(p, p) =
 * f(1), which is 0 for every generator here except `jensenShannon` (−2 log 2; 0 when
 * self-normalized, where it is KL(p ‖ m) + KL(q ‖ m) = 2 × the Jensen–Shannon divergence),
 * `arithmeticGeometric` (2 log 2; 0 when self-normalized) and `modifiedGan` (log 2 either way).
 * By Jensen, D_f(p, q) ≥ f(1) always; results are clamped there against round-off.
 */
import type { NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { log1pexp } from "../core/special.js";
import type { Distribution } from "../distributions/base.js";
import { mapDiscretePair, sumOverSupport, type Cell } from "./discrete.js";

/**
 * A Csiszár generator: convex f on (0, ∞) with f(1) = 0, given in log space, with its dual and
 * limits; `fDivergence(p, q, f)` = Σ q f(p/q). The TFP generators are in the `csiszar` namespace.
 *
 * @example
 * fDivergence(new Categorical({ probs: [0.5, 0.5] }), new Categorical({ probs: [0.9, 0.1] }), csiszar.klForward);
 */
export class CsiszarFunction {
  /**
   * @param name the TFP name (e.g. "kl_forward")
   * @param lower f(u) at u = e^{logu} for logu ≤ 0
   * @param dualLower f*(v) = v f(1/v) at v = e^{logv} for logv ≤ 0
   * @param atZero f(0+) = lim_{u→0} f(u) (may be +Infinity)
   * @param slopeAtInfinity lim_{u→∞} f(u)/u = f*(0+) (may be +Infinity)
   */
  constructor(
    readonly name: string,
    private readonly lower: (logu: number) => number,
    private readonly dualLower: (logv: number) => number,
    readonly atZero: number,
    readonly slopeAtInfinity: number,
  ) {}

  /** f(u) at u = exp(logu), for any logu (TFP's function of `logu`). */
  f(logu: number): number {
    if (Number.isNaN(logu)) return NaN;
    if (logu === -Infinity) return this.atZero;
    if (logu <= 0) return this.lower(logu);
    if (logu === Infinity)
      return this.slopeAtInfinity > 0 ? Infinity : this.slopeAtInfinity < 0 ? -Infinity : NaN;
    return Math.exp(logu) * this.dualLower(-logu);
  }

  /** The dual generator f*(u) = u f(1/u) (D_{f*}(p, q) = D_f(q, p)). */
  dual(): CsiszarFunction {
    return new CsiszarFunction(
      `dual(${this.name})`,
      this.dualLower,
      this.lower,
      this.slopeAtInfinity,
      this.atZero,
    );
  }

  /** q f(p/q) from log p and log q, with the limits at p = 0 or q = 0. */
  term(lp: number, lq: number): number {
    if (Number.isNaN(lp) || Number.isNaN(lq)) return NaN;
    if (lp === -Infinity && lq === -Infinity) return 0;
    if (lp === -Infinity) return limitTerm(lq, this.atZero);
    if (lq === -Infinity) return limitTerm(lp, this.slopeAtInfinity);
    if (lp <= lq) return scaled(Math.exp(lq), this.lower(lp - lq));
    return scaled(Math.exp(lp), this.dualLower(lq - lp));
  }

  /** True when |f(u)| ≤ a + b u on (0, ∞): sums of its terms may stop at the bulk of p and q. */
  get bounded(): boolean {
    return Number.isFinite(this.atZero) && Number.isFinite(this.slopeAtInfinity);
  }
}

/** e^{lm} · v for a positive mass (lm > −∞): +∞ when v is, even if e^{lm} underflows. */
function limitTerm(lm: number, v: number): number {
  if (v === Infinity) return Infinity;
  if (v === 0) return 0;
  return Math.exp(lm) * v;
}

/** m · v with 0 · ∞ = 0 (a mass that underflowed carries no weight). */
function scaled(m: number, v: number): number {
  return m === 0 ? 0 : m * v;
}

/** x for |x| small: log(cosh x) = log1p(2 sinh²(x/2)). */
function logCosh(x: number): number {
  const a = Math.abs(x);
  if (a > 20) return a - Math.LN2 + Math.log1p(Math.exp(-2 * a));
  const s = Math.sinh(a / 2);
  return Math.log1p(2 * s * s);
}

/** e^{l}·expm1(−t l) = e^{(1−t) l} − e^{l}, without 0·∞ and with no cancellation near l = 0. */
function powDiff(l: number, t: number): number {
  if (Math.abs(t * l) < 1) return Math.exp(l) * Math.expm1(-t * l);
  return Math.exp((1 - t) * l) - Math.exp(l);
}

/** A generator with TFP's `self_normalized` option: the default (false) plus `.selfNormalized`. */
export type NormalizableCsiszar = CsiszarFunction & { readonly selfNormalized: CsiszarFunction };

function withNormalized(plain: CsiszarFunction, normalized: CsiszarFunction): NormalizableCsiszar {
  return Object.assign(plain, { selfNormalized: normalized });
}

/**
 * Forward KL, f(u) = u log u (self-normalized: u log u − (u − 1)); D_f(p, q) = KL(p ‖ q).
 * @example fDivergence(p, q, klForward); // = kl(p, q)
 */
export const klForward: NormalizableCsiszar = withNormalized(
  new CsiszarFunction(
    "kl_forward",
    (l) => Math.exp(l) * l,
    (l) => -l,
    0,
    Infinity,
  ),
  new CsiszarFunction(
    "kl_forward",
    (l) => Math.exp(l) * l - Math.expm1(l),
    (l) => -l + Math.expm1(l),
    1,
    Infinity,
  ),
);

/**
 * Reverse KL, f(u) = −log u (self-normalized: −log u + (u − 1)); D_f(p, q) = KL(q ‖ p).
 * @example fDivergence(p, q, klReverse); // = kl(q, p)
 */
export const klReverse: NormalizableCsiszar = withNormalized(
  new CsiszarFunction(
    "kl_reverse",
    (l) => -l,
    (l) => Math.exp(l) * l,
    Infinity,
    0,
  ),
  new CsiszarFunction(
    "kl_reverse",
    (l) => -l + Math.expm1(l),
    (l) => Math.exp(l) * l - Math.expm1(l),
    Infinity,
    1,
  ),
);

/**
 * Jensen–Shannon, f(u) = u log u − (1 + u) log(1 + u) (self-normalized: + (1 + u) log 2), so
 * the self-normalized D_f(p, q) = KL(p ‖ m) + KL(q ‖ m), m = (p + q)/2 (twice the usual JS
 * divergence); self-dual, symmetric. Bounded: f(0) = 0 (log 2), slope 0 (log 2).
 * @example fDivergence(p, q, jensenShannon.selfNormalized); // = 2 · jsDiscrete(p, q)
 */
export const jensenShannon: NormalizableCsiszar = (() => {
  const plain = (l: number): number => Math.exp(l) * l - (1 + Math.exp(l)) * log1pexp(l);
  // log((1 + u)/2) = log1p(expm1(l)/2): no cancellation near u = 1
  const norm = (l: number): number => {
    const y = Math.log1p(Math.expm1(l) / 2);
    return Math.exp(l) * (l - y) - y;
  };
  return withNormalized(
    new CsiszarFunction("jensen_shannon", plain, plain, 0, 0),
    new CsiszarFunction("jensen_shannon", norm, norm, Math.LN2, Math.LN2),
  );
})();

/**
 * Arithmetic–geometric, f(u) = (1 + u) log((1 + u)/√u) (self-normalized: − (1 + u) log 2), so
 * the self-normalized D_f(p, q) = KL(m ‖ p) + KL(m ‖ q); self-dual, symmetric, unbounded.
 * @example fDivergence(p, q, arithmeticGeometric.selfNormalized);
 */
export const arithmeticGeometric: NormalizableCsiszar = (() => {
  const plain = (l: number): number => (1 + Math.exp(l)) * (log1pexp(l) - 0.5 * l);
  // log((1 + u)/(2√u)) = log cosh(l/2)
  const norm = (l: number): number => (1 + Math.exp(l)) * logCosh(0.5 * l);
  return withNormalized(
    new CsiszarFunction("arithmetic_geometric", plain, plain, Infinity, Infinity),
    new CsiszarFunction("arithmetic_geometric", norm, norm, Infinity, Infinity),
  );
})();

/**
 * Total variation, f(u) = ½ |u − 1|; D_f = ½ Σ |p − q|. Self-dual, bounded.
 * @example fDivergence(p, q, totalVariation); // = totalVariationDiscrete(p, q)
 */
export const totalVariation = new CsiszarFunction(
  "total_variation",
  (l) => 0.5 * Math.abs(Math.expm1(l)),
  (l) => 0.5 * Math.abs(Math.expm1(l)),
  0.5,
  0.5,
);

/**
 * Pearson χ², f(u) = (u − 1)²; D_f = Σ (p − q)²/q. Dual (1 − v)²/v (Neyman χ²).
 * @example fDivergence(p, q, pearson);
 */
export const pearson = new CsiszarFunction(
  "pearson",
  (l) => Math.expm1(l) ** 2,
  (l) => Math.expm1(l) ** 2 * Math.exp(-l),
  1,
  Infinity,
);

/**
 * Squared Hellinger, f(u) = (√u − 1)²; D_f = Σ (√p − √q)² = 2 H² (H the Hellinger distance).
 * Self-dual, bounded.
 * @example fDivergence(p, q, squaredHellinger); // = 2 · hellingerDiscrete(p, q)²
 */
export const squaredHellinger = new CsiszarFunction(
  "squared_hellinger",
  (l) => Math.expm1(0.5 * l) ** 2,
  (l) => Math.expm1(0.5 * l) ** 2,
  1,
  1,
);

/**
 * Triangular discrimination, f(u) = (u − 1)²/(1 + u); D_f = Σ (p − q)²/(p + q). Self-dual,
 * bounded.
 * @example fDivergence(p, q, triangular);
 */
export const triangular = new CsiszarFunction(
  "triangular",
  (l) => Math.expm1(l) ** 2 / (1 + Math.exp(l)),
  (l) => Math.expm1(l) ** 2 / (1 + Math.exp(l)),
  1,
  1,
);

/**
 * T-power, f(u) = s (u^t − 1) (self-normalized: s (u^t − 1 − t (u − 1))), s = −1 for
 * 0 < t < 1 and +1 otherwise.
 * @example fDivergence(p, q, tPower(2)); // = Σ p²/q − 1
 */
export function tPower(t: number, options: { selfNormalized?: boolean } = {}): CsiszarFunction {
  if (!Number.isFinite(t)) throw invalidParameter("t", "a finite number", t);
  const norm = options.selfNormalized ?? false;
  const s = t > 0 && t < 1 ? -1 : 1;
  if (t === 0)
    return new CsiszarFunction(
      "t_power",
      () => 0,
      () => 0,
      0,
      0,
    );
  const lower = (l: number): number => s * (Math.expm1(t * l) - (norm ? t * Math.expm1(l) : 0));
  const dualLower = (l: number): number => s * (powDiff(l, t) + (norm ? t * Math.expm1(l) : 0));
  const atZero = t < 0 ? Infinity : s * (-1 + (norm ? t : 0));
  const growth = t > 1 ? Infinity : t === 1 ? 1 : 0; // lim u^{t−1}
  const slope = growth === Infinity ? Infinity : s * (growth - (norm ? t : 0));
  return new CsiszarFunction("t_power", lower, dualLower, atZero, slope);
}

/**
 * Amari α, f(u) = (u^α − 1 − α (u − 1)) / (α (α − 1)) when self-normalized, without the
 * α (u − 1) term otherwise; α = 0 is `klReverse`, α = 1 is `klForward` (Cichocki & Amari,
 * Entropy 12, 2010).
 * @example fDivergence(p, q, amariAlpha(0.5)); // = 4 (1 − Σ √(pq)) = 4 H²
 */
export function amariAlpha(alpha: number, options: { selfNormalized?: boolean } = {}): CsiszarFunction {
  if (!Number.isFinite(alpha)) throw invalidParameter("alpha", "a finite number", alpha);
  const norm = options.selfNormalized ?? false;
  if (alpha === 0) return norm ? klReverse.selfNormalized : klReverse;
  if (alpha === 1) return norm ? klForward.selfNormalized : klForward;
  const c = alpha * (alpha - 1);
  const lower = (l: number): number => Math.expm1(alpha * l) / c - (norm ? Math.expm1(l) / (alpha - 1) : 0);
  const dualLower = (l: number): number => powDiff(l, alpha) / c + (norm ? Math.expm1(l) / (alpha - 1) : 0);
  const atZero = (alpha < 0 ? Infinity : -1 / c) + (norm ? 1 / (alpha - 1) : 0);
  const slope = alpha > 1 ? Infinity : norm ? -1 / (alpha - 1) : 0;
  return new CsiszarFunction("amari_alpha", lower, dualLower, atZero, slope);
}

/**
 * Log1p-abs, f(u) = u^{sign(u − 1)} − 1 = expm1(|log u|). Dual: 1 − v on (0, 1].
 * @example fDivergence(p, q, log1pAbs);
 */
export const log1pAbs = new CsiszarFunction(
  "log1p_abs",
  (l) => Math.expm1(-l),
  (l) => -Math.expm1(l),
  Infinity,
  1,
);

/**
 * Jeffreys, f(u) = ½ (u − 1) log u; D_f = ½ (KL(p ‖ q) + KL(q ‖ p)). Self-dual.
 * @example fDivergence(p, q, jeffreys); // = ½ (kl(p, q) + kl(q, p))
 */
export const jeffreys = new CsiszarFunction(
  "jeffreys",
  (l) => 0.5 * Math.expm1(l) * l,
  (l) => 0.5 * Math.expm1(l) * l,
  Infinity,
  Infinity,
);

/**
 * Chi-square, f(u) = u² − 1; D_f = Σ p²/q − 1 (equal to Pearson χ² for distributions).
 * @example fDivergence(p, q, chiSquare);
 */
export const chiSquare = new CsiszarFunction(
  "chi_square",
  (l) => Math.expm1(2 * l),
  (l) => -2 * Math.sinh(l),
  -1,
  Infinity,
);

/**
 * Modified GAN, f(u) = log(1 + u) − log u (self-normalized: + ½ (u − 1)). f(1) = log 2, so
 * D_f(p, p) = log 2.
 * @example fDivergence(p, q, modifiedGan);
 */
export const modifiedGan: NormalizableCsiszar = withNormalized(
  new CsiszarFunction(
    "modified_gan",
    (l) => log1pexp(l) - l,
    (l) => Math.exp(l) * log1pexp(l),
    Infinity,
    0,
  ),
  new CsiszarFunction(
    "modified_gan",
    (l) => log1pexp(l) - l + 0.5 * Math.expm1(l),
    (l) => Math.exp(l) * log1pexp(l) - 0.5 * Math.expm1(l),
    Infinity,
    0.5,
  ),
);

/**
 * The symmetrization f_g(u) = ½ g(u) + ½ u g(1/u) of a generator g (TFP
 * `symmetrized_csiszar_function`): self-dual, so D_{f_g}(p, q) = D_{f_g}(q, p).
 * @example symmetrized(klForward); // = jeffreys
 */
export function symmetrized(g: CsiszarFunction): CsiszarFunction {
  const d = g.dual();
  const h = (l: number): number => 0.5 * (g.f(l) + d.f(l));
  const lim = 0.5 * (g.atZero + g.slopeAtInfinity);
  return new CsiszarFunction(`symmetrized(${g.name})`, h, h, lim, lim);
}

/**
 * Csiszár f-divergence D_f(p, q) = Σ_x q(x) f(p(x)/q(x)) (TFP's convention, E_q[f(p/q)]) between
 * discrete distributions — Categorical / OneHotCategorical with the same number of categories,
 * or any two of Bernoulli, Binomial, Geometric, Poisson — batched and broadcast.
 *
 * Exact sum over the support (see `discrete.ts`): for bounded generators (finite f(0) and
 * slope) over the bulk of p and q; otherwise over the whole support, following an infinite tail
 * until its terms are negligible (+Infinity when they keep growing). Never below f(1) (Jensen).
 *
 * @example
 * fDivergence(new Bernoulli({ probs: 0.2 }), new Bernoulli({ probs: 0.5 }), totalVariation); // 0.3
 */
export function fDivergence(p: Distribution, q: Distribution, generator: CsiszarFunction): number | NDArray {
  if (!(generator instanceof CsiszarFunction)) {
    throw invalidParameter(
      "generator",
      "a CsiszarFunction (klForward, jensenShannon, amariAlpha(0.5), …)",
      generator,
    );
  }
  const floor = generator.f(0);
  const cell: Cell = (lp, lq) => generator.term(lp, lq);
  const mode = generator.bounded ? "bulk" : "full";
  return mapDiscretePair(p, q, (a, i, b, j) => {
    const v = sumOverSupport(a, i, b, j, cell, mode);
    return Number.isNaN(v) ? v : Math.max(floor, v);
  });
}
