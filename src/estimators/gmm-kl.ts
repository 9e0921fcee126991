/**
 * KL(p ‖ q) between Gaussian mixtures p = Σ_a π_a f_a and q = Σ_b ω_b g_b, which has no closed
 * form. The approximations and bounds of Hershey & Olsen, "Approximating the Kullback Leibler
 * divergence between Gaussian mixture models", ICASSP 2007, and the bounds of Durrieu, Thiran &
 * Kelly, "Lower and upper bounds for approximation of the Kullback-Leibler divergence between
 * Gaussian mixture models", ICASSP 2012, plus plain Monte Carlo.
 *
 * Notation: D_ab = KL(f_a ‖ g_b) and D_aα = KL(f_a ‖ f_α) are the closed-form Gaussian KLs (the
 * factorised code of `src/kl/gaussian.ts`); t_ab = ∫ f_a g_b = N(μ_a; μ_b, Σ_a + Σ_b) and
 * z_aα = ∫ f_a f_α = N(μ_a; μ_α, Σ_a + Σ_α) are the normalising constants of Gaussian products;
 * H(f_a) = ½(d(1 + log 2π) + log det Σ_a). Every log Σ exp is a log-sum-exp; components of zero
 * weight drop out (0 log 0 = 0).
 */
import { NDArray } from "../core/array.js";
import { KullbackError, invalidParameter, invalidShape } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { GaussianMixture } from "../distributions/gaussian-mixture.js";
import { LOG_2PI, denseCovariance, type GaussianForm } from "../distributions/gaussian-form.js";
import { MultivariateNormal } from "../distributions/multivariate-normal.js";
import { klGaussianForms } from "../kl/gaussian.js";
import { kernels } from "../linalg/kernels.js";
import { klMonteCarlo } from "./monte-carlo.js";

export type GmmKlMethod =
  | "variational"
  | "variationalUpperBound"
  | "matchedBound"
  | "gaussianApprox"
  | "product"
  | "goldberger"
  | "monteCarlo"
  | "durrieuLowerBound"
  | "durrieuUpperBound";

/** Every method name {@link gmmKl} accepts. */
export const GMM_KL_METHODS: readonly GmmKlMethod[] = [
  "variational",
  "variationalUpperBound",
  "matchedBound",
  "gaussianApprox",
  "product",
  "goldberger",
  "monteCarlo",
  "durrieuLowerBound",
  "durrieuUpperBound",
];

export type GmmKlKind = "approximation" | "upperBound" | "lowerBound" | "monteCarlo" | "exact";

export interface GmmKlOptions {
  /** Default `"variational"`. */
  method?: GmmKlMethod;
  /** monteCarlo: number of draws of p (default 10 000). */
  samples?: number;
  /** monteCarlo: seed (default: `Random`'s default seed). */
  seed?: number;
  /** variationalUpperBound: stop when the bound changes by at most tolerance·|bound| (default 1e-14). */
  tolerance?: number;
  /** variationalUpperBound: iteration cap (default 10 000). */
  maxIterations?: number;
}

export interface GmmKlResult {
  value: number;
  /**
   * What `value` is: an approximation, an upper or lower bound of KL(p ‖ q), a Monte Carlo
   * estimate, or exact (both mixtures have one component and the method reduces to the
   * Gaussian closed form).
   */
  kind: GmmKlKind;
  method: GmmKlMethod;
  /** variationalUpperBound: number of (φ, ψ) update sweeps. */
  iterations?: number;
  /** variationalUpperBound: whether the tolerance was met before maxIterations. */
  converged?: boolean;
  /** monteCarlo: standard error of the estimate. */
  standardError?: number;
  /** monteCarlo: number of draws. */
  samples?: number;
}

/** A GaussianMixture, or an unbatched Gaussian as a mixture of one. */
function asMixture(x: Distribution, name: string): GaussianMixture {
  if (x instanceof GaussianMixture) return x;
  try {
    return GaussianMixture.fromGaussian(x);
  } catch (e) {
    if (e instanceof KullbackError && e.code === "InvalidParameter" && e.argument === "dist") {
      throw invalidParameter(name, "a GaussianMixture or an unbatched Gaussian", x.family);
    }
    throw e;
  }
}

/** The same form seen with another batch shape of the same size (K ↦ [K, 1] or [1, K]). */
function reshaped(f: GaussianForm, batch: number[]): GaussianForm {
  return { ...f, batchShape: batch, locBatch: batch, covBatch: batch };
}

/** Ka × Kb matrix of KL(a_i ‖ b_j), row-major. */
function klMatrix(a: GaussianMixture, b: GaussianMixture): Float64Array {
  const r = klGaussianForms(reshaped(a.componentForm(), [a.K, 1]), reshaped(b.componentForm(), [1, b.K]));
  return typeof r === "number" ? Float64Array.of(r) : r.data;
}

/** Ka × Kb matrix of log N(μ_i; μ_j, Σ_i + Σ_j) (log normalising constant of f_i f_j). */
function logOverlapMatrix(a: GaussianMixture, b: GaussianMixture): Float64Array {
  const fa = a.componentForm();
  const fb = b.componentForm();
  const d = a.d;
  const out = new Float64Array(a.K * b.K);
  const bothDiag = fa.cov.kind === "diag" && fb.cov.kind === "diag";
  const ca = new Float64Array(d * d);
  const cb = new Float64Array(d * d);
  const y = new Float64Array(d);
  const k = kernels();
  for (let i = 0; i < a.K; i++) {
    if (!bothDiag) denseCovariance(fa, i, ca, 0);
    for (let j = 0; j < b.K; j++) {
      let logDet = 0;
      let maha = 0;
      if (bothDiag) {
        const va = (fa.cov as { logVar: Float64Array }).logVar;
        const vb = (fb.cov as { logVar: Float64Array }).logVar;
        for (let t = 0; t < d; t++) {
          const s = Math.exp(va[i * d + t]) + Math.exp(vb[j * d + t]);
          const delta = fa.loc[i * d + t] - fb.loc[j * d + t];
          logDet += Math.log(s);
          maha += (delta * delta) / s;
        }
      } else {
        denseCovariance(fb, j, cb, 0);
        for (let t = 0; t < d * d; t++) cb[t] += ca[t];
        const info = k.potrf(d, cb, 0);
        if (info !== 0) throw new Error(`gmmKl: Σ_a + Σ_b not positive definite (pivot ${info})`);
        for (let t = 0; t < d; t++) {
          y[t] = fa.loc[i * d + t] - fb.loc[j * d + t];
          logDet += 2 * Math.log(cb[t * d + t]);
        }
        k.trsvLower(d, cb, 0, y, 0);
        for (let t = 0; t < d; t++) maha += y[t] * y[t];
      }
      out[i * b.K + j] = -0.5 * (d * LOG_2PI + logDet + maha);
    }
  }
  return out;
}

/** Component entropies H(f_a) = ½(d(1 + log 2π) + log det Σ_a). */
function entropies(a: GaussianMixture): Float64Array {
  const f = a.componentForm();
  return f.logDet.map((ld) => 0.5 * (a.d * (1 + LOG_2PI) + ld));
}

/** log Σ_j w_j exp(sign · M_ij) for row i of the matrix M with K columns (log w_j given), by log-sum-exp. */
function rowLse(M: Float64Array, i: number, K: number, logW: Float64Array, sign: number): number {
  let max = -Infinity;
  for (let j = 0; j < K; j++) {
    const t = logW[j] + sign * M[i * K + j];
    if (t > max) max = t;
  }
  if (max === -Infinity || max === Infinity || Number.isNaN(max)) return max;
  let s = 0;
  for (let j = 0; j < K; j++) s += Math.exp(logW[j] + sign * M[i * K + j] - max);
  return max + Math.log(s);
}

/** Σ_a π_a g(a) over components of positive weight. */
function weighted(p: GaussianMixture, g: (a: number) => number): number {
  let s = 0;
  for (let a = 0; a < p.K; a++) if (p.weights[a] > 0) s += p.weights[a] * g(a);
  return s;
}

/**
 * Moment-matched single Gaussian (mean Σ π_a μ_a, covariance by the law of total covariance);
 * the component itself when K = 1.
 */
function momentMatched(m: GaussianMixture): GaussianForm {
  if (m.K === 1) return reshaped(m.componentForm(), []);
  return MultivariateNormal.fromCovariance(m.mean(), m.covariance()).form;
}

function variationalUpperBound(
  p: GaussianMixture,
  q: GaussianMixture,
  D: Float64Array,
  tolerance: number,
  maxIterations: number,
): { value: number; iterations: number; converged: boolean } {
  // components of zero weight have φ = ψ = 0 throughout: drop them
  const A = [...p.weights.keys()].filter((a) => p.weights[a] > 0);
  const B = [...q.weights.keys()].filter((b) => q.weights[b] > 0);
  const na = A.length;
  const nb = B.length;
  const logPi = Float64Array.from(A, (a) => p.logWeights[a]);
  const logOm = Float64Array.from(B, (b) => q.logWeights[b]);
  const Dm = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) Dm[i * nb + j] = D[A[i] * q.K + B[j]];
  const lphi = new Float64Array(na * nb);
  const lpsi = new Float64Array(na * nb);
  for (let i = 0; i < na; i++)
    for (let j = 0; j < nb; j++) lphi[i * nb + j] = lpsi[i * nb + j] = logPi[i] + logOm[j];
  const tmp = new Float64Array(Math.max(na, nb));
  let prev = Infinity;
  let value = Infinity;
  let it = 0;
  let converged = false;
  while (it < maxIterations) {
    it++;
    // φ_ab = π_a ψ_ab e^{−D_ab} / Σ_b' ψ_ab' e^{−D_ab'}
    for (let i = 0; i < na; i++) {
      let max = -Infinity;
      for (let j = 0; j < nb; j++) {
        const t = lpsi[i * nb + j] - Dm[i * nb + j];
        tmp[j] = t;
        if (t > max) max = t;
      }
      let s = 0;
      for (let j = 0; j < nb; j++) s += Math.exp(tmp[j] - max);
      const norm = max + Math.log(s);
      for (let j = 0; j < nb; j++) lphi[i * nb + j] = logPi[i] + tmp[j] - norm;
    }
    // ψ_ab = ω_b φ_ab / Σ_a' φ_a'b
    for (let j = 0; j < nb; j++) {
      let max = -Infinity;
      for (let i = 0; i < na; i++) if (lphi[i * nb + j] > max) max = lphi[i * nb + j];
      let s = 0;
      for (let i = 0; i < na; i++) s += Math.exp(lphi[i * nb + j] - max);
      const norm = max + Math.log(s);
      for (let i = 0; i < na; i++) lpsi[i * nb + j] = logOm[j] + lphi[i * nb + j] - norm;
    }
    // D(φ, ψ) = Σ_ab φ_ab (log(φ_ab/ψ_ab) + D_ab)
    value = 0;
    for (let t = 0; t < na * nb; t++) {
      const phi = Math.exp(lphi[t]);
      if (phi > 0) value += phi * (lphi[t] - lpsi[t] + Dm[t]);
    }
    if (Math.abs(value - prev) <= tolerance * Math.abs(value)) {
      converged = true;
      break;
    }
    prev = value;
  }
  return { value: Math.max(0, value), iterations: it, converged };
}

/**
 * Approximations, bounds and Monte Carlo estimates of KL(p ‖ q) between Gaussian mixtures
 * p = Σ_a π_a f_a and q = Σ_b ω_b g_b (nats). A Gaussian (unbatched `Normal`,
 * `MultivariateNormal`, …) on either side is a mixture of one. Methods:
 *
 * - `variational` (Hershey & Olsen eq. 18): Σ_a π_a log( Σ_α π_α e^{−D_aα} / Σ_b ω_b e^{−D_ab} ).
 *   An approximation (can be negative); exact when both have one component.
 * - `variationalUpperBound` (H&O §6): min over φ, ψ ≥ 0 with Σ_b φ_ab = π_a, Σ_a ψ_ab = ω_b of
 *   Σ_ab φ_ab (log(φ_ab/ψ_ab) + D_ab), by the alternating closed-form updates
 *   φ_ab = π_a ψ_ab e^{−D_ab} / Σ_b' ψ_ab' e^{−D_ab'} and ψ_ab = ω_b φ_ab / Σ_a' φ_a'b from
 *   φ = ψ = π_a ω_b, in log space, until the bound changes by ≤ tolerance·|bound|. Every
 *   iterate is feasible, so the value is an upper bound even if not converged; reports `iterations`.
 * - `matchedBound` (H&O eq. 13): Σ_a π_a (log(π_a/ω_a) + D_aa), pairing component a with
 *   component a (index order); an upper bound. Needs K_p = K_q, else `InvalidShape`.
 * - `gaussianApprox`: KL between the moment-matched single Gaussians (approximation).
 * - `product` (H&O eq. 7): Σ_a π_a log( Σ_α π_α z_aα / Σ_b ω_b t_ab ). An approximation; with
 *   one component it is log(∫f² / ∫fg), not the Gaussian KL.
 * - `goldberger` (matching-based, H&O eq. 15): Σ_a π_a (D_{a,m(a)} + log(π_a/ω_{m(a)})),
 *   m(a) = argmin_b (D_ab − log ω_b) (ties: the lowest b). An approximation.
 * - `durrieuLowerBound` (Durrieu, Thiran & Kelly 2012):
 *   Σ_a π_a [ log Σ_α π_α e^{−D_aα} − log Σ_b ω_b t_ab − H(f_a) ] ≤ KL (from Jensen,
 *   E_{f_a}[log q] ≤ log Σ_b ω_b t_ab, and the variational lower bound of E_p[log p]).
 * - `durrieuUpperBound` (same paper): Σ_a π_a [ log Σ_α π_α z_aα − log Σ_b ω_b e^{−D_ab} + H(f_a) ] ≥ KL.
 *   Neither Durrieu bound is tight for one component; the lower bound can be negative
 *   (max(0, ·) is then also a bound).
 * - `monteCarlo`: mean of log p(x) − log q(x) over `samples` draws of p (seeded), with `standardError`.
 *
 * Dimensions must agree (`InvalidShape`). Mixtures are validated on construction (weights
 * non-negative summing to 1, covariances positive definite).
 *
 * @example
 * const p = GaussianMixture.fromVariance([0.5, 0.5], [[-1], [1]], [[1], [1]]);
 * const q = GaussianMixture.fromGaussian(new Normal(0, 2));
 * gmmKl(p, q, { method: "variationalUpperBound" }); // { value, kind: "upperBound", iterations, ... }
 */
export function gmmKl(pIn: Distribution, qIn: Distribution, options: GmmKlOptions = {}): GmmKlResult {
  const method = options.method ?? "variational";
  if (!GMM_KL_METHODS.includes(method))
    throw invalidParameter("method", `one of ${GMM_KL_METHODS.join(", ")}`, method);
  const p = asMixture(pIn, "p");
  const q = asMixture(qIn, "q");
  if (p.d !== q.d) throw invalidShape("q", `event dimension ${q.d} does not match p's ${p.d}`, [p.d, q.d]);
  const single = p.K === 1 && q.K === 1;
  const exactOr = (kind: GmmKlKind): GmmKlKind => (single ? "exact" : kind);
  switch (method) {
    case "variational": {
      const Dpp = klMatrix(p, p);
      const Dpq = klMatrix(p, q);
      const value = weighted(
        p,
        (a) => rowLse(Dpp, a, p.K, p.logWeights, -1) - rowLse(Dpq, a, q.K, q.logWeights, -1),
      );
      return { value, kind: exactOr("approximation"), method };
    }
    case "variationalUpperBound": {
      const tolerance = options.tolerance ?? 1e-14;
      const maxIterations = options.maxIterations ?? 10000;
      if (!(tolerance >= 0)) throw invalidParameter("tolerance", "non-negative", tolerance);
      if (!Number.isInteger(maxIterations) || maxIterations < 1)
        throw invalidParameter("maxIterations", "a positive integer", maxIterations);
      const r = variationalUpperBound(p, q, klMatrix(p, q), tolerance, maxIterations);
      return {
        value: r.value,
        kind: exactOr("upperBound"),
        method,
        iterations: r.iterations,
        converged: r.converged,
      };
    }
    case "matchedBound": {
      if (p.K !== q.K) {
        throw invalidShape(
          "q",
          `matchedBound pairs component a of p with component a of q, so both need the same number of components; got ${p.K} and ${q.K}`,
          [p.K, q.K],
        );
      }
      const D = klMatrix(p, q);
      const value = weighted(p, (a) => p.logWeights[a] - q.logWeights[a] + D[a * q.K + a]);
      return { value: Math.max(0, value), kind: exactOr("upperBound"), method };
    }
    case "gaussianApprox": {
      const r = klGaussianForms(momentMatched(p), momentMatched(q));
      return { value: typeof r === "number" ? r : r.data[0], kind: exactOr("approximation"), method };
    }
    case "product": {
      const Z = logOverlapMatrix(p, p);
      const T = logOverlapMatrix(p, q);
      const value = weighted(
        p,
        (a) => rowLse(Z, a, p.K, p.logWeights, 1) - rowLse(T, a, q.K, q.logWeights, 1),
      );
      return { value, kind: "approximation", method };
    }
    case "goldberger": {
      const D = klMatrix(p, q);
      const value = weighted(p, (a) => {
        let best = -1;
        let bestScore = Infinity;
        for (let b = 0; b < q.K; b++) {
          if (!(q.weights[b] > 0)) continue;
          const s = D[a * q.K + b] - q.logWeights[b];
          if (s < bestScore) {
            bestScore = s;
            best = b;
          }
        }
        return D[a * q.K + best] + p.logWeights[a] - q.logWeights[best];
      });
      return { value, kind: exactOr("approximation"), method };
    }
    case "durrieuLowerBound": {
      const Dpp = klMatrix(p, p);
      const T = logOverlapMatrix(p, q);
      const H = entropies(p);
      const value = weighted(
        p,
        (a) => rowLse(Dpp, a, p.K, p.logWeights, -1) - rowLse(T, a, q.K, q.logWeights, 1) - H[a],
      );
      return { value, kind: "lowerBound", method };
    }
    case "durrieuUpperBound": {
      const Z = logOverlapMatrix(p, p);
      const Dpq = klMatrix(p, q);
      const H = entropies(p);
      const value = weighted(
        p,
        (a) => rowLse(Z, a, p.K, p.logWeights, 1) - rowLse(Dpq, a, q.K, q.logWeights, -1) + H[a],
      );
      return { value, kind: "upperBound", method };
    }
    case "monteCarlo": {
      const r = klMonteCarlo(p, q, { samples: options.samples, seed: options.seed });
      const value = r.estimate as number;
      const se = r.standardError as number;
      return { value, kind: "monteCarlo", method, standardError: se, samples: r.samples };
    }
  }
}

/** The Ka × Kq matrix of component KLs KL(f_a ‖ g_b) (a helper for inspecting the approximations). */
export function componentKlMatrix(p: Distribution, q: Distribution): NDArray {
  const P = asMixture(p, "p");
  const Q = asMixture(q, "q");
  if (P.d !== Q.d) throw invalidShape("q", `event dimension ${Q.d} does not match p's ${P.d}`, [P.d, Q.d]);
  return new NDArray(klMatrix(P, Q), [P.K, Q.K]);
}
