// fused batched KL between diagonal Gaussians (part of the kernels module: asm/kernels.ts is the index)
import { expScalar, expm1MinusXScalar, vc, vexpShift, vsplat } from "./exp";

/** f64x2 constants of the division-free exp and φ (one load each, see VCONST): 1/n! and others. */
export const VFAST: usize = memory.data<f64>(
  [
    1.0 / 1307674368000.0, 1.0 / 1307674368000.0, // 0
    1.0 / 87178291200.0, 1.0 / 87178291200.0, // 1
    1.0 / 6227020800.0, 1.0 / 6227020800.0, // 2
    1.0 / 479001600.0, 1.0 / 479001600.0, // 3
    1.0 / 39916800.0, 1.0 / 39916800.0, // 4
    1.0 / 3628800.0, 1.0 / 3628800.0, // 5
    1.0 / 362880.0, 1.0 / 362880.0, // 6
    1.0 / 40320.0, 1.0 / 40320.0, // 7
    1.0 / 5040.0, 1.0 / 5040.0, // 8
    1.0 / 720.0, 1.0 / 720.0, // 9
    1.0 / 120.0, 1.0 / 120.0, // 10
    1.0 / 24.0, 1.0 / 24.0, // 11
    1.0 / 6.0, 1.0 / 6.0, // 12
    0.5, 0.5, // 13
    1.0, 1.0, // 14
    0.34657359027997264, 0.34657359027997264, // 15
  ],
  16,
);
@inline export function vf(i: i32): v128 {
  return v128.load(VFAST + (<usize>i << 4));
}

/**
 * eˣ per lane for |x| < 700 without a division: k = round(x / ln 2) by the 1.5·2⁵² shift,
 * r = x − k ln 2 in two parts (Cody–Waite, |r| ≤ ½ ln 2), e^r by its Taylor polynomial to r¹³
 * (truncation < 0.05 ulp), then 2ᵏ added to the exponent field. Within 2 ulp of eˣ.
 */
@inline export function vexpFast(x: v128): v128 {
  const shift = vc(37 /* 1.5·2^52 */);
  const kf = f64x2.sub(f64x2.add(f64x2.mul(x, vc(4 /* INV_LN2 */)), shift), shift);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */))), f64x2.mul(kf, vc(8 /* LN2_LO */)));
  let p = vf(2 /* 1.0 / 6227020800.0 */); // 1/13!
  p = f64x2.add(vf(3 /* 1.0 / 479001600.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(4 /* 1.0 / 39916800.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(5 /* 1.0 / 3628800.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(6 /* 1.0 / 362880.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(7 /* 1.0 / 40320.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(8 /* 1.0 / 5040.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(9 /* 1.0 / 720.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(10 /* 1.0 / 120.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(11 /* 1.0 / 24.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(12 /* 1.0 / 6.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(13 /* 0.5 */), f64x2.mul(r, p));
  p = f64x2.add(vf(14 /* 1.0 */), f64x2.mul(r, p));
  p = f64x2.add(vf(14 /* 1.0 */), f64x2.mul(r, p));
  return i64x2.add(p, vexpShift(kf));
}

/**
 * φ(t) = eᵗ − 1 − t per lane for |t| < 38 without a division, from one polynomial: with
 * t = k ln 2 + r (|r| ≤ ½ ln 2 as in {@link vexpFast}) and φ(r) = r² Σ_{n≥2} rⁿ⁻²/n! to r¹⁵/15!,
 * φ(t) = φ(r) when k = 0 (then r = t exactly: nearly equal variances keep every digit), and
 * 2ᵏ (1 + (r + φ(r))) − 1 − t otherwise (φ ≥ 0.05 there: a few ulp).
 */
@inline export function vphiFast(t: v128): v128 {
  const shift = vc(37 /* 1.5·2^52 */);
  const kf = f64x2.sub(f64x2.add(f64x2.mul(t, vc(4 /* INV_LN2 */)), shift), shift);
  const r = f64x2.sub(f64x2.sub(t, f64x2.mul(kf, vc(7 /* LN2_HI */))), f64x2.mul(kf, vc(8 /* LN2_LO */)));
  let p = vf(0 /* 1/15! */);
  for (let i = 1; i <= 13; i++) p = f64x2.add(vf(i), f64x2.mul(r, p)); // … 1/3!, 1/2
  const phiR = f64x2.mul(f64x2.mul(r, r), p);
  const k0 = f64x2.eq(kf, vsplat(0));
  if (i64x2.all_true(k0)) return phiR;
  const e = i64x2.add(f64x2.add(vf(14 /* 1.0 */), f64x2.add(r, phiR)), vexpShift(kf));
  const viaExp = f64x2.sub(f64x2.sub(e, vf(14 /* 1.0 */)), t);
  return v128.bitselect(phiR, viaExp, k0);
}

/**
 * out[b] = ½ [ Σ_j φ(lvp − lvq) + Σ_j (μp − μq)² e^{−lvq} ], φ(t) = eᵗ − 1 − t, clamped at 0, for
 * b < nb (KL(p ‖ q) of diagonal Gaussians given by means and log-variances). p's arrays are nb×d;
 * each of q's arrays is nb×d, or one shared row of d when its `shared` flag is set. Each row is
 * read contiguously, two columns per f64x2, with the division-free {@link vexpFast} and
 * {@link vphiFast} (a pair of columns outside |t| < 38 or |lvq| < 700 takes the fdlibm scalar
 * path); results agree with the TypeScript path to a few ulp, not bit for bit. If every
 * (μp − μq) of a row is 0, its second sum is 0. Clamped at 0; NaN stays NaN. `work` holds d
 * doubles (e^{−lvq/2} of a shared q row). The second sum is formed as Σ ((μp − μq) e^{−lvq/2})²,
 * finite and exact at scales of 1e±200.
 */
export function klDiagBatch(
  nb: i32,
  d: i32,
  locP: usize,
  lvP: usize,
  locQ: usize,
  locQShared: i32,
  lvQ: usize,
  lvQShared: i32,
  out: usize,
  work: usize,
): void {
  const rowBytes = <usize>(d * 8);
  const sLocQ: usize = locQShared != 0 ? 0 : rowBytes;
  const sLvQ: usize = lvQShared != 0 ? 0 : rowBytes;
  if (lvQShared != 0) {
    for (let j = 0; j < d; j++) store<f64>(work + (<usize>j << 3), expScalar(-0.5 * load<f64>(lvQ + (<usize>j << 3))));
  }
  const dv = d & ~1;
  for (let b = 0; b < nb; b++) {
    const lp = locP + <usize>b * rowBytes;
    const vp = lvP + <usize>b * rowBytes;
    const lq = locQ + <usize>b * sLocQ;
    const vq = lvQ + <usize>b * sLvQ;
    let term = vsplat(0);
    let maha = vsplat(0);
    let nonzero = vsplat(0);
    for (let j = 0; j < dv; j += 2) {
      const o = <usize>j << 3;
      const lvq = v128.load(vq + o);
      const t = f64x2.sub(v128.load(vp + o), lvq);
      const nlvq = f64x2.mul(lvq, vsplat(-0.5)); // −lvq/2: δ e^{−lvq/2} is squared below
      const delta = f64x2.sub(v128.load(lp + o), v128.load(lq + o));
      nonzero = v128.or(nonzero, f64x2.ne(delta, vsplat(0)));
      const tOk = f64x2.lt(f64x2.abs(t), vc(34 /* 38 */));
      let phi: v128;
      let ex: v128;
      if (lvQShared != 0) {
        ex = v128.load(work + o);
        if (i64x2.all_true(tOk)) phi = vphiFast(t);
        else phi = f64x2(expm1MinusXScalar(f64x2.extract_lane(t, 0)), expm1MinusXScalar(f64x2.extract_lane(t, 1)));
      } else if (i64x2.all_true(v128.and(tOk, f64x2.lt(f64x2.abs(nlvq), vc(33 /* 700 */))))) {
        phi = vphiFast(t);
        ex = vexpFast(nlvq);
      } else {
        phi = f64x2(expm1MinusXScalar(f64x2.extract_lane(t, 0)), expm1MinusXScalar(f64x2.extract_lane(t, 1)));
        ex = f64x2(expScalar(f64x2.extract_lane(nlvq, 0)), expScalar(f64x2.extract_lane(nlvq, 1)));
      }
      term = f64x2.add(term, phi);
      // (δ e^{−lvq/2})², not δ² e^{−lvq}: at scales of 1e-200 δ² underflows and e^{−lvq} overflows
      const z = f64x2.mul(delta, ex);
      maha = f64x2.add(maha, f64x2.mul(z, z));
    }
    let ts = f64x2.extract_lane(term, 0) + f64x2.extract_lane(term, 1);
    let ms = f64x2.extract_lane(maha, 0) + f64x2.extract_lane(maha, 1);
    let nz = v128.any_true(nonzero);
    if (dv < d) {
      const o = <usize>dv << 3;
      const lvq = load<f64>(vq + o);
      ts += expm1MinusXScalar(load<f64>(vp + o) - lvq);
      const delta = load<f64>(lp + o) - load<f64>(lq + o);
      if (delta != 0) nz = true;
      const z = delta * (lvQShared != 0 ? load<f64>(work + o) : expScalar(-0.5 * lvq));
      ms += z * z;
    }
    if (!nz) ms = 0;
    const v = 0.5 * (ts + ms);
    store<f64>(out + (<usize>b << 3), v > 0 || v != v ? v : 0.0);
  }
}

