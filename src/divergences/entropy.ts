/** `entropy`: of a distribution (its closed form), or SciPy's `stats.entropy` on arrays. */
import type { ArrayInput, NDArray } from "../core/array.js";
import { Distribution } from "../distributions/base.js";
import { entropy as scipyEntropy, type EntropyOptions } from "./elementwise.js";

/**
 * Entropy in nats.
 * - `entropy(p)` for a distribution: differential entropy −∫ p log p (continuous families) or
 *   Shannon entropy (discrete ones); batched distributions give an NDArray of the batch shape.
 * - `entropy(pk, qk?, {base, axis})` on arrays: SciPy `stats.entropy` semantics (inputs
 *   normalised along `axis`, default 0; with `qk`, the KL divergence Σ pk log(pk/qk)).
 * @example
 * entropy(new Normal(0, 1)); // 1.4189385332046727 = ½ log(2πe)
 * entropy([0.5, 0.5], undefined, { base: 2 }); // 1 bit
 */
export function entropy(p: Distribution): number | NDArray;
export function entropy(pk: ArrayInput, qk?: ArrayInput, options?: EntropyOptions): number | NDArray;
export function entropy(
  p: Distribution | ArrayInput,
  qk?: ArrayInput,
  options?: EntropyOptions,
): number | NDArray {
  if (p instanceof Distribution) return p.entropy();
  return scipyEntropy(p, qk, options);
}
