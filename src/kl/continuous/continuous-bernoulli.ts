import type { NDArray } from "../../core/array.js";
import type { Normal } from "../../distributions/normal.js";
import type { Uniform } from "../../distributions/uniform.js";
import type { Exponential } from "../../distributions/exponential.js";
import { cbMean, type ContinuousBernoulli } from "../../distributions/continuous-bernoulli.js";
import { cbEntropy, cbVariance } from "./moments.js";
import { each, normalCrossEntropy } from "./shared.js";

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
