/**
 * KL(p ‖ q) between any two Gaussians given in the factorised form of `gaussian-form.ts`:
 *
 *   KL = ½ [ tr(Σq⁻¹Σp) − d + log det Σq − log det Σp + (μq − μp)ᵀ Σq⁻¹ (μq − μp) ].
 *
 * When neither side is low-rank, both covariances have triangular factors Lp, Lq (a diagonal one
 * is its own factor) and with M = Lq⁻¹Lp (lower triangular) the covariance part is
 *
 *   tr(MMᵀ) − d − 2 Σ log M_ii = Σ_i φ(t_i) + Σ_{i>j} M_ij²,  t_i = 2(log Lp_ii − log Lq_ii),
 *   φ(t) = eᵗ − 1 − t = expm1(t) − t ≥ 0,
 *
 * a sum of non-negative terms (the TFP `expm1` form generalised): no cancellation, exactly 0 for
 * p = q, log-variances used directly. With a low-rank side the trace goes through the
 * capacitance matrix (Woodbury) and the result is clamped at 0 against round-off; when that
 * result is below 1e-3 of the terms it cancels (nearly equal covariances) and d ≤ 1024, the
 * low-rank covariances are formed, factorised densely and the non-negative sum above is used.
 */
import { broadcastMap, broadcastShapes, result, sizeOf, type NDArray } from "../core/array.js";
import { invalidShape } from "../core/errors.js";
import { expm1MinusX } from "../core/numerics.js";
import { denseCovariance, mahalanobis, type GaussianForm } from "../distributions/gaussian-form.js";
import { batchUsesWasm, kernelsFor } from "../linalg/wasm.js";
import { scratch } from "../linalg/workspace.js";
import { klDiagBatchWasm } from "../linalg/wasm.js";

function checkDims(fp: GaussianForm, fq: GaussianForm): void {
  if (fp.d !== fq.d)
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
}

/** Triangular factor of covariance element b as a dense lower matrix (diagonal or tril). */
function denseFactor(f: GaussianForm, b: number, out: Float64Array): void {
  const d = f.d;
  const cov = f.cov;
  if (cov.kind === "tril") {
    out.set(cov.L.subarray(b * d * d, (b + 1) * d * d));
    return;
  }
  if (cov.kind !== "diag") throw new Error("denseFactor: low-rank has no triangular factor");
  out.fill(0);
  for (let i = 0; i < d; i++) out[i * d + i] = Math.exp(0.5 * cov.logVar[b * d + i]);
}

function logDiagOf(f: GaussianForm, b: number, i: number): number {
  const cov = f.cov;
  if (cov.kind === "diag") return 0.5 * cov.logVar[b * f.d + i];
  if (cov.kind === "tril") return cov.logDiag[b * f.d + i];
  throw new Error("logDiagOf: low-rank");
}

/**
 * tr(Σq⁻¹Σp) − d + log det Σq − log det Σp for covariance elements bp of p and bq of q (≥ 0).
 * `scratch` holds three d×d work matrices.
 */
export function covarianceTerm(
  fp: GaussianForm,
  bp: number,
  fq: GaussianForm,
  bq: number,
  scratch: Float64Array[],
): number {
  const d = fp.d;
  const cp = fp.cov;
  const cq = fq.cov;
  if (cp === cq && bp === bq) return 0;
  if (cp.kind === "diag" && cq.kind === "diag") {
    let s = 0;
    for (let i = 0; i < d; i++) s += expm1MinusX(cp.logVar[bp * d + i] - cq.logVar[bq * d + i]);
    return s;
  }
  if (cp.kind !== "lowrank" && cq.kind !== "lowrank") {
    const [lp, , m] = scratch;
    let off = 0;
    if (cq.kind === "diag") {
      // M_ij = Lp_ij / σq_i
      for (let i = 0; i < d; i++) {
        const inv = Math.exp(-0.5 * cq.logVar[bq * d + i]);
        for (let j = 0; j < i; j++) {
          const v = (cp as { L: Float64Array }).L[bp * d * d + i * d + j] * inv;
          off += v * v;
        }
      }
    } else {
      // factors are read in place when triangular; a diagonal one is expanded into scratch
      let pArr = lp;
      let pOff = 0;
      if (cp.kind === "tril") {
        pArr = cp.L;
        pOff = bp * d * d;
      } else denseFactor(fp, bp, lp);
      const qArr = (cq as { L: Float64Array }).L;
      off = kernelsFor(d).trilSolveTrilOffSq(d, qArr, bq * d * d, pArr, pOff, m);
    }
    let s = off;
    for (let i = 0; i < d; i++) s += expm1MinusX(2 * (logDiagOf(fp, bp, i) - logDiagOf(fq, bq, i)));
    return s;
  }
  const t = traceInvProduct(fp, bp, fq, bq);
  const v = t - d + fq.logDet[bq] - fp.logDet[bp];
  // The Woodbury trace and the log-determinants are of order d and cancel: when the result is far
  // smaller than them (nearly equal covariances), redo it with dense triangular factors, where it
  // is the non-negative sum above.
  const size = t + d + Math.abs(fq.logDet[bq]) + Math.abs(fp.logDet[bp]);
  if (v < 1e-3 * size && d <= DENSE_LIMIT) {
    const tp = trilOf(fp, bp);
    const tq = trilOf(fq, bq);
    if (tp && tq) return covarianceTerm(tp, 0, tq, 0, scratch);
  }
  return Math.max(0, v);
}

/** Largest dimension for which a nearly-zero low-rank covariance term is redone densely (O(d³)). */
const DENSE_LIMIT = 1024;

/**
 * Covariance element b of f as a one-element triangular form: a low-rank covariance W Wᵀ + D
 * formed and factorised densely, a diagonal or triangular factor copied. Undefined if the dense
 * Cholesky fails (round-off on a numerically singular matrix).
 */
function trilOf(f: GaussianForm, b: number): GaussianForm | undefined {
  const d = f.d;
  const L = new Float64Array(d * d);
  if (f.cov.kind === "lowrank") {
    denseCovariance(f, b, L, 0);
    if (kernelsFor(d).potrf(d, L, 0) !== 0) return undefined;
  } else if (f.cov.kind === "tril") L.set(f.cov.L.subarray(b * d * d, (b + 1) * d * d));
  else denseFactor(f, b, L);
  return trilForm(L, d);
}

function trilForm(L: Float64Array, d: number): GaussianForm {
  const logDiag = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < d; i++) {
    logDiag[i] = Math.log(L[i * d + i]);
    s += logDiag[i];
  }
  return {
    d,
    batchShape: [],
    loc: new Float64Array(d),
    locBatch: [],
    cov: { kind: "tril", L, logDiag },
    covBatch: [],
    logDet: Float64Array.of(2 * s),
  };
}

/** tr(Σq⁻¹ Σp) with Σp = S Sᵀ + diag(e) and Σq⁻¹ applied by its factorisation. */
function traceInvProduct(fp: GaussianForm, bp: number, fq: GaussianForm, bq: number): number {
  const d = fp.d;
  const cp = fp.cov;
  // Σp = S Sᵀ + diag(e)
  let S: Float64Array | null = null;
  let s = 0;
  let e: Float64Array | null = null;
  if (cp.kind === "diag") {
    e = new Float64Array(d);
    for (let i = 0; i < d; i++) e[i] = Math.exp(cp.logVar[bp * d + i]);
  } else if (cp.kind === "tril") {
    S = cp.L.subarray(bp * d * d, (bp + 1) * d * d);
    s = d;
  } else {
    S = cp.W.subarray(bp * d * cp.r, (bp + 1) * d * cp.r);
    s = cp.r;
    e = cp.D.subarray(bp * d, (bp + 1) * d);
  }
  const cq = fq.cov;
  const k = kernelsFor(d);
  if (cq.kind === "diag") {
    let t = 0;
    for (let i = 0; i < d; i++) {
      let row = e ? e[i] : 0;
      if (S) for (let j = 0; j < s; j++) row += S[i * s + j] * S[i * s + j];
      t += row * Math.exp(-cq.logVar[bq * d + i]);
    }
    return t;
  }
  if (cq.kind === "tril") {
    let t = 0;
    if (S) {
      const x = S.slice();
      k.trsmLower(d, s, cq.L, bq * d * d, x, 0);
      for (let i = 0; i < x.length; i++) t += x[i] * x[i];
    }
    if (e) {
      // Σ_j e_j ‖Lq⁻¹ e_j‖²
      const inv = new Float64Array(d * d);
      for (let i = 0; i < d; i++) inv[i * d + i] = 1;
      k.trsmLower(d, d, cq.L, bq * d * d, inv, 0);
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) t += e[j] * inv[i * d + j] * inv[i * d + j];
    }
    return t;
  }
  // q low-rank: Σq⁻¹ = Dq⁻¹ − Dq⁻¹Wq C⁻¹ WqᵀDq⁻¹, A = Lc⁻¹ Wqᵀ Dq⁻¹ (r×d)
  const r = cq.r;
  const Dq = cq.D.subarray(bq * d, (bq + 1) * d);
  const Wq = cq.W.subarray(bq * d * r, (bq + 1) * d * r);
  const A = new Float64Array(r * d);
  for (let a = 0; a < r; a++) for (let i = 0; i < d; i++) A[a * d + i] = Wq[i * r + a] / Dq[i];
  k.trsmLower(r, d, cq.capL, bq * r * r, A, 0);
  let t = 0;
  for (let i = 0; i < d; i++) {
    let row = e ? e[i] : 0;
    if (S) for (let j = 0; j < s; j++) row += S[i * s + j] * S[i * s + j];
    t += row / Dq[i];
  }
  let sub = 0;
  if (S) {
    for (let a = 0; a < r; a++) {
      for (let j = 0; j < s; j++) {
        let v = 0;
        for (let i = 0; i < d; i++) v += A[a * d + i] * S[i * s + j];
        sub += v * v;
      }
    }
  }
  if (e) for (let a = 0; a < r; a++) for (let i = 0; i < d; i++) sub += e[i] * A[a * d + i] * A[a * d + i];
  return t - sub;
}

/**
 * Fused diagonal–diagonal KL: one pass, ½ Σ_j [φ(lvp − lvq) + (μp − μq)² e^{−lvq}] per element.
 * With p's parameters unbroadcast, the SIMD kernel does the pass when the WASM kernels are
 * installed or the batch has ≥ WASM_LARGE_BATCH elements (results agree to a few ulp per
 * element); otherwise e^{−lvq} is computed once per q covariance element.
 */
function klDiagDiag(fp: GaussianForm, fq: GaussianForm, shape: number[]): number | NDArray {
  const d = fp.d;
  const lvp = (fp.cov as { logVar: Float64Array }).logVar;
  const lvq = (fq.cov as { logVar: Float64Array }).logVar;
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const mlp = broadcastMap(fp.locBatch, shape);
  const mcp = broadcastMap(fp.covBatch, shape);
  const mlq = broadcastMap(fq.locBatch, shape);
  const mcq = broadcastMap(fq.covBatch, shape);
  const qShared = (m: Int32Array | null, len: number): boolean => (m === null ? len === n * d : len === d);
  if (
    batchUsesWasm(n * d) &&
    mlp === null &&
    mcp === null &&
    qShared(mlq, fq.loc.length) &&
    qShared(mcq, lvq.length)
  ) {
    klDiagBatchWasm(n, d, fp.loc, lvp, fq.loc, lvq, out);
    return result(out, shape);
  }
  // e^{−lvq} once per q covariance element
  const ivq = new Float64Array(lvq.length);
  for (let k = 0; k < lvq.length; k++) ivq[k] = Math.exp(-lvq[k]);
  for (let i = 0; i < n; i++) {
    const po = (mlp ? mlp[i] : i) * d;
    const pc = (mcp ? mcp[i] : i) * d;
    const qo = (mlq ? mlq[i] : i) * d;
    const qc = (mcq ? mcq[i] : i) * d;
    let term = 0;
    let maha = 0;
    for (let j = 0; j < d; j++) {
      term += expm1MinusX(lvp[pc + j] - lvq[qc + j]);
      const delta = fp.loc[po + j] - fq.loc[qo + j];
      if (delta !== 0) {
        const dd = delta * delta;
        // δ² e^{−lvq} only where both factors are normal floats; otherwise (scales of 1e-200 or
        // 1e160: δ² or e^{−lvq} underflows, overflows or is subnormal) square δ/σq instead
        const iv = ivq[qc + j];
        if (dd >= MIN_NORMAL && dd < Infinity && iv >= MIN_NORMAL && iv < Infinity) maha += dd * iv;
        else {
          const z = delta * Math.exp(-0.5 * lvq[qc + j]);
          maha += z * z;
        }
      }
    }
    const v = 0.5 * (term + maha);
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return result(out, shape);
}

/** Smallest positive normal float64 (below it a product keeps fewer than 53 bits). */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Σ (δ_i / σ_i)² with σ_i = exp(½ logVar_i): each ratio formed before squaring (scales of 1e-200 and 1e200). */
function diagMahalanobis(logVar: Float64Array, off: number, delta: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const z = delta[i] * Math.exp(-0.5 * logVar[off + i]);
    s += z * z;
  }
  return s;
}

/** KL(p ‖ q) between two Gaussian forms, batched and broadcast; never negative. */
export function klGaussianForms(fp: GaussianForm, fq: GaussianForm): number | NDArray {
  checkDims(fp, fq);
  const d = fp.d;
  const shape = broadcastShapes([fp.batchShape, fq.batchShape], ["p", "q"]);
  if (fp.cov.kind === "diag" && fq.cov.kind === "diag" && !(fp.cov === fq.cov && fp.loc === fq.loc)) {
    return klDiagDiag(fp, fq, shape);
  }
  const covShape = broadcastShapes([fp.covBatch, fq.covBatch], ["p covariance", "q covariance"]);
  const n = sizeOf(shape);
  const nc = sizeOf(covShape);
  const out = new Float64Array(n);
  const mcp = broadcastMap(fp.covBatch, covShape);
  const mcq = broadcastMap(fq.covBatch, covShape);
  const work3 = [scratch(0, d * d), scratch(1, d * d), scratch(2, d * d)];
  const term = nc === 1 ? scratch(3, 1) : new Float64Array(nc);
  for (let c = 0; c < nc; c++) term[c] = covarianceTerm(fp, mcp ? mcp[c] : c, fq, mcq ? mcq[c] : c, work3);
  const mt = broadcastMap(covShape, shape);
  const mlp = broadcastMap(fp.locBatch, shape);
  const mlq = broadcastMap(fq.locBatch, shape);
  const mq = broadcastMap(fq.covBatch, shape);
  const delta = scratch(4, d);
  const work = scratch(5, Math.max(d, fq.cov.kind === "lowrank" ? fq.cov.r : 0));
  for (let i = 0; i < n; i++) {
    const po = (mlp ? mlp[i] : i) * d;
    const qo = (mlq ? mlq[i] : i) * d;
    let zero = true;
    for (let j = 0; j < d; j++) {
      const v = fp.loc[po + j] - fq.loc[qo + j];
      delta[j] = v;
      if (v !== 0) zero = false;
    }
    const bq = mq ? mq[i] : i;
    const maha = zero
      ? 0
      : fq.cov.kind === "diag"
        ? diagMahalanobis(fq.cov.logVar, bq * d, delta, d)
        : mahalanobis(fq, bq, delta, 0, work);
    const v = 0.5 * (term[mt ? mt[i] : i] + maha);
    out[i] = v > 0 ? v : 0;
  }
  return result(out, shape);
}
