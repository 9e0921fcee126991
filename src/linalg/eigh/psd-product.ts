// ---------------------------------------------------------------------------------------------
// Dense product for the PSD functions
// ---------------------------------------------------------------------------------------------

/**
 * C += A·B for contiguous row-major A (m×q), B (q×p), C (m×p). With `lower`, only the entries
 * C[i][j] with j ≤ i are formed. Blocked over q and p so that a 128×256 panel of B (256 KiB)
 * stays in cache while the rows of A stream past; unrolled four ways over q, so each pass
 * over a row of C serves four rank-one updates.
 */
export function gemmAdd(
  m: number,
  p: number,
  q: number,
  a: Float64Array,
  b: Float64Array,
  c: Float64Array,
  lower: boolean,
): void {
  const KB = 128;
  const JB = 256;
  for (let k0 = 0; k0 < q; k0 += KB) {
    const k1 = Math.min(q, k0 + KB);
    for (let j0 = 0; j0 < p; j0 += JB) {
      const j1 = Math.min(p, j0 + JB);
      for (let i = lower ? j0 : 0; i < m; i++) {
        const jEnd = lower ? Math.min(j1, i + 1) : j1;
        const ci = i * p;
        const ai = i * q;
        let k = k0;
        for (; k + 3 < k1; k += 4) {
          const a0 = a[ai + k];
          const a1 = a[ai + k + 1];
          const a2 = a[ai + k + 2];
          const a3 = a[ai + k + 3];
          const b0 = k * p;
          const b1 = b0 + p;
          const b2 = b1 + p;
          const b3 = b2 + p;
          for (let j = j0; j < jEnd; j++) {
            c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
          }
        }
        for (; k < k1; k++) {
          const a0 = a[ai + k];
          const b0 = k * p;
          for (let j = j0; j < jEnd; j++) c[ci + j] += a0 * b[b0 + j];
        }
      }
    }
  }
}
