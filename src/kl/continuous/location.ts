import type { NDArray } from "../../core/array.js";
import { EULER_GAMMA, erf } from "../../core/special.js";
import type { Normal } from "../../distributions/normal.js";
import type { Laplace } from "../../distributions/laplace.js";
import type { Gumbel } from "../../distributions/gumbel.js";
import { LOG_2PI, each, normalCrossEntropy } from "./shared.js";

// ── Cross family: p Gumbel, Laplace, Normal ─────────────────────────────────────────────────

/**
 * KL(Gumbel(μ, β) ‖ N(m, σ²)) = −(log β + γ + 1) + ½ log(2πσ²) + (π²β²/6 + (μ + γβ − m)²)/(2σ²)
 * (PyTorch ≥ 1.8 form).
 * @example klGumbelNormal(new Gumbel(0, 1), new Normal(0.5772156649015329, 1)); // ½ log 2π − γ − 1 + π²/12
 */
export function klGumbelNormal(p: Gumbel, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const b = p.scale[i];
    const h = Math.log(b) + EULER_GAMMA + 1;
    return (
      -h + normalCrossEntropy(p.loc[i] - q.loc[j] + EULER_GAMMA * b, (Math.PI / Math.sqrt(6)) * b, q.scale[j])
    );
  });
}

/**
 * KL(Laplace(μ, b) ‖ N(m, σ²)) = −(1 + log 2b) + ½ log(2πσ²) + (2b² + (μ − m)²)/(2σ²) (PyTorch).
 * @example klLaplaceNormal(new Laplace(0, 1), new Normal(0, 1)); // ½ log 2π − log 2
 */
export function klLaplaceNormal(p: Laplace, q: Normal): number | NDArray {
  return each(p, q, (i, j) => {
    const b = p.scale[i];
    return -(1 + Math.log(2 * b)) + normalCrossEntropy(p.loc[i] - q.loc[j], Math.SQRT2 * b, q.scale[j]);
  });
}

/**
 * KL(N(m, σ²) ‖ Gumbel(μ, β)) = −½ log(2πeσ²) + log β + (m − μ)/β + exp((μ − m)/β + σ²/(2β²))
 * (PyTorch; E_p[e^{−x/β}] from the normal's moment generating function).
 * @example klNormalGumbel(new Normal(0, 1), new Gumbel(0, 1)); // e^{1/2} − ½ log 2πe
 */
export function klNormalGumbel(p: Normal, q: Gumbel): number | NDArray {
  return each(p, q, (i, j) => {
    const s = p.scale[i];
    const b = q.scale[j];
    const r = s / b;
    const z = (p.loc[i] - q.loc[j]) / b;
    return -0.5 * (1 + LOG_2PI) - Math.log(r) + z + Math.exp(-z + 0.5 * r * r);
  });
}

/**
 * KL(N(m, σ²) ‖ Laplace(μ, b)) = −½ log(2πeσ²) + log 2b + E|x − μ|/b, with the folded-normal mean
 * E|x − μ| = σ√(2/π) e^{−δ²/(2σ²)} + δ erf(δ/(σ√2)), δ = m − μ (PyTorch ≥ 1.8 form).
 * @example klNormalLaplace(new Normal(0, 1), new Laplace(0, 1)); // log 2 + √(2/π) − ½ log 2πe
 */
export function klNormalLaplace(p: Normal, q: Laplace): number | NDArray {
  return each(p, q, (i, j) => {
    const s = p.scale[i];
    const b = q.scale[j];
    const delta = p.loc[i] - q.loc[j];
    const u = delta / s;
    const absMean = s * Math.sqrt(2 / Math.PI) * Math.exp(-0.5 * u * u) + delta * erf(u / Math.SQRT2);
    return -0.5 * (1 + LOG_2PI) - Math.log(s / b) + Math.LN2 + absMean / b;
  });
}
