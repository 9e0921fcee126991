/**
 * Pairs whose KL(p ‖ q) is +Infinity for every parameter value: q's support misses a set of
 * positive p-probability (e.g. a normal p against an exponential q, which puts no mass on x < 0).
 * The list follows the +Infinity pairs registered by PyTorch's `torch/distributions/kl.py`.
 * Keep this file a simple list: `[P, Q]` rows, each registered with {@link klInfinite}.
 */
import type { NDArray } from "../core/array.js";
import type { Distribution } from "../distributions/base.js";
import { mapPair } from "../distributions/base.js";
import { Normal } from "../distributions/normal.js";
import { Laplace } from "../distributions/laplace.js";
import { Gumbel } from "../distributions/gumbel.js";
import { Uniform } from "../distributions/uniform.js";
import { Exponential } from "../distributions/exponential.js";
import { Gamma } from "../distributions/gamma.js";
import { Beta } from "../distributions/beta.js";
import { Pareto } from "../distributions/pareto.js";
import { ContinuousBernoulli } from "../distributions/continuous-bernoulli.js";

/**
 * KL(p ‖ q) = +Infinity, broadcast over both batch shapes (support mismatch: q vanishes where p
 * has mass).
 * @example klInfinite(new Normal(0, 1), new Exponential(1)); // Infinity
 */
export function klInfinite(p: Distribution, q: Distribution): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, () => Infinity);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Cls = Function & { prototype: Distribution };

/** Pairs with KL = +Infinity (p first); continuous rows below, discrete rows may follow. Row order is irrelevant. */
export const infinitePairs: readonly (readonly [Cls, Cls])[] = [
  // bounded or half-line p, q on a half-line [scale, ∞) that misses (0, scale)
  [Beta, Pareto],
  [ContinuousBernoulli, Pareto],
  // p on [0, ∞) or (0, ∞), q bounded or on [scale, ∞)
  [Exponential, Beta],
  [Exponential, ContinuousBernoulli],
  [Exponential, Pareto],
  [Exponential, Uniform],
  [Gamma, Beta],
  [Gamma, ContinuousBernoulli],
  [Gamma, Pareto],
  [Gamma, Uniform],
  // p on the whole line, q on a half-line or an interval
  [Gumbel, Beta],
  [Gumbel, ContinuousBernoulli],
  [Gumbel, Exponential],
  [Gumbel, Gamma],
  [Gumbel, Pareto],
  [Gumbel, Uniform],
  [Laplace, Beta],
  [Laplace, ContinuousBernoulli],
  [Laplace, Exponential],
  [Laplace, Gamma],
  [Laplace, Pareto],
  [Laplace, Uniform],
  [Normal, Beta],
  [Normal, ContinuousBernoulli],
  [Normal, Exponential],
  [Normal, Gamma],
  [Normal, Pareto],
  [Normal, Uniform],
  // p unbounded above, q bounded
  [Pareto, Beta],
  [Pareto, ContinuousBernoulli],
  [Pareto, Uniform],
];
