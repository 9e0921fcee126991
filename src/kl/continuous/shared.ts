import type { NDArray } from "../../core/array.js";
import { digamma, hurwitzZeta, lgamma } from "../../core/special.js";
import { mapPair } from "../../distributions/base.js";

export type Batched = { readonly batchShape: readonly number[] };

export const LOG_2PI = Math.log(2 * Math.PI);

/** Evaluates f over the broadcast batch, clamping negative round-off to 0 (NaN and ±Infinity pass). */
export function each(p: Batched, q: Batched, f: (i: number, j: number) => number): number | NDArray {
  return mapPair(p.batchShape, q.batchShape, (i, j) => {
    const v = f(i, j);
    return v < 0 ? 0 : v;
  });
}

/**
 * ½ log(2πσ²) + (s² + δ²)/(2σ²): −E[log N(x; μ, σ²)] for x with mean μ + δ and standard
 * deviation s (the caller forms δ = E[x] − μ from differences of nearby numbers first; ratios are
 * formed before squaring, so scales like 1e200 do not overflow).
 */
export function normalCrossEntropy(delta: number, s: number, sigma: number): number {
  const r = s / sigma;
  const z = delta / sigma;
  return 0.5 * LOG_2PI + Math.log(sigma) + 0.5 * (r * r + z * z);
}

/** log(a/b) for a, b > 0, also when a/b overflows or underflows. */
export function logRatio(a: number, b: number): number {
  const r = a / b;
  return r >= 2.2250738585072014e-308 && r < Infinity ? Math.log(r) : Math.log(a) - Math.log(b);
}

/**
 * D(x, x + h) = log Γ(x + h) − log Γ(x) − h ψ(x) ≥ 0 (the Bregman divergence of log Γ), for x > 0,
 * x + h > 0. For |h| ≤ x/8 by its Taylor series Σ_{k≥2} (−h)^k ζ(k, x)/k (ψ^{(k−1)}(x) =
 * (−1)^k (k − 1)! ζ(k, x), DLMF 5.15.1), which keeps full relative accuracy as h → 0 (the direct
 * difference loses all digits there); directly otherwise.
 * @example lgammaBregman(2, 1e-5); // ≈ ½ ψ′(2) 1e-10 = 3.2247e-11
 */
export function lgammaBregman(x: number, h: number): number {
  if (h === 0) return 0;
  if (!(Math.abs(h) <= x / 8)) return lgamma(x + h) - lgamma(x) - h * digamma(x);
  let sum = 0;
  let pow = -h; // (−h)^(k−1)
  for (let k = 2; k < 60; k++) {
    pow *= -h;
    const t = (pow * hurwitzZeta(k, x)) / k;
    sum += t;
    if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * KL(Beta(ap, bp) ‖ Beta(aq, bq)) = D(ap, aq) + D(bp, bq) − D(ap + bp, aq + bq) with D the
 * Bregman divergence of log Γ ({@link lgammaBregman}): used when every parameter moves by at most
 * 1/8 of itself, where it keeps the digits the lbeta/digamma form loses (q's differences taken
 * from the parameters, not from the rounded sums).
 */
export function betaKlNear(ap: number, bp: number, aq: number, bq: number): number {
  const ha = aq - ap;
  const hb = bq - bp;
  return lgammaBregman(ap, ha) + lgammaBregman(bp, hb) - lgammaBregman(ap + bp, ha + hb);
}

/** True when |y − x| ≤ x/8 (both positive): the parameters of a "near" pair. */
export function near(x: number, y: number): boolean {
  return Math.abs(y - x) <= x / 8;
}

/**
 * E[log X] for X uniform on [l, h] with 0 ≤ l < h: (h log h − l log l)/(h − l) − 1, written as
 * log h − 1 + (1 − t)(−log1p(−t))/t with t = (h − l)/h, so narrow intervals do not cancel.
 */
export function meanLogUniform(l: number, h: number): number {
  if (l === 0) return Math.log(h) - 1;
  const t = (h - l) / h;
  // wide intervals (l/h < ½): (l/h) log(h/l)/t, which stays finite when t rounds to 1
  if (t > 0.5) return Math.log(h) - 1 + ((l / h) * logRatio(h, l)) / t;
  return Math.log(h) - 1 + ((1 - t) * -Math.log1p(-t)) / t;
}
