import { NDArray, result, unravel } from "../../core/array.js";
import { invalidParameter, invalidShape, notPositiveDefinite } from "../../core/errors.js";
import { mapResult } from "../../core/ops.js";
import type { Distribution } from "../../distributions/base.js";
import {
  denseCovariance,
  lowRankForm,
  mahalanobis,
  type GaussianCov,
  type GaussianForm,
} from "../../distributions/gaussian-form.js";
import { klGaussianForms } from "../../kl/gaussian.js";
import { kernelsFor } from "../../linalg/wasm.js";
import { formsOf } from "./forms.js";
import { Plan, locDelta, plan, sameCovariance } from "./plan.js";

// -----------------------------------------------------------------------------------------------
// Rényi divergence / Bhattacharyya distance
// -----------------------------------------------------------------------------------------------

/**
 * h(t) = log(1 + b(eᵗ − 1)) − b t: the per-eigenvalue log-determinant term
 * log det Σα − (1 − α) log det Σp − α log det Σq for one coordinate with log(σq²/σp²) = t and
 * b = α. It is the cumulant generating function of a Bernoulli(b) variable minus its first
 * cumulant, so near t = 0 the series κ₂t²/2! + κ₃t³/3! + ... (Bernoulli cumulants) is used to
 * avoid cancellation. Returns +Infinity when 1 + b(eᵗ − 1) ≤ 0 (possible only for b > 1).
 */
export function mixedLogDetTerm(t: number, b: number): number {
  const bt = Math.abs(b * t);
  if (Math.abs(t) < 1e-3 && bt < 1e-3) {
    const k2 = b * (1 - b);
    const k3 = k2 * (1 - 2 * b);
    const k4 = k2 * (1 - 6 * k2);
    const k5 = k3 * (1 - 12 * k2);
    const k6 = k2 * (1 - 30 * k2 + 120 * k2 * k2);
    return t * t * (k2 / 2 + t * (k3 / 6 + t * (k4 / 24 + t * (k5 / 120 + (t * k6) / 720))));
  }
  const u = b * Math.expm1(t);
  if (!(u > -1)) return Infinity;
  return Math.log1p(u) - b * t;
}

export interface Mixed {
  /** Σα as a Gaussian form over the covariance-pair batch (location unused). */
  form: GaussianForm;
  /** log det Σα − (1 − α) log det Σp − α log det Σq per covariance pair (+Infinity if Σα is not PD). */
  term: Float64Array;
  /**
   * Dense pairs of extreme scale: per covariance pair an integer e such that `form` holds the
   * factor of Σα·4^−e (the covariance of x·2^−e); the caller scales δ by 2^−e. Null when all are 0.
   */
  shift: Int32Array | null;
}

/**
 * Power-of-two shift that brings a dense covariance pair to unit scale: e ≈ log₂ of the
 * geometric-mean standard deviation, applied only beyond 2^±64 (1e±19), so that ordinary
 * inputs keep their exact bits; there Σα's entries would otherwise overflow or underflow.
 */
export function scaleShift(logDetP: number, logDetQ: number, d: number): number {
  const e = Math.round((logDetP + logDetQ) / (4 * d * Math.LN2));
  return Number.isFinite(e) && Math.abs(e) > 64 ? e : 0;
}

export function isLowRankOrDiag(c: GaussianCov): boolean {
  return c.kind === "diag" || c.kind === "lowrank";
}

/**
 * The mixed covariance Σα = (1 − α) Σp + α Σq for every covariance pair, factorised, with the
 * log-determinant term. Diagonal pairs stay diagonal (log space, Bernoulli-cumulant series);
 * diagonal/low-rank pairs with 0 < α < 1 stay low-rank (W = [√(1−α) Wp, √α Wq]) when the total
 * rank is below d; everything else is a dense Cholesky factorisation. For α > 1 a failed
 * factorisation means Σα is not positive definite and the term is +Infinity.
 */
export function mixedCovariance(fp: GaussianForm, fq: GaussianForm, pl: Plan, alpha: number): Mixed {
  const d = fp.d;
  const a = 1 - alpha;
  const b = alpha;
  const nc = pl.nc;
  const term = new Float64Array(nc);
  const covBatch = pl.covShape;
  const base = { d, batchShape: covBatch, loc: new Float64Array(d), locBatch: [] as number[], covBatch };
  const cpk = fp.cov;
  const cqk = fq.cov;

  if (sameCovariance(fp, fq)) {
    // Σα = Σ: the term is exactly zero and Σ's own factorisation serves.
    return { form: fp, term, shift: null };
  }

  if (cpk.kind === "diag" && cqk.kind === "diag") {
    const logVar = new Float64Array(nc * d);
    for (let c = 0; c < nc; c++) {
      const po = pl.cp(c) * d;
      const qo = pl.cq(c) * d;
      let s = 0;
      for (let i = 0; i < d; i++) {
        const lp = cpk.logVar[po + i];
        const t = cqk.logVar[qo + i] - lp;
        const h = mixedLogDetTerm(t, b);
        s += h;
        // log σα² = log σp² + log(1 + b(eᵗ − 1)) = log σp² + h + b t
        logVar[c * d + i] = h === Infinity ? 0 : lp + h + b * t;
      }
      term[c] = s;
    }
    const logDet = new Float64Array(nc);
    return { form: { ...base, cov: { kind: "diag", logVar }, logDet }, term, shift: null };
  }

  const rp = cpk.kind === "lowrank" ? cpk.r : 0;
  const rq = cqk.kind === "lowrank" ? cqk.r : 0;
  if (alpha < 1 && isLowRankOrDiag(cpk) && isLowRankOrDiag(cqk) && rp + rq < d) {
    const r = rp + rq;
    const W = new Float64Array(nc * d * r);
    const D = new Float64Array(nc * d);
    const sa = Math.sqrt(a);
    const sb = Math.sqrt(b);
    for (let c = 0; c < nc; c++) {
      const bp = pl.cp(c);
      const bq = pl.cq(c);
      for (let i = 0; i < d; i++) {
        const row = c * d * r + i * r;
        let dv = 0;
        if (cpk.kind === "lowrank") {
          for (let k = 0; k < rp; k++) W[row + k] = sa * cpk.W[bp * d * rp + i * rp + k];
          dv += a * cpk.D[bp * d + i];
        } else if (cpk.kind === "diag") dv += a * Math.exp(cpk.logVar[bp * d + i]);
        if (cqk.kind === "lowrank") {
          for (let k = 0; k < rq; k++) W[row + rp + k] = sb * cqk.W[bq * d * rq + i * rq + k];
          dv += b * cqk.D[bq * d + i];
        } else if (cqk.kind === "diag") dv += b * Math.exp(cqk.logVar[bq * d + i]);
        D[c * d + i] = dv;
      }
    }
    const form = lowRankForm(
      new NDArray(new Float64Array(d), [d]),
      new NDArray(W, [...covBatch, d, r]),
      new NDArray(D, [...covBatch, d]),
      false,
    );
    for (let c = 0; c < nc; c++) term[c] = form.logDet[c] - a * fp.logDet[pl.cp(c)] - b * fq.logDet[pl.cq(c)];
    return { form, term, shift: null };
  }

  // Dense: Σα = a Σp + b Σq, lower Cholesky factor per covariance pair.
  const L = new Float64Array(nc * d * d);
  const logDiag = new Float64Array(nc * d);
  const logDet = new Float64Array(nc);
  const sp = new Float64Array(d * d);
  const sq = new Float64Array(d * d);
  const k = kernelsFor(d);
  let shift: Int32Array | null = null;
  for (let c = 0; c < nc; c++) {
    const bp = pl.cp(c);
    const bq = pl.cq(c);
    const off = c * d * d;
    const e = scaleShift(fp.logDet[bp], fq.logDet[bq], d);
    if (e !== 0) (shift ??= new Int32Array(nc))[c] = e;
    denseCovariance(fp, bp, sp, 0, e);
    denseCovariance(fq, bq, sq, 0, e);
    for (let i = 0; i < d * d; i++) L[off + i] = a * sp[i] + b * sq[i];
    const info = k.potrf(d, L, off);
    if (info !== 0) {
      if (alpha > 1) {
        term[c] = Infinity;
        for (let i = 0; i < d * d; i++) L[off + i] = 0;
        for (let i = 0; i < d; i++) L[off + i * d + i] = 1;
        continue;
      }
      throw notPositiveDefinite(
        "mixed covariance",
        `Cholesky of (1 − α)Σp + αΣq (α = ${alpha}) failed at pivot ${info}; the covariances are too ill-conditioned`,
        unravel(c, covBatch),
        L[off + (info - 1) * (d + 1)],
      );
    }
    let s = 0;
    for (let i = 0; i < d; i++) {
      const li = Math.log(L[off + i * d + i]);
      logDiag[c * d + i] = li;
      s += li;
    }
    logDet[c] = 2 * s;
    // log det Σα = log det(Σα 4^−e) + 2 d e log 2; the shifted log-determinants cancel less
    const le = 2 * d * e * Math.LN2;
    term[c] = logDet[c] - a * (fp.logDet[bp] - le) - b * (fq.logDet[bq] - le);
  }
  return { form: { ...base, cov: { kind: "tril", L, logDiag }, logDet }, term, shift };
}

export function checkAlpha(alpha: number): void {
  if (typeof alpha !== "number" || !(alpha >= 0) || !Number.isFinite(alpha)) {
    throw invalidParameter("alpha", "a finite number ≥ 0 (the order of the Rényi divergence)", alpha);
  }
}

/**
 * Rényi divergence of order α between two Gaussian forms (α ≥ 0; α = 1 gives the KL).
 * See {@link renyiGaussian} for the formula.
 */
export function renyiGaussianForms(fp: GaussianForm, fq: GaussianForm, alpha: number): number | NDArray {
  checkAlpha(alpha);
  if (fp.d !== fq.d)
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  if (alpha === 1) return klGaussianForms(fp, fq);
  const d = fp.d;
  const pl = plan(fp, fq);
  // D₀ = −log Q(supp p) = 0: both supports are all of R^d.
  if (alpha === 0) return result(new Float64Array(pl.n), pl.shape);
  const mix = mixedCovariance(fp, fq, pl, alpha);
  const out = new Float64Array(pl.n);
  const delta = new Float64Array(d);
  const work = new Float64Array(Math.max(d, mix.form.cov.kind === "lowrank" ? mix.form.cov.r : 0));
  const sameCov = mix.form === fp;
  const scale = 1 / (2 * (1 - alpha));
  for (let i = 0; i < pl.n; i++) {
    const c = pl.ct(i);
    const t = mix.term[c];
    if (t === Infinity) {
      out[i] = Infinity;
      continue;
    }
    const zero = locDelta(fp, fq, pl, i, delta);
    if (!zero && mix.shift !== null && mix.shift[c] !== 0) {
      const u = 2 ** -mix.shift[c];
      for (let k = 0; k < d; k++) delta[k] *= u;
    }
    const maha = zero ? 0 : mahalanobis(mix.form, sameCov ? pl.cp(c) : c, delta, 0, work);
    const v = 0.5 * alpha * maha + t * scale;
    out[i] = v > 0 ? v : 0;
  }
  return result(out, pl.shape);
}

/**
 * Rényi divergence D_α(p ‖ q) = 1/(α − 1) · log ∫ p^α q^(1−α) between Gaussians, in nats:
 *
 *   D_α = (α/2) δᵀ Σα⁻¹ δ − 1/(2(α − 1)) · log( det Σα / (det Σp^(1−α) det Σq^α) ),
 *   Σα = α Σq + (1 − α) Σp,  δ = μp − μq
 *
 * (Pardo, "Statistical Inference Based on Divergence Measures", 2006, Table 2.1; Gil, Alajaji &
 * Linder, Information Sciences 249, 2013, for the univariate case). Direction: p is raised to α.
 * For α > 1 the integral diverges where Σα is not positive definite: the answer is then
 * +Infinity. α = 1 is the KL divergence KL(p ‖ q); D_½ = 2 × Bhattacharyya. Never negative.
 * Diagonal pairs use the Bernoulli-cumulant form of {@link mixedLogDetTerm}.
 *
 * α = 0 gives the limit D₀ = −log Q(supp p) = 0 (both supports are R^d).
 *
 * Conditioning near α = 1: the log-determinant difference is divided by α − 1, so a value at
 * α = 1 ± ε carries an absolute round-off error of about 1e-16 · |log det Σ| / ε (1e-10 at
 * ε = 1e-6, 1e-7 at ε = 1e-9). α = 1 itself is computed as the KL divergence, exactly.
 *
 * Errors: `InvalidParameter` for α < 0, NaN or ±Infinity; `InvalidShape` for mismatched events;
 * `NotImplemented` for a non-Gaussian side.
 *
 * @example renyiGaussian(new Normal(0, 1), new Normal(1, 1), 2); // α‖δ‖²/2σ² = 1
 */
export function renyiGaussian(p: Distribution, q: Distribution, alpha: number): number | NDArray {
  checkAlpha(alpha);
  const [fp, fq] = formsOf(p, q);
  return renyiGaussianForms(fp, fq, alpha);
}

/**
 * Bhattacharyya distance D_B(p, q) = −log ∫ √(p q) between Gaussians, in nats:
 *
 *   D_B = ⅛ δᵀ Σ⁻¹ δ + ½ log( det Σ / √(det Σp det Σq) ),  Σ = (Σp + Σq)/2
 *
 * (Bhattacharyya 1943; Kailath, IEEE Trans. Commun. Technol. 15, 1967). Symmetric, ≥ 0, zero
 * iff p = q; equals ½ D_½(p ‖ q). Batched and broadcast.
 *
 * @example bhattacharyyaGaussian(new Normal(0, 1), new Normal(2, 1)); // 0.5
 */
export function bhattacharyyaGaussian(p: Distribution, q: Distribution): number | NDArray {
  const [fp, fq] = formsOf(p, q);
  return mapResult(renyiGaussianForms(fp, fq, 0.5), (x) => 0.5 * x);
}

/** Hellinger distance from a Bhattacharyya distance: √(1 − e^(−B)) = √(−expm1(−B)), in [0, 1]. */
export function hellingerFromBhattacharyya(b: number): number {
  if (Number.isNaN(b)) return NaN;
  const h2 = -Math.expm1(-b);
  return h2 <= 0 ? 0 : h2 >= 1 ? 1 : Math.sqrt(h2);
}

/**
 * Hellinger distance H(p, q) = √(1 − ∫ √(p q)) = √(−expm1(−D_B)) between Gaussians (D_B the
 * Bhattacharyya distance); in [0, 1], symmetric, a metric. Computed through expm1 so that it is
 * accurate for nearby distributions and never NaN (clamped to [0, 1]).
 *
 * @example hellingerGaussian(new Normal(0, 1), new Normal(2, 1)); // √(1 − e^(−1/2)) = 0.6273...
 */
export function hellingerGaussian(p: Distribution, q: Distribution): number | NDArray {
  return mapResult(bhattacharyyaGaussian(p, q), hellingerFromBhattacharyya);
}
