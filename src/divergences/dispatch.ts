/**
 * One entry point per distance, whatever the families: `bhattacharyya`, `hellinger`,
 * `renyi`, `js` (Jensen–Shannon divergence) and `totalVariation`. Each picks, in order:
 *
 * 1. the exact discrete implementation (`discrete.ts`) when both sides are discrete
 *    (Categorical/OneHotCategorical, or Bernoulli/Binomial/Geometric/Poisson);
 * 2. for `Independent` wrappers of discrete bases with the same reinterpreted axes: the base
 *    value summed over those axes (Bhattacharyya and Rényi are additive over independent
 *    components; Hellinger follows from the summed Bhattacharyya);
 * 3. an implementation registered with {@link registerDistance} whose predicate accepts the
 *    pair (latest registration first);
 * 4. the Gaussian closed forms of `gaussian-distances.ts` when both sides are Gaussian;
 *
 * and otherwise throws `NotImplemented` naming both families.
 */
import type { NDArray } from "../core/array.js";
import { notImplemented } from "../core/errors.js";
import { mapResult } from "../core/ops.js";
import type { Distribution } from "../distributions/base.js";
import { Independent, sumTrailing } from "../distributions/independent.js";
import {
  bhattacharyyaDiscrete,
  checkRenyiAlpha,
  hellingerDiscrete,
  isDiscrete,
  jsDiscrete,
  renyiDiscrete,
  totalVariationDiscrete,
} from "./discrete.js";
import { bhattacharyyaGaussian, hellingerGaussian, isGaussian, renyiGaussian } from "./gaussian-distances.js";

/** The distances this module dispatches. */
export type DistanceName = "bhattacharyya" | "hellinger" | "renyi" | "js" | "totalVariation";

/** A distance implementation; `alpha` is passed for `renyi` only. */
export type DistanceFunction = (p: Distribution, q: Distribution, alpha?: number) => number | NDArray;

interface Entry {
  predicate: (p: Distribution, q: Distribution) => boolean;
  fn: DistanceFunction;
}

const registered: Record<DistanceName, Entry[]> = {
  bhattacharyya: [],
  hellinger: [],
  renyi: [],
  js: [],
  totalVariation: [],
};

/**
 * Registers an implementation of a distance for the pairs `predicate` accepts. Discrete pairs
 * always use the built-in exact sums; registrations are consulted before the built-in Gaussian
 * closed forms, latest first.
 * @example registerDistance("bhattacharyya", (p, q) => p instanceof MyFamily && q instanceof MyFamily, myBhattacharyya);
 */
export function registerDistance(
  name: DistanceName,
  predicate: Entry["predicate"],
  fn: DistanceFunction,
): void {
  if (!(name in registered))
    throw notImplemented(`unknown distance "${String(name)}" (known: ${Object.keys(registered).join(", ")})`);
  registered[name].unshift({ predicate, fn });
}

function lookup(name: DistanceName, p: Distribution, q: Distribution): DistanceFunction | undefined {
  return registered[name].find((e) => e.predicate(p, q))?.fn;
}

/** Both sides Independent over discrete bases, reinterpreting the same number of axes. */
function independentDiscrete(p: Distribution, q: Distribution): p is Independent {
  return (
    p instanceof Independent &&
    q instanceof Independent &&
    isDiscrete(p.base) &&
    isDiscrete(q.base) &&
    p.reinterpretedBatchNdims === q.reinterpretedBatchNdims
  );
}

function unsupported(name: string, p: Distribution, q: Distribution): Error {
  return notImplemented(
    `${name}(${p.family}, ${q.family}) is not implemented: supported are pairs of discrete families ` +
      `(exact sums), Gaussian families (closed forms) and pairs registered with registerDistance("${name}", …)`,
  );
}

/**
 * Bhattacharyya distance D_B(p, q) = −log ∫ √(p q), nats. Symmetric, ≥ 0.
 * @example bhattacharyya(new Poisson(1), new Poisson(4)); // 0.5
 */
export function bhattacharyya(p: Distribution, q: Distribution): number | NDArray {
  if (isDiscrete(p) && isDiscrete(q)) return bhattacharyyaDiscrete(p, q);
  if (independentDiscrete(p, q))
    return sumTrailing(bhattacharyya(p.base, (q as Independent).base), p.reinterpretedBatchNdims);
  const fn = lookup("bhattacharyya", p, q);
  if (fn) return fn(p, q);
  if (isGaussian(p) && isGaussian(q)) return bhattacharyyaGaussian(p, q);
  throw unsupported("bhattacharyya", p, q);
}

/**
 * Hellinger distance H(p, q) = √(1 − ∫ √(p q)), in [0, 1].
 * @example hellinger(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 1 })); // 1
 */
export function hellinger(p: Distribution, q: Distribution): number | NDArray {
  if (isDiscrete(p) && isDiscrete(q)) return hellingerDiscrete(p, q);
  if (independentDiscrete(p, q)) {
    return mapResult(bhattacharyya(p, q), (b) =>
      Number.isNaN(b) ? b : Math.sqrt(Math.min(1, Math.max(0, -Math.expm1(-b)))),
    );
  }
  const fn = lookup("hellinger", p, q);
  if (fn) return fn(p, q);
  if (isGaussian(p) && isGaussian(q)) return hellingerGaussian(p, q);
  throw unsupported("hellinger", p, q);
}

/**
 * Rényi divergence of order α, D_α(p ‖ q) = log(∫ p^α q^{1−α}) / (α − 1), nats; α = 1 is
 * KL(p ‖ q).
 * @example renyi(new Poisson(1), new Poisson(4), 0.5); // 1
 */
export function renyi(p: Distribution, q: Distribution, alpha: number): number | NDArray {
  if (isDiscrete(p) && isDiscrete(q)) return renyiDiscrete(p, q, alpha);
  if (independentDiscrete(p, q)) {
    checkRenyiAlpha(alpha);
    return sumTrailing(renyi(p.base, (q as Independent).base, alpha), p.reinterpretedBatchNdims);
  }
  const fn = lookup("renyi", p, q);
  if (fn) return fn(p, q, alpha);
  if (isGaussian(p) && isGaussian(q)) return renyiGaussian(p, q, alpha);
  throw unsupported("renyi", p, q);
}

/**
 * Jensen–Shannon divergence ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q)/2, nats; in [0, log 2].
 * @example js(new Bernoulli({ probs: 0 }), new Bernoulli({ probs: 1 })); // log 2
 */
export function js(p: Distribution, q: Distribution): number | NDArray {
  if (isDiscrete(p) && isDiscrete(q)) return jsDiscrete(p, q);
  const fn = lookup("js", p, q);
  if (fn) return fn(p, q);
  throw unsupported("js", p, q);
}

/**
 * Total variation distance ½ ∫ |p − q|, in [0, 1].
 * @example totalVariation(new Bernoulli({ probs: 0.2 }), new Bernoulli({ probs: 0.5 })); // 0.3
 */
export function totalVariation(p: Distribution, q: Distribution): number | NDArray {
  if (isDiscrete(p) && isDiscrete(q)) return totalVariationDiscrete(p, q);
  const fn = lookup("totalVariation", p, q);
  if (fn) return fn(p, q);
  throw unsupported("totalVariation", p, q);
}
