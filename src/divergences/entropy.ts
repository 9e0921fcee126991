/** `entropy`: of a distribution (its own closed form). */
import type { NDArray } from "../core/array.js";
import { Distribution } from "../distributions/base.js";
import { invalidParameter } from "../core/errors.js";

/**
 * Entropy of a distribution in nats: differential entropy −∫ p log p for continuous families,
 * Shannon entropy for discrete ones. Batched distributions give an NDArray of the batch shape.
 * @example entropy(new Normal(0, 1)); // 1.4189385332046727 = ½ log(2πe)
 */
export function entropy(p: Distribution): number | NDArray {
  if (!(p instanceof Distribution)) throw invalidParameter("p", "a Distribution", p);
  return p.entropy();
}
