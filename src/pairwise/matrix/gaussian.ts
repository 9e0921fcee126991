import { sizeOf } from "../../core/array.js";
import { invalidShape } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { denseCovariance, type GaussianForm } from "../../distributions/gaussian-form.js";
import { kernels } from "../../linalg/kernels.js";
import { gemmNT } from "../../linalg/gemm.js";
import {
  ExactGaussian,
  centre,
  diagKlRows,
  diagKlScratch,
  indexer,
  prepareDiagKl,
  type DiagKlData,
} from "../diag-kernel.js";
import { Plan, cancellationThreshold, checkTile } from "./plan.js";

// ---------------------------------------------------------------------------------------------
// Gaussians
// ---------------------------------------------------------------------------------------------

export interface HasForm {
  toGaussianForm?: () => GaussianForm | undefined;
}

export function gaussianFormIfAny(x: Distribution): GaussianForm | undefined {
  const f = (x as HasForm).toGaussianForm;
  return typeof f === "function" ? f.call(x) : undefined;
}

/** Diagonal Σq: the kernel of ./diag-kernel.ts (shared with the worker threads). */
export function diagPlan(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): Plan {
  const D = diagKlData(fp, fq, n, m, tile);
  const S = diagKlScratch(D);
  return {
    n,
    m,
    tile: D.tile,
    fill(i0, i1, out, off) {
      diagKlRows(D, S, i0, i1, out, off);
    },
  };
}

/** The prepared diagonal-Σq kernel for (fp, fq). */
export function diagKlData(
  fp: GaussianForm,
  fq: GaussianForm,
  n: number,
  m: number,
  tile?: number,
): DiagKlData {
  const K = 2 * fp.d;
  return prepareDiagKl(fp, fq, n, m, checkTile(tile, K), cancellationThreshold(K));
}

/** Dense Σq⁻¹ of covariance element b (tril or low-rank) into out (d × d, symmetric). */
export function denseInverse(f: GaussianForm, b: number, out: Float64Array): void {
  const d = f.d;
  const cov = f.cov;
  const k = kernels();
  out.fill(0);
  if (cov.kind === "tril") {
    for (let i = 0; i < d; i++) out[i * d + i] = 1;
    k.trsmLower(d, d, cov.L, b * d * d, out, 0); // L⁻¹
    k.trsmLowerTrans(d, d, cov.L, b * d * d, out, 0); // L⁻ᵀ L⁻¹ = Σ⁻¹
  } else if (cov.kind === "lowrank") {
    // Σ⁻¹ = D⁻¹ − AᵀA, A = Lc⁻¹ Wᵀ D⁻¹ (r × d), C = I + WᵀD⁻¹W = Lc Lcᵀ
    const r = cov.r;
    const A = new Float64Array(r * d);
    for (let a = 0; a < r; a++)
      for (let i = 0; i < d; i++) A[a * d + i] = cov.W[b * d * r + i * r + a] / cov.D[b * d + i];
    k.trsmLower(r, d, cov.capL, b * r * r, A, 0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = i === j ? 1 / cov.D[b * d + i] : 0;
        for (let a = 0; a < r; a++) s -= A[a * d + i] * A[a * d + j];
        out[i * d + j] = s;
      }
    }
  } else {
    for (let i = 0; i < d; i++) out[i * d + i] = Math.exp(-cov.logVar[b * d + i]);
  }
  // symmetrise (average the two triangles; the low-rank branch filled the lower one)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const s = cov.kind === "lowrank" ? out[i * d + j] : 0.5 * (out[i * d + j] + out[j * d + i]);
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}

export function frobenius(a: Float64Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Full Σq (tril or low-rank; p any Gaussian): with Λ = Σq⁻¹, S = Σp + m mᵀ, m = μp − c, n = μq − c,
 *   2 KL = ⟨Λ, S⟩ − 2 mᵀ(Λ n) + nᵀΛn − d + log det Σq − log det Σp,
 * features X_i = [S_kl (k ≤ l), m], Y_j = [Λ_kk, 2Λ_kl (k < l), −2Λn] (K = d(d+1)/2 + d).
 * Magnitude: (1 + κ_F(Σq))·(‖Λ‖_F‖S‖_F + 2‖m‖‖Λn‖ + nᵀΛn) + d + |log det Σq| + |log det Σp|, the
 * factor κ_F = ‖Σq‖_F‖Λ‖_F covering the error of the explicit inverse.
 */
export function fullPlan(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): Plan {
  const d = fp.d;
  const T = (d * (d + 1)) / 2;
  const K = T + d;
  const t = checkTile(tile, K);
  const tau = cancellationThreshold(K);
  const exact = new ExactGaussian(fp, fq);
  const lpI = indexer(fp.locBatch);
  const cpI = indexer(fp.covBatch);
  const lqI = indexer(fq.locBatch);
  const cqI = indexer(fq.covBatch);
  const c = centre(fq);
  // per covariance element of q: Λ (packed, weighted), ‖Λ‖_F, κ_F
  const ncq = sizeOf(fq.covBatch);
  const lam = new Float64Array(ncq * d * d);
  const lamF = new Float64Array(ncq);
  const kappa = new Float64Array(ncq);
  const tmp = new Float64Array(d * d);
  for (let b = 0; b < ncq; b++) {
    const L = lam.subarray(b * d * d, (b + 1) * d * d);
    denseInverse(fq, b, L);
    lamF[b] = frobenius(L, d * d);
    denseCovariance(fq, b, tmp, 0);
    kappa[b] = frobenius(tmp, d * d) * lamF[b];
  }
  const Y = new Float64Array(m * K);
  const bq = new Float64Array(m);
  const ldq = new Float64Array(m);
  const sq = new Float64Array(m);
  const kq = new Float64Array(m);
  const fq2 = new Float64Array(m);
  const nvec = new Float64Array(d);
  for (let j = 0; j < m; j++) {
    const cb = cqI(j);
    const L = lam.subarray(cb * d * d, (cb + 1) * d * d);
    const lo = lqI(j) * d;
    for (let k = 0; k < d; k++) nvec[k] = fq.loc[lo + k] - c[k];
    let x = j * K;
    for (let k = 0; k < d; k++) {
      Y[x++] = L[k * d + k];
      for (let l = k + 1; l < d; l++) Y[x++] = 2 * L[k * d + l];
    }
    let b = 0;
    let s2 = 0;
    for (let k = 0; k < d; k++) {
      let ln = 0;
      for (let l = 0; l < d; l++) ln += L[k * d + l] * nvec[l];
      Y[j * K + T + k] = -2 * ln;
      b += nvec[k] * ln;
      s2 += ln * ln;
    }
    bq[j] = b > 0 ? b : 0;
    sq[j] = Math.sqrt(s2);
    ldq[j] = fq.logDet[cb];
    kq[j] = 1 + kappa[cb];
    fq2[j] = lamF[cb];
  }
  const X = new Float64Array(t * K);
  const ep = new Float64Array(t);
  const rp = new Float64Array(t);
  const ldp = new Float64Array(t);
  const S = new Float64Array(d * d);
  const mv = new Float64Array(d);
  let lastCov = -1;
  const covP = new Float64Array(d * d);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const tr = r1 - r0;
        for (let a = 0; a < tr; a++) {
          const i = r0 + a;
          const cb = cpI(i);
          if (cb !== lastCov) {
            denseCovariance(fp, cb, covP, 0);
            lastCov = cb;
          }
          const lo = lpI(i) * d;
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            mv[k] = fp.loc[lo + k] - c[k];
            r2 += mv[k] * mv[k];
          }
          for (let k = 0; k < d; k++)
            for (let l = 0; l < d; l++) S[k * d + l] = covP[k * d + l] + mv[k] * mv[l];
          let x = a * K;
          for (let k = 0; k < d; k++) for (let l = k; l < d; l++) X[x++] = S[k * d + l];
          for (let k = 0; k < d; k++) X[a * K + T + k] = mv[k];
          ep[a] = frobenius(S, d * d);
          rp[a] = Math.sqrt(r2);
          ldp[a] = fp.logDet[cb];
        }
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          const base = off + (r0 - i0) * m + c0;
          gemmNT(tr, c1 - c0, K, X, 0, K, Y, c0 * K, K, out, base, m);
          for (let a = 0; a < tr; a++) {
            const o = base + a * m;
            for (let j = c0; j < c1; j++) {
              const g = out[o + j - c0];
              const two = g + bq[j] - d + ldq[j] - ldp[a];
              const mag =
                kq[j] * (fq2[j] * ep[a] + 2 * rp[a] * sq[j] + bq[j]) +
                d +
                Math.abs(ldq[j]) +
                Math.abs(ldp[a]);
              // exact per pair where the product form cancels or is not finite (scales of 1e±154)
              out[o + j - c0] =
                two >= tau * mag && mag < Infinity
                  ? 0.5 * two
                  : exact.kl(lpI(r0 + a), cpI(r0 + a), lqI(j), cqI(j));
            }
          }
        }
      }
    },
  };
}

export function gaussianKlPlan(
  fp: GaussianForm,
  fq: GaussianForm,
  n: number,
  m: number,
  tile?: number,
): Plan {
  if (fp.d !== fq.d) {
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  }
  return fq.cov.kind === "diag" ? diagPlan(fp, fq, n, m, tile) : fullPlan(fp, fq, n, m, tile);
}
