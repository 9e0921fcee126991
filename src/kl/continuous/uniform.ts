import type { NDArray } from "../../core/array.js";
import { lbeta, lgamma } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Gumbel } from "../../distributions/gumbel.js";
import type { Uniform } from "../../distributions/uniform.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import type { Beta } from "../../distributions/beta.js";
import type { Pareto } from "../../distributions/pareto.js";
import { cbLogNormalizer, type ContinuousBernoulli } from "../../distributions/continuous-bernoulli.js";
import { betaKlNear, each, meanLogUniform, near, normalCrossEntropy } from "./shared.js";

// ── Cross family: p Uniform ─────────────────────────────────────────────────────────────────

/**
 * KL(Uniform(l, h) ‖ Beta(α, β)) = −log(h − l) + log B(α, β) − (α − 1)E[log x] − (β − 1)E[log(1 − x)]
 * when [l, h] ⊆ [0, 1], else +Infinity (PyTorch; the uniform's log moments in cancellation-free form).
 * For Uniform(0, 1) = Beta(1, 1) against a nearly uniform Beta, the Beta‖Beta form of
 * {@link klBetaBeta} (Bregman divergences of log Γ), which keeps the digits of nearly equal laws.
 * @example klUniformBeta(new Uniform(0, 1), new Beta(1, 1)); // 0
 */
export function klUniformBeta(p: Uniform, q: Beta): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0 || h > 1) return Infinity;
    const a = q.concentration1[j];
    const b = q.concentration0[j];
    // Uniform(0, 1) is Beta(1, 1): the Beta-Beta form keeps the digits when q is nearly uniform
    if (l === 0 && h === 1 && near(1, a) && near(1, b)) return betaKlNear(1, 1, a, b);
    const t1 = a === 1 ? 0 : (a - 1) * meanLogUniform(l, h);
    const t0 = b === 1 ? 0 : (b - 1) * meanLogUniform(1 - h, 1 - l);
    return -Math.log(h - l) + lbeta(a, b) - t1 - t0;
  });
}

/**
 * KL(Uniform(l, h) ‖ CB(λ)) = −log(h − l) − η(l + h)/2 + A(η) when [l, h] ⊆ [0, 1], else +Infinity.
 * (PyTorch's support test, `p.high ≥ 1 or p.low ≤ 0 → ∞`, also excludes e.g. Uniform(0, 1); this
 * is the exact condition.)
 * @example klUniformContinuousBernoulli(new Uniform(0, 1), new ContinuousBernoulli(0.5)); // 0
 */
export function klUniformContinuousBernoulli(p: Uniform, q: ContinuousBernoulli): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0 || h > 1) return Infinity;
    const eta = q.logits[j];
    return -Math.log(h - l) - eta * (0.5 * l + 0.5 * h) + cbLogNormalizer(eta);
  });
}

/**
 * KL(Uniform(l, h) ‖ Exp(λ)) = λ(l + h)/2 − log((h − l)λ) when l ≥ 0, else +Infinity (PyTorch).
 * @example klUniformExponential(new Uniform(0, 1), new Exponential(1)); // 0.5
 */
export function klUniformExponential(p: Uniform, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0) return Infinity;
    return q.rate[j] * (0.5 * l + 0.5 * h) - Math.log((h - l) * q.rate[j]);
  });
}

/**
 * KL(Uniform(l, h) ‖ Gamma(α, β)) = −log(h − l) + log Γ(α) − α log β − (α − 1)E[log x] + β(l + h)/2
 * when l ≥ 0, else +Infinity (PyTorch).
 * @example klUniformGamma(new Uniform(0, 1), new Gamma(1, 1)); // 0.5
 */
export function klUniformGamma(p: Uniform, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    if (l < 0) return Infinity;
    const a = q.concentration[j];
    const b = q.rate[j];
    const t = a === 1 ? 0 : (a - 1) * meanLogUniform(l, h);
    return -Math.log(h - l) + lgamma(a) - a * Math.log(b) - t + b * (0.5 * l + 0.5 * h);
  });
}

/**
 * KL(Uniform(l, h) ‖ Gumbel(μ, β)) = log(β/(h − l)) + ½(u_h + u_l) + (β/(h − l))(e^{−u_l} − e^{−u_h}),
 * u = (x − μ)/β (PyTorch), the last difference as e^{−u_l}·(−expm1(−(h − l)/β)).
 * @example klUniformGumbel(new Uniform(0, 1), new Gumbel(0, 1)); // 0.5 + (1 − 1/e)
 */
export function klUniformGumbel(p: Uniform, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    const b = q.scale[j];
    const w = h - l;
    const ul = (l - q.loc[j]) / b;
    const uh = (h - q.loc[j]) / b;
    return Math.log(b / w) + 0.5 * (uh + ul) + (b / w) * Math.exp(-ul) * -Math.expm1(-w / b);
  });
}

/**
 * KL(Uniform(l, h) ‖ N(μ, σ²)) = −log(h − l) + ½ log(2πσ²) + ((h − l)²/12 + ((l + h)/2 − μ)²)/(2σ²)
 * (PyTorch).
 * @example klUniformNormal(new Uniform(0, 1), new Normal(0.5, 1)); // ½ log 2π + 1/24
 */
export function klUniformNormal(p: Uniform, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const w = p.high[i] - p.low[i];
    return (
      -Math.log(w) +
      normalCrossEntropy(
        0.5 * (p.low[i] - q.loc[j]) + 0.5 * (p.high[i] - q.loc[j]),
        w / Math.sqrt(12),
        q.scale[j],
      )
    );
  });
}

/**
 * KL(Uniform(l, h) ‖ Pareto(s, α)) = −log(h − l) − log α − α log s + (α + 1)E[log x] when l ≥ s,
 * else +Infinity (PyTorch).
 * @example klUniformPareto(new Uniform(1, 2), new Pareto(1, 1)); // 2(2 log 2 − 1) ≈ 0.7726
 */
export function klUniformPareto(p: Uniform, q: Pareto): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.low[i];
    const h = p.high[i];
    const s = q.scale[j];
    if (l < s) return Infinity;
    const a = q.alpha[j];
    return -Math.log(h - l) - Math.log(a) - a * Math.log(s) + (a + 1) * meanLogUniform(l, h);
  });
}
