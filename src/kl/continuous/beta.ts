import type { NDArray } from "../../core/array.js";
import { digamma, lgamma } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Uniform } from "../../distributions/uniform.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import type { Beta } from "../../distributions/beta.js";
import { cbLogNormalizer, type ContinuousBernoulli } from "../../distributions/continuous-bernoulli.js";
import { betaEntropy } from "./moments.js";
import { each, normalCrossEntropy } from "./shared.js";

// ── Cross family: p Beta ────────────────────────────────────────────────────────────────────

/**
 * KL(Beta(α, β) ‖ CB(λ)) = −H(p) − η E_p[x] + A(η), η = logit λ, E_p[x] = α/(α + β) (PyTorch).
 * @example klBetaContinuousBernoulli(new Beta(1, 1), new ContinuousBernoulli(0.5)); // 0
 */
export function klBetaContinuousBernoulli(p: Beta, q: ContinuousBernoulli): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const eta = q.logits[j];
    return -betaEntropy(a, b) - (eta * a) / (a + b) + cbLogNormalizer(eta);
  });
}

/**
 * KL(Beta(α, β) ‖ Exp(λ)) = −H(p) − log λ + λ α/(α + β) (PyTorch).
 * @example klBetaExponential(new Beta(1, 1), new Exponential(1)); // 0.5
 */
export function klBetaExponential(p: Beta, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    return -betaEntropy(a, b) - Math.log(q.rate[j]) + (q.rate[j] * a) / (a + b);
  });
}

/**
 * KL(Beta(a, b) ‖ Gamma(α, β)) = −H(p) + log Γ(α) − α log β − (α − 1)(ψ(a) − ψ(a + b)) + β a/(a + b)
 * (PyTorch; E_p[log x] = ψ(a) − ψ(a + b)).
 * @example klBetaGamma(new Beta(1, 1), new Gamma(1, 1)); // 0.5
 */
export function klBetaGamma(p: Beta, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const al = q.concentration[j];
    const be = q.rate[j];
    const meanLog = digamma(a) - digamma(a + b);
    return -betaEntropy(a, b) + lgamma(al) - al * Math.log(be) - (al - 1) * meanLog + (be * a) / (a + b);
  });
}

/**
 * KL(Beta(a, b) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var_p + (E_p − μ)²)/(2σ²) (PyTorch).
 * @example klBetaNormal(new Beta(1, 1), new Normal(0.5, 1)); // ½ log 2π + 1/24
 */
export function klBetaNormal(p: Beta, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const s = a + b;
    const m = a / s;
    const v = ((a / s) * (b / s)) / (s + 1);
    return -betaEntropy(a, b) + normalCrossEntropy(m - q.loc[j], Math.sqrt(v), q.scale[j]);
  });
}

/**
 * KL(Beta(a, b) ‖ Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +Infinity (PyTorch).
 * @example klBetaUniform(new Beta(1, 1), new Uniform(0, 2)); // log 2
 */
export function klBetaUniform(p: Beta, q: Uniform): number | NDArray {
  return each(p, q, (i, j) => {
    if (q.low[j] > 0 || q.high[j] < 1) return Infinity;
    return -betaEntropy(p.concentration1[i], p.concentration0[i]) + Math.log(q.high[j] - q.low[j]);
  });
}
