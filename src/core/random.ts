/**
 * Seeded pseudo-random numbers, identical on every platform.
 *
 * Algorithm (documented so results can be reproduced elsewhere):
 * - the seed (any number; its low 32 bits after `>>> 0`, default 0x9e3779b9) is expanded into
 *   four 32-bit words by splitmix32;
 * - xoshiro128** generates 32-bit outputs;
 * - a uniform double in [0, 1) takes the top 26 bits of one output and the top 27 bits of the next:
 *   (a · 2^27 + b) / 2^53;
 * - standard normals by Box–Muller: u1 ∈ (0, 1] as 1 − uniform, u2 = uniform,
 *   r = sqrt(−2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2), returned in that order.
 * All arithmetic is 32-bit integer (`Math.imul`, `>>>`) except Box–Muller, which uses
 * `Math.log`, `Math.cos`, `Math.sin` (V8's fdlibm ports: bitwise-identical across V8 platforms).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN;

  constructor(seed = 0x9e3779b9) {
    let x = seed >>> 0;
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
