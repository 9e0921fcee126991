import { expm1MinusX } from "../../core/numerics.js";
import type { NDArray } from "../../core/array.js";
import { digamma, lgamma } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Gumbel } from "../../distributions/gumbel.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import { stirlerr } from "../../distributions/binomial.js";
import { psiMinusLog } from "../../distributions/dirichlet.js";
import { each, lgammaBregman, logRatio } from "./shared.js";

// ── Cross family: p Gamma ───────────────────────────────────────────────────────────────────

/**
 * KL(Gamma(α, β) ‖ Exp(λ)) = −H(p) − log λ + λα/β (PyTorch), i.e. KL(Gamma(α, β) ‖ Gamma(1, λ)),
 * evaluated in the form of {@link klGammaGamma}: D(α, 1) + α(e^d − 1 − d) + (α − 1)d with
 * d = log(λ/β) and D the Bregman divergence of log Γ (accurate when p is nearly exponential).
 * @example klGammaExponential(new Gamma(1, 1), new Exponential(1)); // 0
 */
export function klGammaExponential(p: Gamma, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const d = logRatio(q.rate[j], p.rate[i]);
    return lgammaBregman(a, 1 - a) + a * expm1MinusX(d) + (a - 1) * d;
  });
}

/**
 * KL(Gamma(α, β) ‖ Gumbel(μ, s)) = (α − 1)ψ(α) − log Γ(α) − α + log(βs) + α/(βs) − μ/s
 * + e^{μ/s}(1 + 1/(βs))^{−α} (PyTorch; E_p[e^{−x/s}] = (1 + 1/(βs))^{−α}).
 * @example klGammaGumbel(new Gamma(1, 1), new Gumbel(0, 1)); // 0.5
 */
export function klGammaGumbel(p: Gamma, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const bs = p.rate[i] * q.scale[j];
    const lsr = q.loc[j] / q.scale[j];
    const t1 = (a - 1) * digamma(a) - lgamma(a) - a;
    return t1 + Math.log(bs) + a / bs - lsr + Math.exp(lsr - a * Math.log1p(1 / bs));
  });
}

/**
 * KL(Gamma(α, β) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (α/β² + (α/β − μ)²)/(2σ²) (PyTorch), arranged
 * with Stirling's series as ½(ρ² − 1 − log ρ²) + ((α/β − μ)/σ)²/2 − [S(α) + (1 − α)(ψ(α) − log α) − ½],
 * ρ = √α/(βσ), S(α) = log Γ(α) − (α − ½) log α + α − ½ log 2π: no cancellation of terms of the size
 * of log σ, so a Gamma close to the normal (large α) keeps its digits.
 * @example klGammaNormal(new Gamma(1, 1), new Normal(1, 1)); // ½ log 2π − ½
 */
export function klGammaNormal(p: Gamma, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration[i];
    const b = p.rate[i];
    const sigma = q.scale[j];
    const sd = Math.sqrt(a) / b;
    const lr =
      sd > 0 && sd < Infinity ? logRatio(sd, sigma) : 0.5 * Math.log(a) - Math.log(b) - Math.log(sigma);
    const z = (a / b - q.loc[j]) / sigma;
    // H(p) = ½ log(2πa/β²) + S(a) + (1 − a) r(a), S = stirlerr, r(a) = ψ(a) − log a; with
    // c = S(a) + (1 − a) r(a) − ½ = O(1/a) nothing of the size of log σ cancels
    const c = stirlerr(a) + (1 - a) * psiMinusLog(a) - 0.5;
    return 0.5 * expm1MinusX(2 * lr) + 0.5 * z * z - c;
  });
}
