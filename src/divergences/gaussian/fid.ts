import {
  NDArray,
  asArray,
  broadcastMap,
  broadcastShapes,
  result,
  sizeOf,
  unravel,
  type ArrayInput,
} from "../../core/array.js";
import { KullbackError, invalidParameter, invalidShape, notPositiveDefinite } from "../../core/errors.js";
import { eighInPlace, traceSqrtProduct } from "../../linalg/eigh.js";
import { gemmNT } from "../../linalg/gemm.js";
import { gemmBackendFor, kernelsFor } from "../../linalg/wasm.js";
import { at } from "./plan.js";

// -----------------------------------------------------------------------------------------------
// Matrix-level Fréchet distance (FID)
// -----------------------------------------------------------------------------------------------

export function symmetricCheck(m: NDArray, off: number, d: number, name: string, index: number[]): void {
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

export function checkFinite(a: NDArray, name: string): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i])) throw invalidParameter(name, "finite", a.data[i], unravel(i, a.shape));
  }
}

/** Block size of the triangular matrix products in {@link traceSqrtCholesky}. */
export const TRIANGULAR_BLOCK = 256;

/**
 * tr √(Σ₁^½ Σ₂ Σ₁^½) when Σ₁ is positive definite: with Σ₁ = L Lᵀ (Cholesky), G = Lᵀ Σ₂ L is
 * similar to Σ₁Σ₂, so the trace is Σ √λᵢ(G) — one Cholesky, two matrix products (WASM SIMD when
 * enabled) and one eigenvalues-only decomposition, instead of a full eigendecomposition of Σ₁.
 * Returns undefined when Σ₁ is singular (the caller then takes the semi-definite route).
 */
export function traceSqrtCholesky(
  d: number,
  a: Float64Array,
  b: Float64Array,
  index: number[],
): number | undefined {
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
