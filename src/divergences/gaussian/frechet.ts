import { NDArray, result } from "../../core/array.js";
import { invalidShape } from "../../core/errors.js";
import { mapResult } from "../../core/ops.js";
import type { Distribution } from "../../distributions/base.js";
import { denseCovariance, type GaussianCov, type GaussianForm } from "../../distributions/gaussian-form.js";
import { eighInPlace, traceSqrtProduct } from "../../linalg/eigh.js";
import { formsOf } from "./forms.js";
import { locDelta, plan } from "./plan.js";
import { scaleShift } from "./renyi.js";

// -----------------------------------------------------------------------------------------------
// Fréchet / 2-Wasserstein
// -----------------------------------------------------------------------------------------------

/** tr Σ of covariance element b. */
export function traceOf(f: GaussianForm, b: number): number {
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
export function factorOf(f: GaussianForm, b: number): { F: Float64Array; k: number } {
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
export function traceSqrtTerm(fp: GaussianForm, bp: number, fq: GaussianForm, bq: number): number {
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
export function frechetCovarianceTerm(fp: GaussianForm, bp: number, fq: GaussianForm, bq: number): number {
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
export function batchShift(fp: GaussianForm, fq: GaussianForm): number {
  const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
  return scaleShift(mean(fp.logDet), mean(fq.logDet), fp.d);
}

/** The form of x·2^e for x ~ f (exact in binary unless it leaves the normal range). */
export function scaledForm(f: GaussianForm, e: number): GaussianForm {
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
