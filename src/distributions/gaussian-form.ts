/**
 * The canonical internal form shared by every Gaussian family: a location and one of three
 * covariance factorisations, each with its own batch shape so that, e.g., a stack of means
 * against one covariance factors that covariance once.
 *
 * - `diag`:    Σ = diag(exp(logVar)), kept in log space (log-variances down to −700 are exact);
 * - `tril`:    Σ = L Lᵀ with L lower triangular, plus log(L_ii) kept separately for accuracy;
 * - `lowrank`: Σ = W Wᵀ + diag(D), with the Cholesky factor of the r×r capacitance matrix
 *              C = I + Wᵀ D⁻¹ W, so that solves and determinants cost O(d r²) (Woodbury and
 *              the matrix determinant lemma: log det Σ = log det C + Σ log D).
 */
import { smallCopy, smallF64 } from "../core/small.js";
import { NDArray, broadcastShapes, broadcastMap, sizeOf, unravel } from "../core/array.js";
import { invalidShape, notPositiveDefinite, invalidParameter } from "../core/errors.js";
import { Random } from "../core/random.js";
import { kernelsFor } from "../linalg/wasm.js";

export const LOG_2PI = Math.log(2 * Math.PI);

export type GaussianCov =
  | { kind: "diag"; logVar: Float64Array }
  | { kind: "tril"; L: Float64Array; logDiag: Float64Array }
  | { kind: "lowrank"; r: number; W: Float64Array; D: Float64Array; capL: Float64Array };

export interface GaussianForm {
  d: number;
  /** Broadcast of locBatch and covBatch. */
  batchShape: number[];
  loc: Float64Array;
  locBatch: number[];
  cov: GaussianCov;
  covBatch: number[];
  /** log det Σ for each covariance batch element. */
  logDet: Float64Array;
}

function batchOf(a: NDArray, blockNdim: number): number[] {
  return a.shape.slice(0, a.shape.length - blockNdim);
}

/** Checks `loc` is [..., d] and returns d. */
export function locDim(loc: NDArray, name: string): number {
  if (loc.ndim < 1)
    throw invalidShape(
      name,
      `must have at least one axis (the event); got shape [${loc.shape.join(", ")}]`,
      loc.shape,
    );
  return loc.shape[loc.ndim - 1];
}

function checkFiniteArray(a: Float64Array, shape: readonly number[], name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw invalidParameter(name, "finite", a[i], unravel(i, shape));
  }
}

function finish(
  loc: NDArray,
  cov: GaussianCov,
  covBatch: number[],
  logDet: Float64Array,
  d: number,
): GaussianForm {
  const locBatch = batchOf(loc, 1);
  const batchShape = broadcastShapes([locBatch, covBatch], ["loc", "covariance"]);
  return { d, batchShape, loc: loc.data, locBatch, cov, covBatch, logDet };
}

/** Diagonal form from log-variances `[..., d]`. */
export function diagForm(
  loc: NDArray,
  logVar: NDArray,
  names: { loc: string; scale: string },
  validate: boolean,
): GaussianForm {
  const d = locDim(loc, names.loc);
  if (logVar.ndim < 1 || logVar.shape[logVar.ndim - 1] !== d) {
    throw invalidShape(
      names.scale,
      `last axis must have length ${d} to match ${names.loc}; got shape [${logVar.shape.join(", ")}]`,
      logVar.shape,
    );
  }
  if (validate) {
    checkFiniteArray(loc.data, loc.shape, names.loc);
    for (let i = 0; i < logVar.data.length; i++) {
      const v = logVar.data[i];
      if (Number.isNaN(v) || v === Infinity || v === -Infinity) {
        throw invalidParameter(
          names.scale,
          "positive and finite",
          names.scale === "logVariance" ? v : Math.exp(v),
          unravel(i, logVar.shape),
        );
      }
    }
  }
  const covBatch = batchOf(logVar, 1);
  const nb = sizeOf(covBatch);
  const logDet = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += logVar.data[b * d + i];
    logDet[b] = s;
  }
  return finish(loc, { kind: "diag", logVar: logVar.data }, covBatch, logDet, d);
}

function checkSquare(m: NDArray, d: number, name: string, locName: string): void {
  if (m.ndim < 2 || m.shape[m.ndim - 1] !== m.shape[m.ndim - 2]) {
    throw invalidShape(
      name,
      `must be a square matrix [..., d, d]; got shape [${m.shape.join(", ")}]`,
      m.shape,
    );
  }
  if (m.shape[m.ndim - 1] !== d) {
    throw invalidShape(
      name,
      `is ${m.shape[m.ndim - 1]}x${m.shape[m.ndim - 1]} but ${locName} has length ${d}`,
      m.shape,
    );
  }
}

/**
 * Whether the matrix at `off` passes the test of {@link checkSymmetric}, up to rounding of the
 * tolerance (√|aᵢᵢ|·√|aⱼⱼ| instead of √|aᵢᵢaⱼⱼ|; a failure here is re-checked exactly there):
 * scanned in 32×32 tiles (cache-friendly), one square root per row instead of one per entry.
 */
function symmetricTiled(a: Float64Array, off: number, d: number): boolean {
  const T = 32;
  const sd = smallF64(d);
  for (let i = 0; i < d; i++) sd[i] = Math.sqrt(Math.abs(a[off + i * d + i]));
  for (let i0 = 0; i0 < d; i0 += T) {
    const i1 = Math.min(d, i0 + T);
    for (let j0 = 0; j0 <= i0; j0 += T) {
      for (let i = i0; i < i1; i++) {
        const si = 1e-10 * sd[i];
        const j1 = Math.min(i, j0 + T);
        for (let j = j0; j < j1; j++) {
          if (!(Math.abs(a[off + i * d + j] - a[off + j * d + i]) <= si * sd[j] + 1e-300)) return false;
        }
      }
    }
  }
  return true;
}

function checkSymmetric(a: Float64Array, off: number, d: number, name: string, index: number[]): void {
  if (d > 3 && symmetricTiled(a, off, d)) return;
  // report the first offending entry in row-major order
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const x = a[off + i * d + j];
      const y = a[off + j * d + i];
      const tol = 1e-10 * Math.sqrt(Math.abs(a[off + i * d + i] * a[off + j * d + j])) + 1e-300;
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

function factorError(name: string, k: number, pivot: number, index: number[]): never {
  throw notPositiveDefinite(
    name,
    `Cholesky failed at pivot ${k}: the leading minor of order ${k} is not positive (pivot value ${pivot})`,
    index,
    pivot,
  );
}

/** Full form from a covariance matrix (Cholesky per covariance batch element). */
export function covarianceForm(
  loc: NDArray,
  cov: NDArray,
  names: { loc: string; matrix: string },
  validate: boolean,
): GaussianForm {
  const d = locDim(loc, names.loc);
  checkSquare(cov, d, names.matrix, names.loc);
  if (validate) {
    checkFiniteArray(loc.data, loc.shape, names.loc);
    checkFiniteArray(cov.data, cov.shape, names.matrix);
  }
  const covBatch = batchOf(cov, 2);
  const nb = sizeOf(covBatch);
  const L = smallCopy(cov.data);
  const logDiag = new Float64Array(nb * d);
  const logDet = new Float64Array(nb);
  const k = kernelsFor(d);
  for (let b = 0; b < nb; b++) {
    const off = b * d * d;
    if (validate) checkSymmetric(cov.data, off, d, names.matrix, unravel(b, covBatch));
    const info = k.potrf(d, L, off);
    if (info !== 0) factorError(names.matrix, info, L[off + (info - 1) * (d + 1)], unravel(b, covBatch));
    let s = 0;
    for (let i = 0; i < d; i++) {
      const li = Math.log(L[off + i * d + i]);
      logDiag[b * d + i] = li;
      s += li;
    }
    logDet[b] = 2 * s;
  }
  return finish(loc, { kind: "tril", L, logDiag }, covBatch, logDet, d);
}

/** Full form from a lower-triangular scale (diagonal must be positive; upper triangle must be zero). */
export function scaleTrilForm(
  loc: NDArray,
  tril: NDArray,
  names: { loc: string; matrix: string },
  validate: boolean,
): GaussianForm {
  const d = locDim(loc, names.loc);
  checkSquare(tril, d, names.matrix, names.loc);
  const covBatch = batchOf(tril, 2);
  const nb = sizeOf(covBatch);
  if (validate) {
    checkFiniteArray(loc.data, loc.shape, names.loc);
    checkFiniteArray(tril.data, tril.shape, names.matrix);
  }
  const L = tril.data;
  const logDiag = new Float64Array(nb * d);
  const logDet = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    const off = b * d * d;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const lii = L[off + i * d + i];
      if (!(lii > 0)) {
        throw notPositiveDefinite(
          names.matrix,
          `diagonal entry [${i}, ${i}] = ${lii} must be positive`,
          unravel(b, covBatch),
          lii,
        );
      }
      if (validate) {
        for (let j = i + 1; j < d; j++) {
          if (L[off + i * d + j] !== 0) {
            throw invalidParameter(
              names.matrix,
              `lower triangular (entry [${i}, ${j}] above the diagonal is non-zero)`,
              L[off + i * d + j],
              unravel(b, covBatch),
            );
          }
        }
      }
      const li = Math.log(lii);
      logDiag[b * d + i] = li;
      s += li;
    }
    logDet[b] = 2 * s;
  }
  return finish(loc, { kind: "tril", L, logDiag }, covBatch, logDet, d);
}

/**
 * Full form from a precision matrix P. With J the reversal permutation, chol(J P J) = Lf gives
 * P = U Uᵀ with U = J Lf J upper triangular, so Σ = U⁻ᵀ U⁻¹ and L = U⁻ᵀ is the lower scale;
 * one Cholesky and one triangular solve, no general inverse.
 */
export function precisionForm(
  loc: NDArray,
  prec: NDArray,
  names: { loc: string; matrix: string },
  validate: boolean,
): GaussianForm {
  const d = locDim(loc, names.loc);
  checkSquare(prec, d, names.matrix, names.loc);
  if (validate) {
    checkFiniteArray(loc.data, loc.shape, names.loc);
    checkFiniteArray(prec.data, prec.shape, names.matrix);
  }
  const covBatch = batchOf(prec, 2);
  const nb = sizeOf(covBatch);
  const L = new Float64Array(nb * d * d);
  const logDiag = new Float64Array(nb * d);
  const logDet = new Float64Array(nb);
  const rev = new Float64Array(d * d);
  const k = kernelsFor(d);
  for (let b = 0; b < nb; b++) {
    const off = b * d * d;
    if (validate) checkSymmetric(prec.data, off, d, names.matrix, unravel(b, covBatch));
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) rev[i * d + j] = prec.data[off + (d - 1 - i) * d + (d - 1 - j)];
    const info = k.potrf(d, rev, 0);
    if (info !== 0) factorError(names.matrix, info, rev[(info - 1) * (d + 1)], unravel(b, covBatch));
    // Uᵀ[i][j] = U[j][i] = Lf[d-1-j][d-1-i]: lower triangular
    const ut = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) ut[i * d + j] = rev[(d - 1 - j) * d + (d - 1 - i)];
    for (let i = 0; i < d; i++) L[off + i * d + i] = 1;
    k.trsmLower(d, d, ut, 0, L, off);
    let s = 0;
    for (let i = 0; i < d; i++) {
      const li = -Math.log(ut[i * d + i]);
      logDiag[b * d + i] = li;
      s += li;
    }
    logDet[b] = 2 * s;
  }
  return finish(loc, { kind: "tril", L, logDiag }, covBatch, logDet, d);
}

/** Low-rank-plus-diagonal form Σ = W Wᵀ + diag(D). */
export function lowRankForm(loc: NDArray, W: NDArray, D: NDArray, validate: boolean): GaussianForm {
  const d = locDim(loc, "loc");
  if (W.ndim < 2 || W.shape[W.ndim - 2] !== d) {
    throw invalidShape(
      "covFactor",
      `must have shape [..., ${d}, r] to match loc of length ${d}; got [${W.shape.join(", ")}]`,
      W.shape,
    );
  }
  if (D.ndim < 1 || D.shape[D.ndim - 1] !== d) {
    throw invalidShape(
      "covDiag",
      `must have shape [..., ${d}] to match loc; got [${D.shape.join(", ")}]`,
      D.shape,
    );
  }
  const r = W.shape[W.ndim - 1];
  const covBatch = broadcastShapes([batchOf(W, 2), batchOf(D, 1)], ["covFactor", "covDiag"]);
  if (validate) {
    checkFiniteArray(loc.data, loc.shape, "loc");
    checkFiniteArray(W.data, W.shape, "covFactor");
  }
  for (let i = 0; i < D.data.length; i++) {
    if (!(D.data[i] > 0 && D.data[i] < Infinity))
      throw invalidParameter("covDiag", "positive and finite", D.data[i], unravel(i, D.shape));
  }
  const nb = sizeOf(covBatch);
  const mw = broadcastMap(batchOf(W, 2), covBatch);
  const md = broadcastMap(batchOf(D, 1), covBatch);
  const Wb = new Float64Array(nb * d * r);
  const Db = new Float64Array(nb * d);
  const capL = new Float64Array(nb * r * r);
  const logDet = new Float64Array(nb);
  const k = kernelsFor(d);
  for (let b = 0; b < nb; b++) {
    const wo = (mw ? mw[b] : b) * d * r;
    const dof = (md ? md[b] : b) * d;
    Wb.set(W.data.subarray(wo, wo + d * r), b * d * r);
    Db.set(D.data.subarray(dof, dof + d), b * d);
    const co = b * r * r;
    // C = I + Wᵀ D⁻¹ W
    for (let a = 0; a < r; a++) {
      for (let c = 0; c <= a; c++) {
        let s = a === c ? 1 : 0;
        for (let i = 0; i < d; i++)
          s += (Wb[b * d * r + i * r + a] * Wb[b * d * r + i * r + c]) / Db[b * d + i];
        capL[co + a * r + c] = s;
      }
    }
    const info = k.potrf(r, capL, co);
    if (info !== 0) factorError("covFactor", info, capL[co + (info - 1) * (r + 1)], unravel(b, covBatch));
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(Db[b * d + i]);
    logDet[b] = s + 2 * k.logDiagSum(r, capL, co);
  }
  return finish(loc, { kind: "lowrank", r, W: Wb, D: Db, capL }, covBatch, logDet, d);
}

/**
 * δᵀ Σ⁻¹ δ for covariance batch element `b` (δ is read from `delta` at `off`, length d).
 * `work` must have length ≥ max(d, r).
 */
export function mahalanobis(
  f: GaussianForm,
  b: number,
  delta: Float64Array,
  off: number,
  work: Float64Array,
): number {
  const d = f.d;
  const cov = f.cov;
  if (cov.kind === "diag") {
    let s = 0;
    const o = b * d;
    for (let i = 0; i < d; i++) {
      // (δ e^{−lv/2})², not δ² e^{−lv}: δ = 3e-200 against σ = 2e-200 must give 2.25, where δ²
      // underflows to 0 and e^{−lv} overflows (0 · ∞ = NaN)
      const z = delta[off + i] * Math.exp(-0.5 * cov.logVar[o + i]);
      s += z * z;
    }
    return s;
  }
  if (cov.kind === "tril") {
    for (let i = 0; i < d; i++) work[i] = delta[off + i];
    kernelsFor(d).trsvLower(d, cov.L, b * d * d, work, 0);
    let s = 0;
    for (let i = 0; i < d; i++) s += work[i] * work[i];
    return s;
  }
  // Woodbury: δᵀD⁻¹δ − ‖C_L⁻¹ Wᵀ D⁻¹ δ‖²
  const r = cov.r;
  const wo = b * d * r;
  const dof = b * d;
  let s = 0;
  for (let a = 0; a < r; a++) work[a] = 0;
  for (let i = 0; i < d; i++) {
    const y = delta[off + i] / cov.D[dof + i];
    s += delta[off + i] * y;
    for (let a = 0; a < r; a++) work[a] += cov.W[wo + i * r + a] * y;
  }
  kernelsFor(r).trsvLower(r, cov.capL, b * r * r, work, 0);
  let t = 0;
  for (let a = 0; a < r; a++) t += work[a] * work[a];
  return Math.max(0, s - t);
}

/**
 * Dense covariance of covariance batch element `b`, written into `out` at `off`. With `shift`
 * (an integer e), the covariance of x·2^−e is formed instead, Σ·4^−e, by scaling the factor
 * before the products (exact in binary): Σ itself need not be representable (scales of 1e±200).
 */
export function denseCovariance(f: GaussianForm, b: number, out: Float64Array, off: number, shift = 0): void {
  const d = f.d;
  const cov = f.cov;
  const u = 2 ** -shift; // scale of the factor
  for (let i = 0; i < d * d; i++) out[off + i] = 0;
  if (cov.kind === "diag") {
    const lu = -2 * shift * Math.LN2;
    for (let i = 0; i < d; i++) out[off + i * d + i] = Math.exp(cov.logVar[b * d + i] + lu);
  } else if (cov.kind === "tril") {
    const lo = b * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += cov.L[lo + i * d + k] * u * (cov.L[lo + j * d + k] * u);
        out[off + i * d + j] = s;
        out[off + j * d + i] = s;
      }
    }
  } else {
    const r = cov.r;
    const wo = b * d * r;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = i === j ? cov.D[b * d + i] * u * u : 0;
        for (let a = 0; a < r; a++) s += cov.W[wo + i * r + a] * u * (cov.W[wo + j * r + a] * u);
        out[off + i * d + j] = s;
        out[off + j * d + i] = s;
      }
    }
  }
}

/** Covariance matrices broadcast to the full batch: [...batchShape, d, d]. */
export function covarianceOf(f: GaussianForm): NDArray {
  const d = f.d;
  const n = sizeOf(f.batchShape);
  const map = broadcastMap(f.covBatch, f.batchShape);
  const out = new Float64Array(n * d * d);
  for (let i = 0; i < n; i++) denseCovariance(f, map ? map[i] : i, out, i * d * d);
  return new NDArray(out, [...f.batchShape, d, d]);
}

/** Marginal variances broadcast to the full batch: [...batchShape, d]. */
export function varianceOf(f: GaussianForm): NDArray {
  const d = f.d;
  const n = sizeOf(f.batchShape);
  const map = broadcastMap(f.covBatch, f.batchShape);
  const out = new Float64Array(n * d);
  const cov = f.cov;
  for (let i = 0; i < n; i++) {
    const b = map ? map[i] : i;
    for (let j = 0; j < d; j++) {
      let s = 0;
      if (cov.kind === "diag") s = Math.exp(cov.logVar[b * d + j]);
      else if (cov.kind === "tril") for (let k = 0; k <= j; k++) s += cov.L[b * d * d + j * d + k] ** 2;
      else {
        s = cov.D[b * d + j];
        for (let a = 0; a < cov.r; a++) s += cov.W[b * d * cov.r + j * cov.r + a] ** 2;
      }
      out[i * d + j] = s;
    }
  }
  return new NDArray(out, [...f.batchShape, d]);
}

/** Means broadcast to the full batch: [...batchShape, d]. */
export function meanOf(f: GaussianForm): NDArray {
  const d = f.d;
  const n = sizeOf(f.batchShape);
  const map = broadcastMap(f.locBatch, f.batchShape);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const o = (map ? map[i] : i) * d;
    out.set(f.loc.subarray(o, o + d), i * d);
  }
  return new NDArray(out, [...f.batchShape, d]);
}

/** Entropy ½(d(1 + log 2π) + log det Σ) over the batch. */
export function entropyOf(f: GaussianForm): Float64Array {
  const n = sizeOf(f.batchShape);
  const map = broadcastMap(f.covBatch, f.batchShape);
  const out = new Float64Array(n);
  const c = 0.5 * f.d * (1 + LOG_2PI);
  for (let i = 0; i < n; i++) out[i] = c + 0.5 * f.logDet[map ? map[i] : i];
  return out;
}

/** Log density of `x` ([..., d], batch axes broadcasting against the form's). */
export function logProbOf(f: GaussianForm, x: NDArray): { data: Float64Array; shape: number[] } {
  const d = f.d;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== d) {
    throw invalidShape("x", `last axis must have length ${d}; got shape [${x.shape.join(", ")}]`, x.shape);
  }
  const xb = batchOf(x, 1);
  const shape = broadcastShapes([xb, f.batchShape], ["x", "batch"]);
  const n = sizeOf(shape);
  const mx = broadcastMap(xb, shape);
  const ml = broadcastMap(f.locBatch, shape);
  const mc = broadcastMap(f.covBatch, shape);
  const out = new Float64Array(n);
  const delta = new Float64Array(d);
  const work = new Float64Array(Math.max(d, f.cov.kind === "lowrank" ? f.cov.r : 0));
  for (let i = 0; i < n; i++) {
    const xo = (mx ? mx[i] : i) * d;
    const lo = (ml ? ml[i] : i) * d;
    for (let j = 0; j < d; j++) delta[j] = x.data[xo + j] - f.loc[lo + j];
    const b = mc ? mc[i] : i;
    out[i] = -0.5 * (d * LOG_2PI + f.logDet[b] + mahalanobis(f, b, delta, 0, work));
  }
  return { data: out, shape };
}

/** `n` draws x = μ + S z with Σ = S Sᵀ: shape [n, ...batchShape, d]. */
export function sampleOf(f: GaussianForm, n: number, seed: number | undefined): NDArray {
  const d = f.d;
  const nb = sizeOf(f.batchShape);
  const ml = broadcastMap(f.locBatch, f.batchShape);
  const mc = broadcastMap(f.covBatch, f.batchShape);
  const out = new Float64Array(n * nb * d);
  const rng = new Random(seed);
  const cov = f.cov;
  const r = cov.kind === "lowrank" ? cov.r : 0;
  const z = new Float64Array(d + r);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < nb; i++) {
      rng.fillNormal(z);
      const lo = (ml ? ml[i] : i) * d;
      const b = mc ? mc[i] : i;
      const oo = (s * nb + i) * d;
      for (let j = 0; j < d; j++) {
        let v = f.loc[lo + j];
        if (cov.kind === "diag") v += Math.exp(0.5 * cov.logVar[b * d + j]) * z[j];
        else if (cov.kind === "tril") for (let k = 0; k <= j; k++) v += cov.L[b * d * d + j * d + k] * z[k];
        else {
          v += Math.sqrt(cov.D[b * d + j]) * z[j];
          for (let a = 0; a < r; a++) v += cov.W[b * d * r + j * r + a] * z[d + a];
        }
        out[oo + j] = v;
      }
    }
  }
  return new NDArray(out, [n, ...f.batchShape, d]);
}
