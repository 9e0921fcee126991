// small vector helpers (part of the kernels module: asm/kernels.ts is the index)
/**
 * c + a·b per lane. In the relaxed-SIMD build (`--enable relaxed-simd`, loaded where the runtime
 * validates it) this is `f64x2.relaxed_madd`, a fused multiply-add on x86 FMA and ARM hardware
 * (one rounding instead of two); in the plain SIMD build it is exactly `add(c, mul(a, b))`.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/**
 * c − a·b per lane: `f64x2.relaxed_nmadd` (fused) in the relaxed-SIMD build, exactly
 * `sub(c, mul(a, b))` in the plain SIMD build.
 */
@inline export function nmsub(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

/**
 * The GEMM's rounding, a compile-time type argument of {@link microKernel} and {@link gemmCore}
 * (each instantiation is its own function, with no branch in the loop): `Fused` multiply-adds
 * round once in the relaxed-SIMD build ({@link madd}); `Unfused` ones are `add(c, mul(a, b))` in
 * every build, the bits of the TypeScript `gemmNT` (src/linalg/gemm.ts) for K ≤ 256.
 */
export type Fused = u8;
export type Unfused = u16;

/** {@link madd} for `Fused`, exactly `add(c, mul(a, b))` for `Unfused`. */
@inline export function maddAs<R>(a: v128, b: v128, c: v128): v128 {
  if (sizeof<R>() == sizeof<Fused>()) return madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/** Σ x[i]·y[i], i < n (two f64x2 accumulators). */
@inline export function dot(x: usize, y: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    s0 = madd(v128.load(x + o), v128.load(y + o), s0);
    s1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), s1);
  }
  s0 = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y[i] −= a·x[i], i < n. */
@inline export function axpyNeg(y: usize, x: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 3;
    v128.store(y + o, nmsub(va, v128.load(x + o), v128.load(y + o)));
    v128.store(y + o, nmsub(va, v128.load(x + o, 16), v128.load(y + o, 16)), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(y + o, load<f64>(y + o) - a * load<f64>(x + o));
  }
}

/** y[i] ·= a, i < n. */
@inline export function scal(y: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.mul(v128.load(y + o), va));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) * a);
}

/** y[i] /= a, i < n (division, not multiplication by 1/a, where exactness matters). */
@inline export function divs(y: usize, a: f64, n: i32): void {
  const va = f64x2.splat(a);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(y + o, f64x2.div(v128.load(y + o), va));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) / a);
}

