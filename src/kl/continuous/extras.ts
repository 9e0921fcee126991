import { expm1MinusX } from "../../core/numerics.js";
import type { NDArray } from "../../core/array.js";
import { EULER_GAMMA, digamma, lbeta, lgamma, log1mexp } from "../../core/special.js";
import type { Gamma } from "../../distributions/gamma.js";
import type { Beta } from "../../distributions/beta.js";
import type { Weibull } from "../../distributions/weibull.js";
import type { Kumaraswamy } from "../../distributions/kumaraswamy.js";
import { each, lgammaBregman } from "./shared.js";

// ── TFP / NumPyro extras ────────────────────────────────────────────────────────────────────

/**
 * KL(Weibull(λ, k) ‖ Gamma(α, β)) = log k + log Γ(α) − α log(λβ) + γ(α/k − 1) − 1 + βλ Γ(1 + 1/k)
 * (−H(p) − E_p[log q] with E_p[log x] = log λ − γ/k and E_p[x] = λΓ(1 + 1/k); the form of Fan et al.
 * 2020, "Bayesian attention modules"), arranged as log k + log Γ(α) + (1 − α)u + γ(α/k − 1)
 * + log Γ(1 + 1/k) + (e^w − 1 − w) with u = log(λβ), w = u + log Γ(1 + 1/k), so that nothing of
 * order 1 cancels when p is close to q (k ≈ 1, α ≈ 1, λβ ≈ 1).
 * @example klWeibullGamma(new Weibull(1, 1), new Gamma(1, 1)); // 0
 */
export function klWeibullGamma(p: Weibull, q: Gamma): number | NDArray {
  return each(p, q, (i, j) => {
    const lam = p.scale[i];
    const k = p.concentration[i];
    const a = q.concentration[j];
    const b = q.rate[j];
    const lb = lam * b;
    const u = lb >= 2.2250738585072014e-308 && lb < Infinity ? Math.log(lb) : Math.log(lam) + Math.log(b);
    // log Γ(1 + 1/k) = log Γ(2 + w) = (1 − γ)w + D(2, w), w = (1 − k)/k: 1 + 1/k is never rounded
    const w = (1 - k) / k;
    const g = (1 - EULER_GAMMA) * w + lgammaBregman(2, w);
    return Math.log(k) + lgamma(a) + (1 - a) * u + (EULER_GAMMA * (a - k)) / k + g + expm1MinusX(u + g);
  });
}

/**
 * E[log(1 − X)] for X ~ Kumaraswamy(a, b), by tanh-sinh quadrature of
 * ∫₀¹ log(1 − (1 − u^{1/b})^{1/a}) du (X by inverse CDF of a uniform u). The integrand is
 * evaluated in logs: with L = log(u)/b, z = −log(1 − e^L)/a = −log X, it is log(1 − e^{−z}),
 * where log z = log(−log(1 − e^L)) − log a uses L + e^L/2 for L < −20 and log z − z/2 + z²/24 for
 * z < 1e-5 (so nothing underflows to log 0), and log u comes straight from the node formula; both
 * endpoint singularities are resolved. Levels are halved until two agree to ~1e-15.
 * (Nalisnick & Smyth write this as the series −b Σ_{m≥1} B(m/a, b)/(m + ab), which converges like
 * m^{−b−1} — too slowly to truncate for small b.)
 */
export function kumaraswamyMeanLog1m(a: number, b: number): number {
  const logA = Math.log(a);
  const f = (logU: number): number => {
    const L = logU / b;
    const logZ = (L < -20 ? L + 0.5 * Math.exp(L) : Math.log(-log1mexp(L))) - logA;
    const z = Math.exp(logZ);
    return z < 1e-5 ? logZ - z / 2 + (z * z) / 24 : log1mexp(z);
  };
  const tMax = 4.5;
  // node t: s = (π/2) sinh t, u = 1/(1 + e^{−2s}), du/dt = (π/4) cosh t · sech² s
  const term = (t: number): number => {
    const s = 0.5 * Math.PI * Math.sinh(t);
    const e = Math.exp(-2 * Math.abs(s));
    const logU = s >= 0 ? -Math.log1p(e) : 2 * s - Math.log1p(e);
    const sech2 = (4 * e) / ((1 + e) * (1 + e));
    const w = 0.25 * Math.PI * Math.cosh(t) * sech2;
    if (w === 0) return 0;
    return w * f(logU);
  };
  let h = 0.5;
  let sum = term(0);
  for (let k = 1; k * h <= tMax; k++) sum += term(k * h) + term(-k * h);
  let estimate = sum * h;
  for (let level = 0; level < 10; level++) {
    h /= 2;
    for (let k = 1; k * h <= tMax; k += 2) sum += term(k * h) + term(-k * h);
    const next = sum * h;
    if (Math.abs(next - estimate) <= 1e-15 * Math.abs(next)) return next;
    estimate = next;
  }
  return estimate;
}

/**
 * KL(Kumaraswamy(a, b) ‖ Beta(α, β)) for nearly equal laws, as ∫₀¹ φ(log q(x) − log p(x)) du with
 * φ(t) = e^t − 1 − t ≥ 0 and x = F_p⁻¹(u) (valid since both are densities on [0, 1]; a sum of
 * non-negative terms, so no digit is lost however small the result). With L = log(1 − u)/b =
 * log(1 − x^a): log q − log p = (α − a) log x + (β − 1) log(1 − x) − (b − 1)L − log B(α, β) − log(ab),
 * log x = log(1 − e^L)/a. Tanh-sinh quadrature in u as in {@link kumaraswamyMeanLog1m}.
 */
export function kumaraswamyBetaSmall(a: number, b: number, al: number, be: number): number {
  const c = -lbeta(al, be) - Math.log(a) - Math.log(b);
  const f = (log1mU: number): number => {
    const L = log1mU / b;
    const logX = log1mexp(L) / a;
    // 1 − x ≈ e^L/a once e^L underflows next to 1
    const log1mX = L < -700 ? L - Math.log(a) : log1mexp(logX);
    const delta = (al - a) * logX + (be === 1 ? 0 : (be - 1) * log1mX) - (b - 1) * L + c;
    return expm1MinusX(delta);
  };
  // node t: s = (π/2) sinh t, u = 1/(1 + e^{−2s}), 1 − u = 1/(1 + e^{2s})
  const term = (t: number): number => {
    const s = 0.5 * Math.PI * Math.sinh(t);
    const e = Math.exp(-2 * Math.abs(s));
    const log1mU = s >= 0 ? -2 * s - Math.log1p(e) : -Math.log1p(e);
    const w = 0.25 * Math.PI * Math.cosh(t) * ((4 * e) / ((1 + e) * (1 + e)));
    return w === 0 || log1mU === 0 ? 0 : w * f(log1mU);
  };
  const tMax = 4.5;
  let h = 0.5;
  let sum = term(0);
  for (let k = 1; k * h <= tMax; k++) sum += term(k * h) + term(-k * h);
  let estimate = sum * h;
  for (let level = 0; level < 10; level++) {
    h /= 2;
    for (let k = 1; k * h <= tMax; k += 2) sum += term(k * h) + term(-k * h);
    const next = sum * h;
    if (Math.abs(next - estimate) <= 1e-14 * Math.abs(next)) return next;
    estimate = next;
  }
  return estimate;
}

/**
 * KL(Kumaraswamy(a, b) ‖ Beta(α, β)) = (a − α)/a · (−γ − ψ(b) − 1/b) + log(ab) + log B(α, β)
 * − (b − 1)/b − (β − 1) E_p[log(1 − x)] (Nalisnick & Smyth 2017, eq. in appendix; NumPyro's
 * registered pair truncates the series for E_p[log(1 − x)] — here it is integrated to full accuracy,
 * see {@link kumaraswamyMeanLog1m}). Results below 1e-4 (nearly equal laws, where that sum of terms of
 * order 1 cancels) are recomputed as the integral of a non-negative function ({@link kumaraswamyBetaSmall}).
 * @example klKumaraswamyBeta(new Kumaraswamy(1, 1), new Beta(1, 1)); // 0
 */
export function klKumaraswamyBeta(p: Kumaraswamy, q: Beta): number | NDArray {
  return each(p, q, (i, j) => {
    const a = p.concentration1[i];
    const b = p.concentration0[i];
    const al = q.concentration1[j];
    const be = q.concentration0[j];
    const meanLog = -(EULER_GAMMA + digamma(b + 1)) / a; // E_p[log x]
    const negEntropy = Math.log(a) + Math.log(b) + (a - 1) * meanLog - (b - 1) / b;
    const t0 = be === 1 ? 0 : (be - 1) * kumaraswamyMeanLog1m(a, b);
    const v = negEntropy + lbeta(al, be) - (al - 1) * meanLog - t0;
    // a small value is the difference of terms of order 1: integrate the non-negative form instead
    return v < 1e-4 ? kumaraswamyBetaSmall(a, b, al, be) : v;
  });
}
