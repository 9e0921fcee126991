// exp, expm1 (fdlibm algorithms; scalar for every input, f64x2 for the common range) (part of the kernels module: asm/kernels.ts is the index)
export const LN2_HI: f64 = 6.93147180369123816490e-1; // high 32 bits of ln 2, trailing zeros
export const LN2_LO: f64 = 1.90821492927058770002e-10; // ln 2 − LN2_HI
export const INV_LN2: f64 = 1.44269504088896338700;
export const EXP_P1: f64 = 1.66666666666666019037e-1;
export const EXP_P2: f64 = -2.77777777770155933842e-3;
export const EXP_P3: f64 = 6.61375632143793436117e-5;
export const EXP_P4: f64 = -1.65339022054652515390e-6;
export const EXP_P5: f64 = 4.13813679705723846039e-8;
export const EM1_Q1: f64 = -3.33333333333331316428e-2;
export const EM1_Q2: f64 = 1.58730158725481460165e-3;
export const EM1_Q3: f64 = -7.93650757867487942473e-5;
export const EM1_Q4: f64 = 4.00821782732936239552e-6;
export const EM1_Q5: f64 = -2.01099218183624371326e-7;
export const O_THRESHOLD: f64 = 7.09782712893383973096e2;
export const U_THRESHOLD: f64 = -7.45133219101941108420e2;

@inline export function highWord(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >>> 32);
}
@inline export function fromHigh(h: i32): f64 {
  return reinterpret<f64>((<u64>(<u32>h)) << 32);
}
/** 2^k for −1022 ≤ k ≤ 1023. */
@inline export function pow2(k: i32): f64 {
  return reinterpret<f64>((<u64>(0x3ff + k)) << 52);
}

/** eˣ (fdlibm e_exp.c algorithm; < 1 ulp). */
export function expScalar(x: f64): f64 {
  const hx = highWord(x) & 0x7fffffff;
  const neg = x < 0;
  if (hx >= 0x40862e42) {
    if (x != x) return x;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      k = neg ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
    }
    const kf = <f64>k;
    hi = x - kf * LN2_HI;
    lo = kf * LN2_LO;
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (EXP_P1 + t * (EXP_P2 + t * (EXP_P3 + t * (EXP_P4 + t * EXP_P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (lo - (x * c) / (2.0 - c) - hi);
  if (k == 1024) return y * 2.0 * pow2(1023);
  if (k >= -1021) return y * pow2(k);
  return y * pow2(k + 1000) * pow2(-1000);
}

/** eˣ − 1 (fdlibm s_expm1.c algorithm; < 1 ulp). */
export function expm1Scalar(x: f64): f64 {
  let hx = highWord(x);
  const neg = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (x != x) return x;
      if (x == Infinity) return x;
      if (x == -Infinity) return -1;
      if (x > O_THRESHOLD) return Infinity;
    }
    if (neg) return -1;
  }
  let k: i32 = 0;
  let c: f64 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      k = neg ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (neg ? -0.5 : 0.5));
    }
    const kf = <f64>k;
    const hi = x - kf * LN2_HI;
    const lo = kf * LN2_LO;
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (EM1_Q1 + hxs * (EM1_Q2 + hxs * (EM1_Q3 + hxs * (EM1_Q4 + hxs * EM1_Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1 + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    let y = 1 - (e - x);
    if (k == 1024) y = y * 2.0 * 8.98846567431157953865e307;
    else y = y * pow2(k);
    return y - 1;
  }
  let y: f64;
  if (k < 20) {
    t = fromHigh(0x3ff00000 - (0x200000 >> k)); // 1 − 2⁻ᵏ
    y = t - (e - x);
  } else {
    t = fromHigh((0x3ff - k) << 20); // 2⁻ᵏ
    y = x - (e + t);
    y += 1;
  }
  return y * pow2(k);
}

/** φ(t) = eᵗ − 1 − t: Taylor series to t⁸/8! for |t| < 1e-2, else expm1(t) − t. */
export function expm1MinusXScalar(t: f64): f64 {
  if (Math.abs(t) < 1e-2) {
    return (
      t *
      t *
      (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120 + t * (1.0 / 720 + t * (1.0 / 5040 + t / 40320))))))
    );
  }
  // expm1(∞) − ∞ would be NaN (as in src/core/numerics.ts)
  return t == Infinity ? Infinity : expm1Scalar(t) - t;
}

/**
 * f64x2 constants of the vector exp/expm1 as a table in linear memory: V8 rebuilds an inline
 * f64x2 constant with three instructions on every use, a load from here is one.
 */
export const VCONST: usize = memory.data<f64>(
  [
    -0.5, -0.5, // 0: -0.5
    0.5, 0.5, // 1: 0.5
    -1.0, -1.0, // 2: -1
    1.0, 1.0, // 3: 1
    1.4426950408889634, 1.4426950408889634, // 4: INV_LN2
    0.3465735912322998, 0.3465735912322998, // 5: fromHigh(0x3fd62e43): |x| ≥ this ⇒ reduce (fdlibm hx > 0x3fd62e42)
    1.0397205352783203, 1.0397205352783203, // 6: fromHigh(0x3ff0a2b2): |x| < this ⇒ k = ±1
    0.6931471803691238, 0.6931471803691238, // 7: LN2_HI
    1.9082149292705877e-10, 1.9082149292705877e-10, // 8: LN2_LO
    -1.6533902205465252e-06, -1.6533902205465252e-06, // 9: EXP_P4
    4.1381367970572385e-08, 4.1381367970572385e-08, // 10: EXP_P5
    6.613756321437934e-05, 6.613756321437934e-05, // 11: EXP_P3
    -0.0027777777777015593, -0.0027777777777015593, // 12: EXP_P2
    0.16666666666666602, 0.16666666666666602, // 13: EXP_P1
    2.0, 2.0, // 14: 2
    3.725290298461914e-09, 3.725290298461914e-09, // 15: fromHigh(0x3e300000) = 2⁻²⁸
    4.008217827329362e-06, 4.008217827329362e-06, // 16: EM1_Q4
    -2.0109921818362437e-07, -2.0109921818362437e-07, // 17: EM1_Q5
    -7.93650757867488e-05, -7.93650757867488e-05, // 18: EM1_Q3
    0.0015873015872548146, 0.0015873015872548146, // 19: EM1_Q2
    -0.03333333333333313, -0.03333333333333313, // 20: EM1_Q1
    3.0, 3.0, // 21: 3
    6.0, 6.0, // 22: 6
    -2.0, -2.0, // 23: -2
    -0.25, -0.25, // 24: -0.25
    20.0, 20.0, // 25: 20
    0.01, 0.01, // 26: 1e-2 (Taylor below)
    0.0001984126984126984, 0.0001984126984126984, // 27: 1/5040
    40320.0, 40320.0, // 28: 40320
    0.001388888888888889, 0.001388888888888889, // 29: 1/720
    0.008333333333333333, 0.008333333333333333, // 30: 1/120
    0.041666666666666664, 0.041666666666666664, // 31: 1/24
    0.16666666666666666, 0.16666666666666666, // 32: 1/6
    700.0, 700.0, // 33: 700 (vector exp range)
    38.0, 38.0, // 34: 38 (< 56 ln 2: vector expm1 range)
    8.98846567431158e307, 8.98846567431158e307, // 35: bits 0x7fe << 52, for 2⁻ᵏ = bits(0x7fe << 52) − bits(2ᵏ)
    6755399441056767.0, 6755399441056767.0, // 36: 1.5·2⁵² + 1023 (vpow2)
    6755399441055744.0, 6755399441055744.0, // 37: 1.5·2⁵² (vexpShift)
  ],
  16,
);
@inline export function vc(i: i32): v128 {
  return v128.load(VCONST + (<usize>i << 4));
}

@inline export function vsplat(x: f64): v128 {
  return f64x2.splat(x);
}

/**
 * 2^k per lane for integer-valued f64 lanes k, −1022 ≤ k ≤ 1023: k + (1.5·2⁵² + 1023) is exact
 * and holds k + 1023 in its low mantissa bits, which the shift moves into the exponent field.
 */
@inline export function vpow2(kf: v128): v128 {
  return i64x2.shl(f64x2.add(kf, vc(36 /* 1.5·2^52 + 1023 */)), 52);
}

/** bits(k) << 52 per lane (k integer-valued, |k| < 2⁵¹): adding it to a double's bits scales by 2ᵏ. */
@inline export function vexpShift(kf: v128): v128 {
  return i64x2.shl(f64x2.add(kf, vc(37 /* 1.5·2^52 */)), 52);
}

/**
 * eˣ per lane with exactly the scalar `expScalar` operations; valid when every lane has
 * |x| < 700 (checked by the caller), bit-identical to the scalar result there.
 */
@inline export function vexp(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, vsplat(0));
  const sgnHalf = v128.bitselect(vc(0 /* -0.5 */), vc(1 /* 0.5 */), neg);
  const sgnOne = v128.bitselect(vc(2 /* -1.0 */), vc(3 /* 1.0 */), neg);
  const kGen = f64x2.trunc(f64x2.add(f64x2.mul(vc(4 /* INV_LN2 */), x), sgnHalf));
  const reduce = f64x2.ge(ax, vc(5 /* fromHigh(0x3fd62e43) */));
  const small = f64x2.lt(ax, vc(6 /* fromHigh(0x3ff0a2b2) */));
  let kf = v128.bitselect(sgnOne, kGen, small);
  kf = v128.and(kf, reduce); // k = 0 where no reduction
  const hi = f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */)));
  const lo = f64x2.mul(kf, vc(8 /* LN2_LO */));
  const xr = f64x2.sub(hi, lo);
  const t = f64x2.mul(xr, xr);
  let poly = f64x2.add(vc(9 /* EXP_P4 */), f64x2.mul(t, vc(10 /* EXP_P5 */)));
  poly = f64x2.add(vc(11 /* EXP_P3 */), f64x2.mul(t, poly));
  poly = f64x2.add(vc(12 /* EXP_P2 */), f64x2.mul(t, poly));
  poly = f64x2.add(vc(13 /* EXP_P1 */), f64x2.mul(t, poly));
  const c = f64x2.sub(xr, f64x2.mul(t, poly));
  // for k = 0 (hi = x, lo = 0) this equals the scalar 1 − ((x c)/(c − 2) − x) exactly
  const q = f64x2.div(f64x2.mul(xr, c), f64x2.sub(vc(14 /* 2.0 */), c));
  const y = f64x2.sub(vc(3 /* 1.0 */), f64x2.sub(f64x2.sub(lo, q), hi));
  const scaled = i64x2.add(y, vexpShift(kf));
  const tiny = f64x2.lt(ax, vc(15 /* fromHigh(0x3e300000) */));
  return v128.bitselect(f64x2.add(vc(3 /* 1.0 */), x), scaled, tiny);
}

/**
 * eˣ − 1 per lane with exactly the scalar `expm1Scalar` operations; valid when every lane has
 * 2⁻⁵⁴ ≤ |x| < 56 ln 2 (checked by the caller), bit-identical to the scalar result there.
 */
@inline export function vexpm1(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, vsplat(0));
  const sgnHalf = v128.bitselect(vc(0 /* -0.5 */), vc(1 /* 0.5 */), neg);
  const sgnOne = v128.bitselect(vc(2 /* -1.0 */), vc(3 /* 1.0 */), neg);
  const kGen = f64x2.trunc(f64x2.add(f64x2.mul(vc(4 /* INV_LN2 */), x), sgnHalf));
  const reduce = f64x2.ge(ax, vc(5 /* fromHigh(0x3fd62e43) */));
  const small = f64x2.lt(ax, vc(6 /* fromHigh(0x3ff0a2b2) */));
  let kf = v128.bitselect(sgnOne, kGen, small);
  kf = v128.and(kf, reduce);
  const hi = f64x2.sub(x, f64x2.mul(kf, vc(7 /* LN2_HI */)));
  const lo = f64x2.mul(kf, vc(8 /* LN2_LO */));
  const xr = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, xr), lo); // 0 where k = 0
  const hfx = f64x2.mul(vc(1 /* 0.5 */), xr);
  const hxs = f64x2.mul(xr, hfx);
  let r1 = f64x2.add(vc(16 /* EM1_Q4 */), f64x2.mul(hxs, vc(17 /* EM1_Q5 */)));
  r1 = f64x2.add(vc(18 /* EM1_Q3 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(19 /* EM1_Q2 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(20 /* EM1_Q1 */), f64x2.mul(hxs, r1));
  r1 = f64x2.add(vc(3 /* 1.0 */), f64x2.mul(hxs, r1));
  const t = f64x2.sub(vc(21 /* 3.0 */), f64x2.mul(r1, hfx));
  const e = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(vc(22 /* 6.0 */), f64x2.mul(xr, t))));
  const e2 = f64x2.sub(f64x2.sub(f64x2.mul(xr, f64x2.sub(e, c)), c), hxs);
  // below, fl(e2 − xr) = −xme exactly, so "a − (e2 − xr)" is computed as a + xme
  const xme = f64x2.sub(xr, e2);
  const p2k = vpow2(kf);
  // k ≤ −2: (1 − (e2 − xr))·2ᵏ − 1; 2 ≤ k < 20: ((1 − 2⁻ᵏ) − (e2 − xr))·2ᵏ — one product with the
  // first term chosen per lane, then −1 or −0 (exact) per lane
  const le2 = f64x2.le(kf, vc(23 /* -2 */));
  const p2mk = i64x2.sub(vc(35 /* bits 0x7fe << 52 */), p2k); // 2⁻ᵏ: exponent 0x3ff + k ↦ 0x3ff − k
  const head = v128.bitselect(vc(3 /* 1.0 */), f64x2.sub(vc(3 /* 1.0 */), p2mk), le2);
  let r = f64x2.sub(f64x2.mul(f64x2.add(head, xme), p2k), v128.and(vc(3 /* 1.0 */), le2));
  // k = 1
  const rp1a = f64x2.mul(vc(23 /* -2.0 */), f64x2.sub(e2, f64x2.add(xr, vc(1 /* 0.5 */))));
  const rp1b = f64x2.add(vc(3 /* 1.0 */), f64x2.mul(vc(14 /* 2.0 */), xme));
  r = v128.bitselect(v128.bitselect(rp1a, rp1b, f64x2.lt(xr, vc(24 /* -0.25 */))), r, f64x2.eq(kf, vc(3 /* 1 */)));
  // k = −1
  r = v128.bitselect(f64x2.sub(f64x2.mul(vc(1 /* 0.5 */), xme), vc(1 /* 0.5 */)), r, f64x2.eq(kf, vc(2 /* -1 */)));
  // k = 0
  r = v128.bitselect(f64x2.sub(xr, f64x2.sub(f64x2.mul(xr, e), hxs)), r, f64x2.eq(kf, vsplat(0)));
  // 20 ≤ k ≤ 56 (t > 13.8, rare): ((xr − (e2 + 2⁻ᵏ)) + 1)·2ᵏ
  const ge20 = f64x2.ge(kf, vc(25 /* 20 */));
  if (v128.any_true(ge20)) {
    const rhi = f64x2.mul(f64x2.add(f64x2.sub(xr, f64x2.add(e2, p2mk)), vc(3 /* 1.0 */)), p2k);
    r = v128.bitselect(rhi, r, ge20);
  }
  return r;
}

/** φ(t) = eᵗ − 1 − t per lane (same operations as `expm1MinusXScalar`); lanes need |t| < 56 ln 2. */
@inline export function vexpm1MinusX(t: v128): v128 {
  const useTaylor = f64x2.lt(f64x2.abs(t), vc(26 /* 1e-2 */));
  if (!v128.any_true(useTaylor)) return f64x2.sub(vexpm1(t), t);
  let p = f64x2.add(vc(27 /* 1.0 / 5040 */), f64x2.div(t, vc(28 /* 40320 */)));
  p = f64x2.add(vc(29 /* 1.0 / 720 */), f64x2.mul(t, p));
  p = f64x2.add(vc(30 /* 1.0 / 120 */), f64x2.mul(t, p));
  p = f64x2.add(vc(31 /* 1.0 / 24 */), f64x2.mul(t, p));
  p = f64x2.add(vc(32 /* 1.0 / 6 */), f64x2.mul(t, p));
  p = f64x2.add(vc(1 /* 1.0 / 2 */), f64x2.mul(t, p));
  const taylor = f64x2.mul(f64x2.mul(t, t), p);
  if (i64x2.all_true(useTaylor)) return taylor;
  // a lane that takes the Taylor branch may be tiny: feed expm1 a harmless value there
  const safe = v128.bitselect(vc(3 /* 1.0 */), t, useTaylor);
  const viaExpm1 = f64x2.sub(vexpm1(safe), t);
  return v128.bitselect(taylor, viaExpm1, useTaylor);
}

/** Fills out[i] = exp(x[i]) (used by the accuracy tests). */
export function expArray(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(x + o);
    if (i64x2.all_true(f64x2.lt(f64x2.abs(v), vc(33 /* 700 */)))) v128.store(out + o, vexp(v));
    else {
      store<f64>(out + o, expScalar(f64x2.extract_lane(v, 0)));
      store<f64>(out + o, expScalar(f64x2.extract_lane(v, 1)), 8);
    }
  }
  if (i < n) store<f64>(out + (<usize>i << 3), expScalar(load<f64>(x + (<usize>i << 3))));
}

/** Fills out[i] = φ(x[i]) = e^x − 1 − x (used by the accuracy tests). */
export function expm1MinusXArray(n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    const v = v128.load(x + o);
    if (i64x2.all_true(f64x2.lt(f64x2.abs(v), vc(34 /* 38 */)))) v128.store(out + o, vexpm1MinusX(v));
    else {
      store<f64>(out + o, expm1MinusXScalar(f64x2.extract_lane(v, 0)));
      store<f64>(out + o, expm1MinusXScalar(f64x2.extract_lane(v, 1)), 8);
    }
  }
  if (i < n) store<f64>(out + (<usize>i << 3), expm1MinusXScalar(load<f64>(x + (<usize>i << 3))));
}

