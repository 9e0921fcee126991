/**
 * The pairwise-KL kernel for a diagonal Σq (p any Gaussian form), on plain typed arrays:
 * prepared once ({@link prepareDiagKl}), then any range of rows is filled by
 * {@link diagKlRows}. Used by `pairwiseKl` in the calling thread and by the worker threads of
 * src/parallel (same code, so a row's values never depend on the range or thread that filled it).
 */
import { sizeOf } from "../core/array.js";
import { mahalanobis, type GaussianCov, type GaussianForm } from "../distributions/gaussian-form.js";
import { covarianceTerm } from "../kl/gaussian.js";
import { gemmNT } from "../linalg/gemm.js";

/** Member i → element index of a broadcast batch part (size 1 ⇒ shared by all). */
export function indexer(batch: readonly number[]): (i: number) => number {
  return sizeOf(batch) === 1 ? () => 0 : (i) => i;
}

/** Exact per-pair Gaussian KL (the registry's code path: φ-form covariance term + Mahalanobis). */
export class ExactGaussian {
  private readonly work3: Float64Array[];
  private readonly delta: Float64Array;
  private readonly work: Float64Array;
  constructor(
    private readonly fp: GaussianForm,
    private readonly fq: GaussianForm,
  ) {
    const d = fp.d;
    this.work3 = [new Float64Array(d * d), new Float64Array(d * d), new Float64Array(d * d)];
    this.delta = new Float64Array(d);
    this.work = new Float64Array(Math.max(d, fq.cov.kind === "lowrank" ? fq.cov.r : 0));
  }
  kl(lp: number, cp: number, lq: number, cq: number): number {
    const { fp, fq, delta } = this;
    const d = fp.d;
    const term = covarianceTerm(fp, cp, fq, cq, this.work3);
    let zero = true;
    for (let k = 0; k < d; k++) {
      const v = fp.loc[lp * d + k] - fq.loc[lq * d + k];
      delta[k] = v;
      if (v !== 0) zero = false;
    }
    const maha = zero ? 0 : mahalanobis(fq, cq, delta, 0, this.work);
    const v = 0.5 * (term + maha);
    return v > 0 ? v : 0;
  }
}

/** Per-dimension mean of q's locations: both sides are shifted by it (KL is translation invariant). */
export function centre(fq: GaussianForm): Float64Array {
  const d = fq.d;
  const nl = fq.loc.length / d;
  const c = new Float64Array(d);
  for (let j = 0; j < nl; j++) for (let k = 0; k < d; k++) c[k] += fq.loc[j * d + k];
  for (let k = 0; k < d; k++) c[k] /= nl;
  return c;
}

/** Marginal variances of covariance element b into out. */
function variancesOf(f: GaussianForm, b: number, out: Float64Array): void {
  const d = f.d;
  const cov = f.cov;
  for (let k = 0; k < d; k++) {
    let s = 0;
    if (cov.kind === "diag") s = Math.exp(cov.logVar[b * d + k]);
    else if (cov.kind === "tril") for (let l = 0; l <= k; l++) s += cov.L[b * d * d + k * d + l] ** 2;
    else {
      s = cov.D[b * d + k];
      for (let a = 0; a < cov.r; a++) s += cov.W[b * d * cov.r + k * cov.r + a] ** 2;
    }
    out[k] = s;
  }
}

/**
 * Diagonal Σq (p any Gaussian): with λ = 1/σq², v = diag Σp, m = μp − c, n = μq − c,
 *   2 KL = Σ_k (v_k + m_k²) λ_k − 2 Σ_k m_k n_k λ_k + Σ_k n_k² λ_k − d + log det Σq − log det Σp,
 * features X_i = [v + m², m], Y_j = [λ, −2 λ n] (K = 2d).
 * Magnitude: G + 4‖m‖‖λn‖ + Σ n²λ + d + |log det Σq| + |log det Σp| (Cauchy–Schwarz bound on the
 * cross term), G the product entry.
 */
export interface DiagKlData {
  fp: GaussianForm;
  fq: GaussianForm;
  n: number;
  m: number;
  K: number;
  tile: number;
  tau: number;
  /** Centre (mean of q's locations). */
  c: Float64Array;
  Y: Float64Array;
  bq: Float64Array;
  ldq: Float64Array;
  sq: Float64Array;
  magQ: Float64Array;
}

/** Per-column precomputations (O(m·d)); `tile` and `tau` as chosen by the caller. */
export function prepareDiagKl(
  fp: GaussianForm,
  fq: GaussianForm,
  n: number,
  m: number,
  tile: number,
  tau: number,
): DiagKlData {
  const d = fp.d;
  const K = 2 * d;
  const lqI = indexer(fq.locBatch);
  const cqI = indexer(fq.covBatch);
  const c = centre(fq);
  const logVarQ = (fq.cov as Extract<GaussianCov, { kind: "diag" }>).logVar;
  const Y = new Float64Array(m * K);
  const bq = new Float64Array(m);
  const ldq = new Float64Array(m);
  const sq = new Float64Array(m);
  const magQ = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const lo = lqI(j) * d;
    const co = cqI(j) * d;
    let b = 0;
    let s2 = 0;
    let labs = 0;
    for (let k = 0; k < d; k++) {
      const lam = Math.exp(-logVarQ[co + k]);
      const nk = fq.loc[lo + k] - c[k];
      Y[j * K + k] = lam;
      Y[j * K + d + k] = -2 * lam * nk;
      b += nk * nk * lam;
      s2 += (lam * nk) ** 2;
      labs += Math.abs(logVarQ[co + k]);
    }
    bq[j] = b;
    ldq[j] = fq.logDet[cqI(j)];
    sq[j] = Math.sqrt(s2);
    magQ[j] = b + d + labs;
  }
  return { fp, fq, n, m, K, tile, tau, c, Y, bq, ldq, sq, magQ };
}

/** Scratch of one caller (one per thread). */
export interface DiagKlScratch {
  exact: ExactGaussian;
  X: Float64Array;
  rp: Float64Array;
  ldp: Float64Array;
  magP: Float64Array;
  v: Float64Array;
}

export function diagKlScratch(D: DiagKlData): DiagKlScratch {
  const t = D.tile;
  return {
    exact: new ExactGaussian(D.fp, D.fq),
    X: new Float64Array(t * D.K),
    rp: new Float64Array(t),
    ldp: new Float64Array(t),
    magP: new Float64Array(t),
    v: new Float64Array(D.fp.d),
  };
}

/** Fills rows [i0, i1) × all m columns into out[off + (i − i0)·m + j]. */
export function diagKlRows(
  D: DiagKlData,
  S: DiagKlScratch,
  i0: number,
  i1: number,
  out: Float64Array,
  off: number,
): void {
  const { fp, fq, m, K, tile: t, tau, c, Y, bq, ldq, sq, magQ } = D;
  const { exact, X, rp, ldp, magP, v } = S;
  const d = fp.d;
  const lpI = indexer(fp.locBatch);
  const cpI = indexer(fp.covBatch);
  const lqI = indexer(fq.locBatch);
  const cqI = indexer(fq.covBatch);
  for (let r0 = i0; r0 < i1; r0 += t) {
    const r1 = Math.min(i1, r0 + t);
    const tr = r1 - r0;
    for (let a = 0; a < tr; a++) {
      const i = r0 + a;
      const lo = lpI(i) * d;
      variancesOf(fp, cpI(i), v);
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const mk = fp.loc[lo + k] - c[k];
        X[a * K + k] = v[k] + mk * mk;
        X[a * K + d + k] = mk;
        r2 += mk * mk;
      }
      rp[a] = Math.sqrt(r2);
      ldp[a] = fp.logDet[cpI(i)];
      magP[a] = Math.abs(ldp[a]);
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
          const mag = g + 4 * rp[a] * sq[j] + magQ[j] + magP[a];
          // the exact per-pair formula where the product form cancels, and where it is not finite
          // (scales beyond 1e±154: e^{−lvq} overflows next to an underflowed variance)
          out[o + j - c0] =
            two >= tau * mag && mag < Infinity
              ? 0.5 * two
              : exact.kl(lpI(r0 + a), cpI(r0 + a), lqI(j), cqI(j));
        }
      }
    }
  }
}
