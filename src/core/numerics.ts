/**
 * The accurate primitives every formula in the library uses (one copy each; docs/numerics.md):
 *
 * - {@link expm1MinusX}: φ(t) = eᵗ − 1 − t ≥ 0, the KL of two scales/rates on the log scale.
 * - {@link CompensatedSum} and {@link compensatedSum}: Neumaier's compensated summation.
 *
 * The WebAssembly kernels (asm/) compute φ with the same operations, so the TypeScript and WASM
 * paths of a batched Gaussian KL give the same bits.
 */

/**
 * φ(t) = eᵗ − 1 − t ≥ 0.
 *
 * Below |t| = 10⁻² a Taylor polynomial t²/2! + … + t⁸/8! (truncation < t⁹/9!, relative < 1e-18):
 * there `expm1(t) − t` would cancel (1.4e-8 relative error at t = 1e-8). Above it `expm1(t) − t`,
 * whose relative error is at most about 2ε/|t| (≤ 5e-14, near |t| = 10⁻²) and ε for |t| ≥ 1.
 * φ(±∞) = +∞; NaN for NaN.
 *
 * @example
 * expm1MinusX(1e-8); // 5.000000016666667e-17 (t²/2 + t³/6)
 * expm1MinusX(0); // 0
 */
export function expm1MinusX(t: number): number {
  if (Math.abs(t) < 1e-2) {
    return (
      t *
      t *
      (1 / 2 + t * (1 / 6 + t * (1 / 24 + t * (1 / 120 + t * (1 / 720 + t * (1 / 5040 + t / 40320))))))
    );
  }
  // expm1(∞) − ∞ would be NaN
  return t === Infinity ? Infinity : Math.expm1(t) - t;
}

/**
 * Neumaier's compensated running sum: add terms with `add`, read the total with `value`.
 * Sums of 10⁶ terms stay accurate to a few ulps of the total. Once the plain sum is not finite
 * (an infinity or NaN entered) it is the answer, so IEEE semantics hold exactly
 * (∞ + finite = ∞, ∞ − ∞ = NaN).
 *
 * @example
 * const s = new CompensatedSum();
 * for (const x of [1, 1e100, 1, -1e100]) s.add(x);
 * s.value; // 2 (a plain sum gives 0)
 */
export class CompensatedSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return Number.isFinite(this.s) ? this.s + this.c : this.s;
  }
}

/**
 * The compensated sum of `n` values `at(0) … at(n − 1)` (see {@link CompensatedSum}).
 *
 * @example
 * compensatedSum(4, (k) => [1, 1e100, 1, -1e100][k]); // 2
 */
export function compensatedSum(n: number, at: (k: number) => number): number {
  const s = new CompensatedSum();
  for (let k = 0; k < n; k++) s.add(at(k));
  return s.value;
}

/**
 * Neumaier-compensated s[b] += v into arrays of running sums (c[b] holds the lost low-order
 * part; the total is s[b] + c[b] while s[b] is finite). For many sums updated in turn.
 */
export function compensatedAdd(s: Float64Array, c: Float64Array, b: number, v: number): void {
  const a = s[b];
  const t = a + v;
  c[b] += Math.abs(a) >= Math.abs(v) ? a - t + v : v - t + a;
  s[b] = t;
}
