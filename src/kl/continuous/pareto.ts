import type { NDArray } from "../../core/array.js";
import { lgamma } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Exponential } from "../../distributions/exponential.js";
import type { Gamma } from "../../distributions/gamma.js";
import type { Pareto } from "../../distributions/pareto.js";
import { each, normalCrossEntropy } from "./shared.js";

// ── Cross family: p Pareto ──────────────────────────────────────────────────────────────────

export function paretoEntropy(s: number, a: number): number {
  return Math.log(s / a) + 1 + 1 / a;
}

/**
 * KL(Pareto(s, α) ‖ Exp(λ)) = log(α/(sλ)) − 1/α − 1 + λαs/(α − 1) for α > 1, +Infinity for α ≤ 1
 * (p has no mean) (PyTorch).
 * @example klParetoExponential(new Pareto(1, 2), new Exponential(1)); // log 2 + ½
 */
export function klParetoExponential(p: Pareto, q: Exponential): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 1) return Infinity;
    const s = p.scale[i];
    const l = q.rate[j];
    return -paretoEntropy(s, a) - Math.log(l) + (l * a * s) / (a - 1);
  });
}

/**
 * KL(Pareto(s, α) ‖ Gamma(a, β)) = −H(p) − a log β + log Γ(a) − (a − 1)(log s + 1/α) + βαs/(α − 1)
 * for α > 1, +Infinity for α ≤ 1 (PyTorch; E_p[log x] = log s + 1/α).
 * @example klParetoGamma(new Pareto(1, 2), new Gamma(1, 1)); // log 2 + ½
 */
export function klParetoGamma(p: Pareto, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 1) return Infinity;
    const s = p.scale[i];
    const ga = q.concentration[j];
    const gb = q.rate[j];
    const meanLog = Math.log(s) + 1 / a;
    return (
      -paretoEntropy(s, a) - ga * Math.log(gb) + lgamma(ga) - (ga - 1) * meanLog + (gb * a * s) / (a - 1)
    );
  });
}

/**
 * KL(Pareto(s, α) ‖ N(μ, σ²)) = −H(p) + ½ log(2πσ²) + (Var_p + (E_p − μ)²)/(2σ²) for α > 2,
 * +Infinity for α ≤ 2 (p has no variance) (PyTorch).
 * @example klParetoNormal(new Pareto(1, 3), new Normal(1.5, 1)); // finite
 */
export function klParetoNormal(p: Pareto, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.alpha[i];
    if (a <= 2) return Infinity;
    const s = p.scale[i];
    const m = (a * s) / (a - 1);
    const sd = (s * Math.sqrt(a / (a - 2))) / (a - 1);
    return -paretoEntropy(s, a) + normalCrossEntropy(m - q.loc[j], sd, q.scale[j]);
  });
}
