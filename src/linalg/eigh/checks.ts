import { invalidParameter, invalidShape } from "../../core/errors.js";

export const EPS = Number.EPSILON;
/** Smallest positive normal double. */
export const SAFE_MIN = 2.2250738585072014e-308;
/** Relative round-off tolerance of the PSD functions: 2^-26 ≈ 1.49e-8 (the square root of EPS). */
export const PSD_RTOL = 1.4901161193847656e-8;
/** Matrices whose largest entry lies outside [2^-600, 2^600] are rescaled by a power of two first. */
export const SCALE_HI = 2 ** 600;
export const SCALE_LO = 2 ** -600;

// ---------------------------------------------------------------------------------------------
// Argument checks
// ---------------------------------------------------------------------------------------------

export function checkOrder(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw invalidParameter("n", "a non-negative integer", n);
}

export function checkOffset(name: string, off: number): void {
  if (!Number.isInteger(off) || off < 0) throw invalidParameter(name, "a non-negative integer offset", off);
}

export function checkSpace(name: string, x: ArrayLike<number>, off: number, len: number): void {
  if (off + len > x.length) {
    throw invalidShape(name, `needs ${len} entries from offset ${off} but has length ${x.length}`, x.length);
  }
}

/** True when the element ranges [xOff, xOff+xLen) and [yOff, yOff+yLen) share memory. */
export function overlaps(
  x: Float64Array,
  xOff: number,
  xLen: number,
  y: Float64Array,
  yOff: number,
  yLen: number,
) {
  if (xLen === 0 || yLen === 0 || x.buffer !== y.buffer) return false;
  const xs = x.byteOffset + 8 * xOff;
  const ys = y.byteOffset + 8 * yOff;
  return xs < ys + 8 * yLen && ys < xs + 8 * xLen;
}

/** Throws InvalidParameter naming `argument` at the first non-finite lower-triangle entry. */
export function checkFiniteLower(argument: string, n: number, a: ArrayLike<number>, aOff: number): number {
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ri = aOff + i * n;
    for (let j = 0; j <= i; j++) {
      const x = a[ri + j];
      if (!Number.isFinite(x)) throw invalidParameter(argument, `finite (entry [${i}, ${j}])`, x);
      const ax = Math.abs(x);
      if (ax > amax) amax = ax;
    }
  }
  return amax;
}

/**
 * The power-of-two exponent k such that 2^k * amax is close to 1, or 0 when amax is zero or
 * already inside [lo, hi].
 */
export function scaleExponent(amax: number, lo: number, hi: number): number {
  if (amax === 0 || (amax >= lo && amax <= hi)) return 0;
  return -Math.round(Math.log2(amax));
}

/** Multiplies x by 2^k exactly (in two steps so that 2^k itself never overflows). */
export function timesPow2(x: number, k: number): number {
  const k1 = Math.trunc(k / 2);
  return x * 2 ** k1 * 2 ** (k - k1);
}
