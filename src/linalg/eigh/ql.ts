import { KullbackError } from "../../core/errors.js";
import { EPS, SAFE_MIN } from "./checks.js";

// ---------------------------------------------------------------------------------------------
// Phase 2: implicit-shift QL on the tridiagonal matrix
// ---------------------------------------------------------------------------------------------

/** sqrt(x² + y²) without destructive overflow or underflow. */
export function hypot2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax > ay) {
    const r = ay / ax;
    return ax * Math.sqrt(1 + r * r);
  }
  if (ay === 0) return 0;
  const r = ax / ay;
  return ay * Math.sqrt(1 + r * r);
}

/** Columns of z per chunk when applying recorded rotations (a chunk of all n rows stays in cache). */
export function rotationChunk(n: number): number {
  return Math.max(16, Math.min(n, Math.floor(32768 / n) * 8));
}

/**
 * Applies a recorded sequence of plane rotations to the rows of z, in order; rotation t maps
 * rows (i, i+1), i = idx[t], to (c·zᵢ - s·zᵢ₊₁, s·zᵢ + c·zᵢ₊₁). The rotations act on each column
 * independently, so z is processed in column chunks small enough to stay in cache while the
 * whole sequence is applied (one pass over z in memory instead of one per QL sweep). Runs of
 * four rotations i, i-1, i-2, i-3 (consecutive steps of a sweep) share five rows and are
 * applied together with the intermediate values in registers.
 */
export function applyRotations(
  n: number,
  z: Float64Array,
  zOff: number,
  idx: Int32Array,
  cs: Float64Array,
  sn: Float64Array,
  count: number,
): void {
  const width = rotationChunk(n);
  for (let k0 = 0; k0 < n; k0 += width) {
    const k1 = Math.min(n, k0 + width);
    let t = 0;
    while (t < count) {
      const i = idx[t];
      if (t + 3 < count && idx[t + 1] === i - 1 && idx[t + 2] === i - 2 && idx[t + 3] === i - 3) {
        const c0 = cs[t];
        const s0 = sn[t];
        const c1 = cs[t + 1];
        const s1 = sn[t + 1];
        const c2 = cs[t + 2];
        const s2 = sn[t + 2];
        const c3 = cs[t + 3];
        const s3 = sn[t + 3];
        const r0 = zOff + (i - 3) * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        const r4 = r3 + n;
        for (let k = k0; k < k1; k++) {
          let x3 = z[r3 + k];
          const x4 = z[r4 + k];
          z[r4 + k] = s0 * x3 + c0 * x4;
          x3 = c0 * x3 - s0 * x4;
          let x2 = z[r2 + k];
          z[r3 + k] = s1 * x2 + c1 * x3;
          x2 = c1 * x2 - s1 * x3;
          let x1 = z[r1 + k];
          z[r2 + k] = s2 * x1 + c2 * x2;
          x1 = c2 * x1 - s2 * x2;
          const x0 = z[r0 + k];
          z[r1 + k] = s3 * x0 + c3 * x1;
          z[r0 + k] = c3 * x0 - s3 * x1;
        }
        t += 4;
      } else {
        const c = cs[t];
        const s = sn[t];
        const zi = zOff + i * n;
        const zj = zi + n;
        for (let k = k0; k < k1; k++) {
          const y = z[zj + k];
          const x = z[zi + k];
          z[zj + k] = s * x + c * y;
          z[zi + k] = c * x - s * y;
        }
        t += 1;
      }
    }
  }
}

/** Rotations recorded before they are applied to the eigenvectors (≈ 20 bytes each). */
export const ROTATION_BUFFER = 1 << 17;

/**
 * Diagonalises the symmetric tridiagonal matrix (diagonal d, subdiagonal e[1..n-1]) by QL
 * sweeps with Wilkinson shifts. When z is non-null, every plane rotation acting on coordinates
 * (i, i+1) is recorded and later applied to rows i and i+1 of z (z holds the eigenvectors as
 * rows), in batches, by {@link applyRotations}; the rotations depend only on d and e.
 * The off-diagonal e[m] is treated as zero when |e[m]| ≤ ε(|d[m]| + |d[m+1]|) or when it is
 * below ε²‖T‖ (negligible for any norm-relative accuracy; stops fights with underflow).
 */
export function tridiagonalQl(
  n: number,
  d: Float64Array,
  dOff: number,
  e: Float64Array,
  z: Float64Array | null,
  zOff: number,
): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(d[dOff + i]) + Math.abs(e[i]));
  const tiny = Math.max(EPS * EPS * tnorm, SAFE_MIN);
  const maxIterations = 30 * n;
  let iterations = 0;
  const capacity = z === null ? 0 : Math.max(n, Math.min(ROTATION_BUFFER, n * n));
  const idx = new Int32Array(capacity);
  const cs = new Float64Array(capacity);
  const sn = new Float64Array(capacity);
  let count = 0;

  for (let l = 0; l < n; l++) {
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const em = Math.abs(e[m]);
        if (em <= tiny || em <= EPS * (Math.abs(d[dOff + m]) + Math.abs(d[dOff + m + 1]))) break;
      }
      if (m === l) break;
      if (++iterations > maxIterations) {
        throw new KullbackError(
          "InvalidParameter",
          `matrix: the QL eigenvalue iteration did not converge within ${maxIterations} iterations (30 n, n = ${n})`,
          { argument: "matrix", value: maxIterations },
        );
      }
      if (z !== null && count + (m - l) > capacity) {
        applyRotations(n, z, zOff, idx, cs, sn, count);
        count = 0;
      }
      // Wilkinson shift from the leading 2×2 block of the unreduced block l..m.
      let g = (d[dOff + l + 1] - d[dOff + l]) / (2 * e[l]);
      let r = hypot2(g, 1);
      g = d[dOff + m] - d[dOff + l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let underflow = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = hypot2(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // The rotation underflowed: the block splits here; undo the pending shift and retry.
          d[dOff + i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[dOff + i + 1] - p;
        r = (d[dOff + i] - g) * s + 2 * c * b;
        p = s * r;
        d[dOff + i + 1] = g + p;
        g = c * r - b;
        if (z !== null) {
          idx[count] = i;
          cs[count] = c;
          sn[count] = s;
          count++;
        }
      }
      if (underflow) continue;
      d[dOff + l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  if (z !== null && count > 0) applyRotations(n, z, zOff, idx, cs, sn, count);
}

/** Sorts d ascending (selection sort: at most n-1 swaps), permuting the rows of z alike. */
export function sortAscending(
  n: number,
  d: Float64Array,
  dOff: number,
  z: Float64Array | null,
  zOff: number,
): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let dk = d[dOff + i];
    for (let j = i + 1; j < n; j++) {
      if (d[dOff + j] < dk) {
        k = j;
        dk = d[dOff + j];
      }
    }
    if (k === i) continue;
    d[dOff + k] = d[dOff + i];
    d[dOff + i] = dk;
    if (z !== null) {
      const zi = zOff + i * n;
      const zk = zOff + k * n;
      for (let c = 0; c < n; c++) {
        const t = z[zi + c];
        z[zi + c] = z[zk + c];
        z[zk + c] = t;
      }
    }
  }
}

export function transposeInPlace(n: number, z: Float64Array, zOff: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const ij = zOff + i * n + j;
      const ji = zOff + j * n + i;
      const t = z[ij];
      z[ij] = z[ji];
      z[ji] = t;
    }
  }
}
