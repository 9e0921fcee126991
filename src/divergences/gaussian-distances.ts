/**
 * Closed-form distances between Gaussians that PyTorch and TFP do not provide: the
 * Bhattacharyya distance, the Hellinger distance, the Rényi divergence of any order, the
 * 2-Wasserstein distance and the Fréchet distance (its square, the FID formula), for every
 * Gaussian family (Normal, MultivariateNormal, MultivariateNormalDiag,
 * LowRankMultivariateNormal, Independent(Normal, 1)) in any mix, batched and broadcast; plus the
 * mutual information of jointly Gaussian blocks and a matrix-level Fréchet distance for FID.
 *
 * Everything works on the factorised form of `gaussian-form.ts` and follows the structure of the
 * KL in `kl/gaussian.ts`: the location batch and the covariance batch broadcast separately, so
 * the covariance part of a divergence (factorisations, log-determinants, eigenvalues) is
 * computed once per pair of covariance batch elements and the location part once per element
 * of the full broadcast batch.
 *
 * Covariance conventions: Σp, Σq are the covariances of p and q, δ = μp − μq, and for an order
 * α the mixed covariance is Σα = α Σq + (1 − α) Σp (so Σ½ is the average covariance).
 */
import {
  NDArray,
  asArray,
  broadcastMap,
  broadcastShapes,
  result,
  sizeOf,
  unravel,
  type ArrayInput,
} from "../core/array.js";
import { KullbackError, invalidParameter, invalidShape, notPositiveDefinite } from "../core/errors.js";
import { mapResult } from "../core/ops.js";
import type { Distribution } from "../distributions/base.js";
import {
  denseCovariance,
  lowRankForm,
  mahalanobis,
  type GaussianCov,
  type GaussianForm,
} from "../distributions/gaussian-form.js";
import { klGaussianForms } from "../kl/gaussian.js";
import { gaussianFormOf } from "../kl/gaussian-pairs.js";
import { eighInPlace, traceSqrtProduct } from "../linalg/eigh.js";
import { gemmNT } from "../linalg/gemm.js";
import { gemmBackendFor, kernelsFor } from "../linalg/wasm.js";

/** A distribution that may convert to the canonical Gaussian form. */
export interface GaussianConvertible {
  toGaussianForm(): GaussianForm | undefined;
}

/** True when `x` is one of the Gaussian families (including Independent(Normal, 1)). */
export function isGaussian(x: Distribution): x is Distribution & GaussianConvertible {
  const f = (x as Partial<GaussianConvertible>).toGaussianForm;
  return typeof f === "function" && f.call(x) !== undefined;
}

function formsOf(p: Distribution, q: Distribution): [GaussianForm, GaussianForm] {
  if (p.eventShape.length !== q.eventShape.length) {
    throw invalidShape(
      "q",
      `event shape [${q.eventShape.join(", ")}] does not match p's [${p.eventShape.join(", ")}]`,
    );
  }
  const fp = gaussianFormOf(p as Distribution & GaussianConvertible, "p");
  const fq = gaussianFormOf(q as Distribution & GaussianConvertible, "q");
  if (fp.d !== fq.d)
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  return [fp, fq];
}

// ---------------------------------------------------------------------------------------------
// Batch plan shared by every pair function (as in klGaussianForms)
// ---------------------------------------------------------------------------------------------

interface Plan {
  /** Full broadcast batch shape and its size. */
  shape: number[];
  n: number;
  /** Broadcast of the two covariance batch shapes and its size. */
  covShape: number[];
  nc: number;
  /** Covariance-pair element c → covariance element of p / q. */
  cp: (c: number) => number;
  cq: (c: number) => number;
  /** Full element i → covariance-pair element, location element of p / q. */
  ct: (i: number) => number;
  lp: (i: number) => number;
  lq: (i: number) => number;
}

const at = (m: Int32Array | null) => (i: number) => (m ? m[i] : i);

function plan(fp: GaussianForm, fq: GaussianForm): Plan {
  const shape = broadcastShapes([fp.batchShape, fq.batchShape], ["p", "q"]);
  const covShape = broadcastShapes([fp.covBatch, fq.covBatch], ["p covariance", "q covariance"]);
  return {
    shape,
    n: sizeOf(shape),
    covShape,
    nc: sizeOf(covShape),
    cp: at(broadcastMap(fp.covBatch, covShape)),
    cq: at(broadcastMap(fq.covBatch, covShape)),
    ct: at(broadcastMap(covShape, shape)),
    lp: at(broadcastMap(fp.locBatch, shape)),
    lq: at(broadcastMap(fq.locBatch, shape)),
  };
}

/** δ = μp − μq for full element i into `delta`; returns true when δ = 0 exactly. */
function locDelta(fp: GaussianForm, fq: GaussianForm, pl: Plan, i: number, delta: Float64Array): boolean {
  const d = fp.d;
  const po = pl.lp(i) * d;
  const qo = pl.lq(i) * d;
  let zero = true;
  for (let j = 0; j < d; j++) {
    const v = fp.loc[po + j] - fq.loc[qo + j];
    delta[j] = v;
    if (v !== 0) zero = false;
  }
  return zero;
}

/** True when p and q share one covariance object with the same batch layout (e.g. p === q). */
function sameCovariance(fp: GaussianForm, fq: GaussianForm): boolean {
  return (
    fp.cov === fq.cov &&
    fp.covBatch.length === fq.covBatch.length &&
    fp.covBatch.every((s, i) => s === fq.covBatch[i])
  );
}

// ---------------------------------------------------------------------------------------------
// Rényi divergence / Bhattacharyya distance
// ---------------------------------------------------------------------------------------------

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

interface Mixed {
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
function scaleShift(logDetP: number, logDetQ: number, d: number): number {
  const e = Math.round((logDetP + logDetQ) / (4 * d * Math.LN2));
  return Number.isFinite(e) && Math.abs(e) > 64 ? e : 0;
}

function isLowRankOrDiag(c: GaussianCov): boolean {
  return c.kind === "diag" || c.kind === "lowrank";
}

/**
 * The mixed covariance Σα = (1 − α) Σp + α Σq for every covariance pair, factorised, with the
 * log-determinant term. Diagonal pairs stay diagonal (log space, Bernoulli-cumulant series);
 * diagonal/low-rank pairs with 0 < α < 1 stay low-rank (W = [√(1−α) Wp, √α Wq]) when the total
 * rank is below d; everything else is a dense Cholesky factorisation. For α > 1 a failed
 * factorisation means Σα is not positive definite and the term is +Infinity.
 */
function mixedCovariance(fp: GaussianForm, fq: GaussianForm, pl: Plan, alpha: number): Mixed {
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

function checkAlpha(alpha: number): void {
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

// ---------------------------------------------------------------------------------------------
// Fréchet / 2-Wasserstein
// ---------------------------------------------------------------------------------------------

/** tr Σ of covariance element b. */
function traceOf(f: GaussianForm, b: number): number {
  const d = f.d;
  const cov = f.cov;
  let s = 0;
  if (cov.kind === "diag") for (let i = 0; i < d; i++) s += Math.exp(cov.logVar[b * d + i]);
  else if (cov.kind === "tril") for (let i = 0; i < d * d; i++) s += cov.L[b * d * d + i] ** 2;
  else {
    for (let i = 0; i < d; i++) s += cov.D[b * d + i];
    const r = cov.r;
    for (let i = 0; i < d * r; i++) s += cov.W[b * d * r + i] ** 2;
  }
  return s;
}

/**
 * A factor F (d × k, row-major) with Σ = F Fᵀ: diag(σ) (k = d), L (k = d), or [W, diag(√D)]
 * (k = r + d) for the low-rank form.
 */
function factorOf(f: GaussianForm, b: number): { F: Float64Array; k: number } {
  const d = f.d;
  const cov = f.cov;
  if (cov.kind === "diag") {
    const F = new Float64Array(d * d);
    for (let i = 0; i < d; i++) F[i * d + i] = Math.exp(0.5 * cov.logVar[b * d + i]);
    return { F, k: d };
  }
  if (cov.kind === "tril") return { F: cov.L.subarray(b * d * d, (b + 1) * d * d), k: d };
  const r = cov.r;
  const k = r + d;
  const F = new Float64Array(d * k);
  for (let i = 0; i < d; i++) {
    for (let a = 0; a < r; a++) F[i * k + a] = cov.W[b * d * r + i * r + a];
    F[i * k + r + i] = Math.sqrt(cov.D[b * d + i]);
  }
  return { F, k };
}

/**
 * tr √(Σp^½ Σq Σp^½) for covariance elements bp, bq: the nuclear norm of Fᵀ S where S is a
 * square factor (diag or Cholesky) of one side and F any factor of the other. Its squared
 * singular values are the eigenvalues of the d × d matrix G = (FᵀS)ᵀ(FᵀS) = Sᵀ Σ S, which is
 * similar to Σp Σq; one symmetric eigendecomposition (values only) gives the result. Two
 * low-rank sides go through {@link traceSqrtProduct} on the dense covariances.
 */
function traceSqrtTerm(fp: GaussianForm, bp: number, fq: GaussianForm, bq: number): number {
  const d = fp.d;
  let sq: GaussianForm, bs: number, other: GaussianForm, bo: number;
  if (fp.cov.kind !== "lowrank") [sq, bs, other, bo] = [fp, bp, fq, bq];
  else if (fq.cov.kind !== "lowrank") [sq, bs, other, bo] = [fq, bq, fp, bp];
  else {
    const a = new Float64Array(d * d);
    const b = new Float64Array(d * d);
    denseCovariance(fp, bp, a, 0);
    denseCovariance(fq, bq, b, 0);
    return traceSqrtProduct(d, a, b);
  }
  const S = factorOf(sq, bs).F; // d × d
  const { F, k } = factorOf(other, bo); // d × k
  // C = Fᵀ S (k × d), G = Cᵀ C (d × d, lower triangle).
  const C = new Float64Array(k * d);
  const diagS = sq.cov.kind === "diag";
  for (let m = 0; m < d; m++) {
    for (let a = 0; a < k; a++) {
      const fma = F[m * k + a];
      if (fma === 0) continue;
      const row = a * d;
      if (diagS) C[row + m] += fma * S[m * d + m];
      else for (let j = 0; j <= m; j++) C[row + j] += fma * S[m * d + j];
    }
  }
  const G = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += C[a * d + i] * C[a * d + j];
      G[i * d + j] = s;
    }
  }
  const w = new Float64Array(d);
  eighInPlace(d, G, 0, w, 0, null, 0);
  let t = 0;
  for (let i = 0; i < d; i++) if (w[i] > 0) t += Math.sqrt(w[i]);
  return t;
}

/** tr Σp + tr Σq − 2 tr √(Σp^½ Σq Σp^½) ≥ 0 for one covariance pair. */
function frechetCovarianceTerm(fp: GaussianForm, bp: number, fq: GaussianForm, bq: number): number {
  const d = fp.d;
  const cp = fp.cov;
  const cq = fq.cov;
  if (cp === cq && bp === bq) return 0;
  if (cp.kind === "diag" && cq.kind === "diag") {
    // Σ (σp − σq)², σp − σq = σq · expm1((log σp² − log σq²)/2): no cancellation.
    let s = 0;
    for (let i = 0; i < d; i++) {
      const lq = cq.logVar[bq * d + i];
      const diff = Math.exp(0.5 * lq) * Math.expm1(0.5 * (cp.logVar[bp * d + i] - lq));
      s += diff * diff;
    }
    return s;
  }
  const v = traceOf(fp, bp) + traceOf(fq, bq) - 2 * traceSqrtTerm(fp, bp, fq, bq);
  return v > 0 ? v : 0;
}

/** Squared 2-Wasserstein (Fréchet) distance between two Gaussian forms; see {@link frechet}. */
export function frechetGaussianForms(fp: GaussianForm, fq: GaussianForm): number | NDArray {
  if (fp.d !== fq.d)
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  const d = fp.d;
  const pl = plan(fp, fq);
  const term = new Float64Array(pl.nc);
  for (let c = 0; c < pl.nc; c++) term[c] = frechetCovarianceTerm(fp, pl.cp(c), fq, pl.cq(c));
  const out = new Float64Array(pl.n);
  const delta = new Float64Array(d);
  for (let i = 0; i < pl.n; i++) {
    locDelta(fp, fq, pl, i, delta);
    let s = 0;
    for (let j = 0; j < d; j++) s += delta[j] * delta[j];
    out[i] = s + term[pl.ct(i)];
  }
  return result(out, pl.shape);
}

/**
 * Fréchet distance between Gaussians = the squared 2-Wasserstein distance (the FID formula):
 *
 *   F(p, q) = ‖μp − μq‖² + tr Σp + tr Σq − 2 tr √(Σp^½ Σq Σp^½)
 *
 * (Dowson & Landau, J. Multivariate Anal. 12, 1982; Olkin & Pukelsheim 1982; Heusel et al.,
 * "GANs trained by a two time-scale update rule...", NeurIPS 2017, for FID). Symmetric, ≥ 0.
 * The cross term is computed with one real symmetric eigendecomposition (eigenvalues of
 * Sᵀ Σ S, S a square factor of one side), never a complex matrix square root, so rank-deficient
 * (singular PSD) covariances are exact. Two diagonal covariances use Σ (σp,i − σq,i)².
 * Batched and broadcast.
 *
 * @example frechet(new Normal(0, 1), new Normal(3, 2)); // 3² + (1 − 2)² = 10
 */
export function frechet(p: Distribution, q: Distribution): number | NDArray {
  const [fp, fq] = formsOf(p, q);
  const e = batchShift(fp, fq);
  if (e === 0) return frechetGaussianForms(fp, fq);
  // F(p, q) = 4^e F(p·2^−e, q·2^−e): +Infinity where F itself exceeds the float64 range
  const u = 2 ** e;
  return mapResult(frechetGaussianForms(scaledForm(fp, -e), scaledForm(fq, -e)), (x) => x * u * u);
}

/** One power-of-two shift for a whole broadcast pair (see {@link scaleShift}), from mean log-determinants. */
function batchShift(fp: GaussianForm, fq: GaussianForm): number {
  const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
  return scaleShift(mean(fp.logDet), mean(fq.logDet), fp.d);
}

/** The form of x·2^e for x ~ f (exact in binary unless it leaves the normal range). */
function scaledForm(f: GaussianForm, e: number): GaussianForm {
  const u = 2 ** e;
  const lu = 2 * e * Math.LN2;
  const cov = f.cov;
  const scaled: GaussianCov =
    cov.kind === "diag"
      ? { kind: "diag", logVar: cov.logVar.map((x) => x + lu) }
      : cov.kind === "tril"
        ? { kind: "tril", L: cov.L.map((x) => x * u), logDiag: cov.logDiag.map((x) => x + lu / 2) }
        : { ...cov, W: cov.W.map((x) => x * u), D: cov.D.map((x) => x * u * u) };
  return {
    ...f,
    loc: f.loc.map((x) => x * u),
    cov: scaled,
    logDet: f.logDet.map((x) => x + f.d * lu),
  };
}

/**
 * 2-Wasserstein distance W₂(p, q) = √F(p, q) between Gaussians (not squared; F the
 * {@link frechet} distance), a metric on Gaussians. Symmetric, ≥ 0, invariant under a shared
 * translation; for diagonal covariances W₂² = ‖μp − μq‖² + Σ (σp,i − σq,i)².
 *
 * @example wasserstein2(new Normal(0, 1), new Normal(3, 2)); // √10
 */
export function wasserstein2(p: Distribution, q: Distribution): number | NDArray {
  const [fp, fq] = formsOf(p, q);
  const e = batchShift(fp, fq);
  if (e === 0) return mapResult(frechetGaussianForms(fp, fq), Math.sqrt);
  // W2(p, q) = 2^e W2(p·2^−e, q·2^−e): representable even where W2² is not (scales of 1e±200)
  const u = 2 ** e;
  return mapResult(frechetGaussianForms(scaledForm(fp, -e), scaledForm(fq, -e)), (x) => Math.sqrt(x) * u);
}

// ---------------------------------------------------------------------------------------------
// Matrix-level Fréchet distance (FID)
// ---------------------------------------------------------------------------------------------

function symmetricCheck(m: NDArray, off: number, d: number, name: string, index: number[]): void {
  for (let i = 0; i < d; i++) {
    const aii = m.data[off + i * d + i];
    if (aii < 0)
      throw notPositiveDefinite(name, `diagonal entry [${i}, ${i}] = ${aii} is negative`, index, aii);
    for (let j = 0; j < i; j++) {
      const x = m.data[off + i * d + j];
      const y = m.data[off + j * d + i];
      const tol = 1e-8 * Math.sqrt(Math.abs(aii * m.data[off + j * d + j])) + 1e-300;
      if (!(Math.abs(x - y) <= tol)) {
        throw notPositiveDefinite(
          name,
          `not symmetric: entry [${i}, ${j}] = ${x} but [${j}, ${i}] = ${y}`,
          index,
          [x, y],
        );
      }
    }
  }
}

function checkFinite(a: NDArray, name: string): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i])) throw invalidParameter(name, "finite", a.data[i], unravel(i, a.shape));
  }
}

/** Block size of the triangular matrix products in {@link traceSqrtCholesky}. */
const TRIANGULAR_BLOCK = 256;

/**
 * tr √(Σ₁^½ Σ₂ Σ₁^½) when Σ₁ is positive definite: with Σ₁ = L Lᵀ (Cholesky), G = Lᵀ Σ₂ L is
 * similar to Σ₁Σ₂, so the trace is Σ √λᵢ(G) — one Cholesky, two matrix products (WASM SIMD when
 * enabled) and one eigenvalues-only decomposition, instead of a full eigendecomposition of Σ₁.
 * Returns undefined when Σ₁ is singular (the caller then takes the semi-definite route).
 */
function traceSqrtCholesky(d: number, a: Float64Array, b: Float64Array, index: number[]): number | undefined {
  // errors name "b" (Σ₂); the caller maps it to the public argument name
  const L = a.slice();
  if (kernelsFor(d).potrf(d, L, 0) !== 0) return undefined;
  const backend = gemmBackendFor(d);
  const Lt = new Float64Array(d * d);
  // Lᵀ in 32 × 32 tiles (a plain row-by-row transpose of a 2048² matrix misses the cache on
  // every store: 46 → 10 ms here)
  for (let i0 = 0; i0 < d; i0 += 32) {
    const i1 = Math.min(d, i0 + 32);
    for (let j0 = 0; j0 <= i0; j0 += 32) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(j0 + 32, i + 1);
        for (let j = j0; j < j1; j++) Lt[j * d + i] = L[i * d + j];
      }
    }
  }
  // Tt = Lᵀ Σ₂ (Σ₂ symmetric, so its rows serve as Bᵀ), G = Tt L = Tt (Lᵀ)ᵀ
  const Tt = new Float64Array(d * d);
  const b64 = b instanceof Float64Array ? b : Float64Array.from(b);
  // The triangular factors' zeros are skipped block by block: row i of Lᵀ starts at column i,
  // and only the lower triangle of G is formed (all that the eigenvalue routine reads), which
  // takes the two products from 2d³ to about 0.83d³ multiply-adds.
  const bs = TRIANGULAR_BLOCK;
  for (let i0 = 0; i0 < d; i0 += bs) {
    // Tt[i0.., :] = Lᵀ[i0.., i0..] Σ₂[i0.., :]
    gemmNT(Math.min(bs, d - i0), d, d - i0, Lt, i0 * d + i0, d, b64, i0, d, Tt, i0 * d, d, false, backend);
  }
  const G = new Float64Array(d * d);
  for (let j0 = 0; j0 < d; j0 += bs) {
    // G[j0.., j0..j0+nb] = Tt[j0.., j0..] L[j0.., j0..j0+nb]  (rows i ≥ j0 of the lower strip)
    const nb = Math.min(bs, d - j0);
    gemmNT(d - j0, nb, d - j0, Tt, j0 * d + j0, d, Lt, j0 * d + j0, d, G, j0 * d + j0, d, false, backend);
  }
  const w = new Float64Array(d);
  eighInPlace(d, G, 0, w, 0, null, 0);
  const top = Math.max(Math.abs(w[0]), Math.abs(w[d - 1]));
  if (w[0] < -1e-8 * top) {
    throw notPositiveDefinite("b", `eigenvalue ${w[0]} of L₁ᵀΣ₂L₁ is negative`, index, w[0]);
  }
  let t = 0;
  for (let i = 0; i < d; i++) if (w[i] > 0) t += Math.sqrt(w[i]);
  return t;
}

/**
 * Fréchet distance ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr √(Σ₁^½ Σ₂ Σ₁^½) from raw means and
 * covariance matrices — the FID formula of Heusel et al. (NeurIPS 2017) on feature statistics.
 * The covariances need only be symmetric positive SEMI-definite (feature covariances from
 * fewer samples than dimensions are singular): the cross term is {@link traceSqrtProduct}
 * (real symmetric eigendecompositions; null directions dropped exactly, eigenvalues within
 * √ε·max|λ| below zero treated as round-off). Batch axes of the means ([..., d]) and of the
 * covariances ([..., d, d]) broadcast. The result is the squared distance (FID), ≥ 0.
 *
 * Errors: `InvalidShape` for shapes that do not fit; `InvalidParameter` for non-finite entries;
 * `NotPositiveDefinite` for a non-symmetric matrix (relative tolerance 1e-8) or a clearly
 * negative eigenvalue (argument `sigma1` / `sigma2`).
 *
 * @example frechetDistance([0, 0], [[1, 0], [0, 0]], [1, 0], [[4, 0], [0, 0]]); // 1 + 1 = 2
 */
export function frechetDistance(
  mu1: ArrayInput,
  sigma1: ArrayInput,
  mu2: ArrayInput,
  sigma2: ArrayInput,
): number | NDArray {
  const m1 = asArray(mu1, "mu1");
  const m2 = asArray(mu2, "mu2");
  const s1 = asArray(sigma1, "sigma1");
  const s2 = asArray(sigma2, "sigma2");
  if (m1.ndim < 1)
    throw invalidShape("mu1", `must be a vector [..., d]; got shape [${m1.shape.join(", ")}]`, m1.shape);
  const d = m1.shape[m1.ndim - 1];
  if (m2.ndim < 1 || m2.shape[m2.ndim - 1] !== d) {
    throw invalidShape(
      "mu2",
      `must be [..., ${d}] to match mu1; got shape [${m2.shape.join(", ")}]`,
      m2.shape,
    );
  }
  for (const [s, name] of [
    [s1, "sigma1"],
    [s2, "sigma2"],
  ] as const) {
    if (s.ndim < 2 || s.shape[s.ndim - 1] !== d || s.shape[s.ndim - 2] !== d) {
      throw invalidShape(
        name,
        `must be [..., ${d}, ${d}] to match the means; got shape [${s.shape.join(", ")}]`,
        s.shape,
      );
    }
  }
  for (const [a, name] of [
    [m1, "mu1"],
    [m2, "mu2"],
    [s1, "sigma1"],
    [s2, "sigma2"],
  ] as const) {
    checkFinite(a, name);
  }
  const b1 = s1.shape.slice(0, -2);
  const b2 = s2.shape.slice(0, -2);
  const l1 = m1.shape.slice(0, -1);
  const l2 = m2.shape.slice(0, -1);
  const covShape = broadcastShapes([b1, b2], ["sigma1", "sigma2"]);
  const shape = broadcastShapes([l1, l2, covShape], ["mu1", "mu2", "covariances"]);
  const nc = sizeOf(covShape);
  const map1 = at(broadcastMap(b1, covShape));
  const map2 = at(broadcastMap(b2, covShape));
  const dd = d * d;
  for (let b = 0; b < sizeOf(b1); b++) symmetricCheck(s1, b * dd, d, "sigma1", unravel(b, b1));
  for (let b = 0; b < sizeOf(b2); b++) symmetricCheck(s2, b * dd, d, "sigma2", unravel(b, b2));
  const term = new Float64Array(nc);
  for (let c = 0; c < nc; c++) {
    const o1 = map1(c) * dd;
    const o2 = map2(c) * dd;
    const a = s1.data.subarray(o1, o1 + dd);
    const b = s2.data.subarray(o2, o2 + dd);
    let tr = 0;
    for (let i = 0; i < d; i++) tr += a[i * d + i] + b[i * d + i];
    let cross: number;
    try {
      cross = traceSqrtCholesky(d, a, b, unravel(c, covShape)) ?? traceSqrtProduct(d, a, b);
    } catch (e) {
      if (e instanceof KullbackError && e.code === "NotPositiveDefinite") {
        const name = e.argument === "b" ? "sigma2" : "sigma1";
        throw notPositiveDefinite(
          name,
          `not positive semi-definite (${e.message})`,
          unravel(c, covShape),
          e.value,
        );
      }
      throw e;
    }
    const v = tr - 2 * cross;
    term[c] = v > 0 ? v : 0;
  }
  const mt = at(broadcastMap(covShape, shape));
  const ml1 = at(broadcastMap(l1, shape));
  const ml2 = at(broadcastMap(l2, shape));
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o1 = ml1(i) * d;
    const o2 = ml2(i) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = m1.data[o1 + j] - m2.data[o2 + j];
      s += v * v;
    }
    out[i] = s + term[mt(i)];
  }
  return result(out, shape);
}

// ---------------------------------------------------------------------------------------------
// Mutual information of jointly Gaussian blocks
// ---------------------------------------------------------------------------------------------

/**
 * Mutual information (total correlation) among jointly Gaussian blocks of variables, in nats:
 *
 *   I = ½ ( Σ_k log det Σ_{B_k} − log det Σ_{B_1 ∪ ... ∪ B_K} )
 *
 * (Cover & Thomas, "Elements of Information Theory", 2nd ed., §8.5 and Problem 8.x; for two
 * blocks it is −½ log det(I − Σ₁₁⁻¹Σ₁₂Σ₂₂⁻¹Σ₂₁)). `blocks` is either a list of index lists
 * (disjoint; they need not cover every variable: the marginal of their union is used) or a list
 * of block sizes for consecutive variables (which must add up to d). Computed via Cholesky of the
 * union in block order: with L the factor of the union and L_k that of block k alone,
 * I = Σ_k Σ_{i∈B_k} log(L_k,ii / L_ii), a sum of non-negative terms (each the log-ratio of a
 * conditional standard deviation given fewer to given more variables), so independent blocks
 * give exactly 0. `cov` may carry batch axes ([..., d, d]); the result has the batch shape.
 *
 * Errors: `InvalidShape` for a non-square `cov`; `InvalidParameter` for bad blocks (index out of
 * range, repeated, sizes not adding to d, empty block); `NotPositiveDefinite` (argument `cov`,
 * batch index, failing pivot) for a covariance that is not positive definite or not symmetric.
 *
 * @example gaussianMutualInformation([[1, 0.5], [0.5, 1]], [1, 1]); // −½ log(1 − 0.25) = 0.1438...
 */
export function gaussianMutualInformation(
  cov: ArrayInput,
  blocks: readonly number[] | readonly (readonly number[])[],
): number | NDArray {
  const m = asArray(cov, "cov");
  if (m.ndim < 2 || m.shape[m.ndim - 1] !== m.shape[m.ndim - 2]) {
    throw invalidShape(
      "cov",
      `must be a square matrix [..., d, d]; got shape [${m.shape.join(", ")}]`,
      m.shape,
    );
  }
  checkFinite(m, "cov");
  const d = m.shape[m.ndim - 1];
  const groups = readBlocks(blocks, d);
  const order = groups.flat();
  const u = order.length;
  const batch = m.shape.slice(0, -2);
  const nb = sizeOf(batch);
  const out = new Float64Array(nb);
  const k = kernelsFor(d);
  const full = new Float64Array(u * u);
  for (let b = 0; b < nb; b++) {
    const off = b * d * d;
    const index = unravel(b, batch);
    symmetricCheck(m, off, d, "cov", index);
    for (let i = 0; i < u; i++)
      for (let j = 0; j <= i; j++) full[i * u + j] = m.data[off + order[i] * d + order[j]];
    const info = k.potrf(u, full, 0);
    if (info !== 0) {
      throw notPositiveDefinite(
        "cov",
        `Cholesky failed at pivot ${info} (variable ${order[info - 1]}): pivot value ${full[(info - 1) * (u + 1)]}`,
        index,
        full[(info - 1) * (u + 1)],
      );
    }
    let s = 0;
    let start = 0;
    for (const g of groups) {
      const n = g.length;
      const blk = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) blk[i * n + j] = m.data[off + g[i] * d + g[j]];
      const bi = k.potrf(n, blk, 0);
      if (bi !== 0)
        throw notPositiveDefinite(
          "cov",
          `block Cholesky failed at pivot ${bi}`,
          index,
          blk[(bi - 1) * (n + 1)],
        );
      for (let i = 0; i < n; i++) {
        const r = Math.log(blk[i * n + i] / full[(start + i) * u + start + i]);
        if (r > 0) s += r;
      }
      start += n;
    }
    out[b] = s;
  }
  return result(out, batch);
}

function readBlocks(blocks: readonly number[] | readonly (readonly number[])[], d: number): number[][] {
  if (!Array.isArray(blocks) || blocks.length === 0)
    throw invalidParameter("blocks", "a non-empty list of index lists or block sizes", blocks);
  const groups: number[][] = [];
  if (blocks.every((b) => typeof b === "number")) {
    let start = 0;
    for (const size of blocks as readonly number[]) {
      if (!Number.isInteger(size) || size <= 0)
        throw invalidParameter("blocks", "positive integer block sizes", size, [groups.length]);
      groups.push(Array.from({ length: size }, (_, i) => start + i));
      start += size;
    }
    if (start !== d) throw invalidParameter("blocks", `block sizes adding up to d = ${d}`, start);
    return groups;
  }
  const seen = new Set<number>();
  for (let g = 0; g < blocks.length; g++) {
    const b = blocks[g];
    if (!Array.isArray(b) || b.length === 0)
      throw invalidParameter("blocks", "non-empty lists of variable indices", b, [g]);
    for (const i of b as readonly number[]) {
      if (!Number.isInteger(i) || i < 0 || i >= d)
        throw invalidParameter("blocks", `indices in [0, ${d})`, i, [g]);
      if (seen.has(i))
        throw invalidParameter("blocks", "disjoint (each variable in at most one block)", i, [g]);
      seen.add(i);
    }
    groups.push([...(b as readonly number[])]);
  }
  return groups;
}
