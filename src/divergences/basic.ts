/** Divergences defined directly from the KL registry and the families' entropies. */
import type { NDArray } from "../core/array.js";
import { add } from "../core/ops.js";
import type { Distribution } from "../distributions/base.js";
import { kl } from "../kl/registry.js";

/**
 * Cross-entropy H(p, q) = −∫ p log q = H(p) + KL(p ‖ q), nats.
 * @example crossEntropy(new Normal(0, 1), new Normal(0, 1)); // = entropy of N(0,1) = 1.4189...
 */
export function crossEntropy(p: Distribution, q: Distribution): number | NDArray {
  const d = kl(p, q);
  return add(p.entropy(), d);
}

/**
 * Jeffreys divergence (symmetrised KL) J(p, q) = KL(p ‖ q) + KL(q ‖ p), nats.
 * @example jeffreys(new Normal(0, 1), new Normal(1, 1)); // 1
 */
export function jeffreys(p: Distribution, q: Distribution): number | NDArray {
  return add(kl(p, q), kl(q, p));
}
