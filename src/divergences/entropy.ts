/** `entropy(p)`: the closed-form entropy of a distribution (SciPy's array form is `scipy.entropy`). */
import type { NDArray } from "../core/array.js";
import { Distribution } from "../distributions/base.js";
import { invalidParameter } from "../core/errors.js";

/**
 * Entropy of a distribution in nats: differential entropy −∫ p log p (continuous families) or
 * Shannon entropy (discrete ones); a batched distribution gives an NDArray of its batch shape.
 * For arrays of probabilities or counts use `scipy.entropy(pk, qk?, { base, axis })`.
 *
 * @throws KullbackError `InvalidParameter` when `p` is not a distribution (naming `scipy.entropy`).
 * @example
 * entropy(new Normal(0, 1)); // 1.4189385332046727 = ½ log(2πe)
 */
export function entropy(p: Distribution): number | NDArray {
  if (!(p instanceof Distribution))
    throw invalidParameter(
      "p",
      "a distribution (for arrays of probabilities or counts use scipy.entropy(pk, qk))",
      Array.isArray(p) ? "an array" : typeof p,
    );
  return p.entropy();
}
