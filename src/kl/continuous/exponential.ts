import { expm1MinusX } from "../../core/numerics.js";
import type { NDArray } from "../../core/array.js";
import { EULER_GAMMA, lgamma } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Gumbel } from "../../distributions/gumbel.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import { each, normalCrossEntropy } from "./shared.js";

// ── Cross family: p Exponential ─────────────────────────────────────────────────────────────

/**
 * KL(Exp(λ) ‖ Gamma(α, β)) = −α log ρ + ρ + log Γ(α) + αγ − (1 + γ), ρ = β/λ (PyTorch;
 * E_p[log x] = −γ − log λ).
 * @example klExponentialGamma(new Exponential(1), new Gamma(1, 1)); // 0
 */
export function klExponentialGamma(p: Exponential, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = q.concentration[j];
    const d = Math.log(q.rate[j] / p.rate[i]);
    // −a d + e^d − 1 + lgamma(a) + γ(a − 1) = (e^d − 1 − d) + (1 − a)d + [lgamma(a) + γ(a − 1)]
    return expm1MinusX(d) + (1 - a) * d + lgamma(a) + EULER_GAMMA * (a - 1);
  });
}

/**
 * KL(Exp(λ) ‖ Gumbel(μ, β)) = log(λβ) − 1 + 1/(λβ) − μ/β + e^{μ/β} λβ/(λβ + 1) (PyTorch;
 * E_p[e^{−x/β}] = λβ/(λβ + 1)).
 * @example klExponentialGumbel(new Exponential(1), new Gumbel(0, 1)); // 0.5
 */
export function klExponentialGumbel(p: Exponential, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const srp = p.rate[i] * q.scale[j];
    const lsr = q.loc[j] / q.scale[j];
    return Math.log(srp) - 1 + 1 / srp - lsr + Math.exp(lsr - Math.log1p(1 / srp));
  });
}

/**
 * KL(Exp(λ) ‖ N(μ, σ²)) = log λ − 1 + ½ log(2πσ²) + (1/λ² + (1/λ − μ)²)/(2σ²) (PyTorch, in
 * variance-plus-bias form).
 * @example klExponentialNormal(new Exponential(1), new Normal(1, 1)); // ½ log 2π − ½
 */
export function klExponentialNormal(p: Exponential, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const l = p.rate[i];
    return Math.log(l) - 1 + normalCrossEntropy(1 / l - q.loc[j], 1 / l, q.scale[j]);
  });
}
