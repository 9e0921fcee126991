/**
 * Seeded pseudo-random numbers, identical on every platform.
 *
 * Algorithm (documented so results can be reproduced elsewhere):
 * - the seed (an integer, default 0x9e3779b9; above 2³² its high word is mixed into the low one) is expanded into
 *   four 32-bit words by splitmix32;
 * - xoshiro128** generates 32-bit outputs;
 * - a uniform double in [0, 1) takes the top 26 bits of one output and the top 27 bits of the next:
 *   (a · 2^27 + b) / 2^53;
 * - standard normals by Box–Muller: u1 ∈ (0, 1] as 1 − uniform, u2 = uniform,
 *   r = sqrt(−2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2), returned in that order.
 * All arithmetic is 32-bit integer (`Math.imul`, `>>>`) except Box–Muller, which uses
 * `Math.log`, `Math.cos`, `Math.sin` (V8's fdlibm ports: bitwise-identical across V8 platforms).
 */
import { invalidParameter } from "./errors.js";

/**
 * The library's seeded generator: xoshiro128** seeded by splitmix32, 53-bit uniforms in [0, 1),
 * Box–Muller normals. The same seed gives the same draws on every platform.
 *
 * @example
 * const rng = new Random(1);
 * rng.uniform(); // in [0, 1)
 * rng.normal(); // a standard normal draw
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(seed = 0x9e3779b9) {
    if (!Number.isInteger(seed)) throw invalidParameter("seed", "an integer", seed);
    // seeds ≥ 2³² (or negative) fold their high word in; seeds in [0, 2³²) start splitmix at the seed
    let x = ((seed >>> 0) ^ fmix(Math.floor(seed / 4294967296) | 0)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 6;
    const b = this.nextU32() >>> 5;
    return (a * 134217728 + b) / 9007199254740992;
  }

  /** Uniform integer in {0, …, n − 1} by rejection (no modulo bias); n an integer in [1, 2³²]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296)
      throw invalidParameter("n", "an integer in [1, 2^32]", n);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = this.nextU32();
      if (v < limit) return v % n;
    }
  }

  /** Standard normal deviate (Box–Muller, pairs cached). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const th = 2 * Math.PI * u2;
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Fills `out` with standard normals. */
  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}

function fmix(v: number): number {
  let z = v;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
