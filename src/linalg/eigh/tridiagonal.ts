import { wasmRegion } from "../wasm.js";
import { denseThreadsFor, threadedRegion, threadedTridiagStep } from "../threaded.js";

// ---------------------------------------------------------------------------------------------
// Phase 1: Householder tridiagonalisation (lower triangle, row-major)
// ---------------------------------------------------------------------------------------------

/**
 * Sets up step i of the reduction from row i of the (already updated) matrix: d[i] = a[i][i];
 * for i ≥ 2 the reflector H_i = I - u uᵀ / h with H_i x = g·e_{i-1} for x = a[i][0..i-1]
 * (x is scaled by its 1-norm first, which guards the sum of squares against overflow and
 * underflow; u overwrites x in row i, h goes to hh[i], the subdiagonal scale·g to e[i]).
 * hh[i] = 0 marks a trivial step (i = 1, or x = 0).
 */
export function setupReflector(
  n: number,
  a: Float64Array,
  aOff: number,
  d: Float64Array,
  dOff: number,
  e: Float64Array,
  hh: Float64Array,
  i: number,
): void {
  const l = i - 1;
  const ri = aOff + i * n;
  d[dOff + i] = a[ri + i];
  hh[i] = 0;
  if (l === 0) {
    e[i] = a[ri];
    return;
  }
  let scale = 0;
  for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
  if (scale === 0) {
    e[i] = 0;
    return;
  }
  let sigma = 0;
  for (let k = 0; k <= l; k++) {
    const x = a[ri + k] / scale;
    a[ri + k] = x;
    sigma += x * x;
  }
  const xl = a[ri + l];
  const g = xl >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
  e[i] = scale * g;
  // u = x - g e_l, so that H x = g e_l; h = uᵀu / 2 = sigma - g x_l.
  a[ri + l] = xl - g;
  hh[i] = sigma - xl * g;
}

/** p = A u over the leading i×i block (its lower triangle read row by row), u = row i. */
export function symmetricMatvec(n: number, a: Float64Array, aOff: number, i: number, p: Float64Array): void {
  const ri = aOff + i * n;
  for (let k = 0; k < i; k++) p[k] = 0;
  for (let j = 0; j < i; j++) {
    const rj = aOff + j * n;
    const uj = a[ri + j];
    let s = 0;
    for (let k = 0; k < j; k++) {
      const ajk = a[rj + k];
      s += ajk * a[ri + k];
      p[k] += ajk * uj;
    }
    p[j] += s + a[rj + j] * uj;
  }
}

/** Turns p = A u into q = p/h - K u with K = uᵀp / (2h²), so that H A H = A - u qᵀ - q uᵀ. */
export function formQ(
  n: number,
  a: Float64Array,
  aOff: number,
  hh: Float64Array,
  i: number,
  p: Float64Array,
): void {
  const ri = aOff + i * n;
  const h = hh[i];
  let up = 0;
  for (let k = 0; k < i; k++) {
    p[k] /= h;
    up += a[ri + k] * p[k];
  }
  const kk = up / (2 * h);
  for (let k = 0; k < i; k++) p[k] -= kk * a[ri + k];
}

/**
 * Reduces the symmetric matrix held in the lower triangle of `a` to tridiagonal form
 * T = Qᵀ A Q with Q = H_{n-1} ⋯ H_2. Step i (from n-1 down to 2) annihilates row i left of the
 * subdiagonal with the reflector H_i = I - u uᵀ / h, u supported on indices 0..i-1, and updates
 * the leading block by A := A - u qᵀ - q uᵀ.
 *
 * To stream the matrix once per step instead of twice, the update of step i is fused with the
 * matrix-vector product of step i-1: row i-1 is updated first (it defines the next reflector),
 * then each row j < i-1 is updated and immediately multiplied into the next product.
 *
 * On return d[dOff..] holds the diagonal of T, e[i] (i ≥ 1) the subdiagonal T[i][i-1], e[0] = 0;
 * row i of `a` (columns 0..i-1) holds u of step i and hh[i] holds h (0 when H_i = I).
 */
/** The fused update of one step (rows 0..l-1 of a, and pn), run by a faster kernel. */
export type FusedStep = (i: number, l: number, q: Float64Array, pn: Float64Array) => void;

/** Order from which the tridiagonalisation runs its fused step in WebAssembly (when enabled). */
export const TRIDIAG_WASM_MIN = 48;

/**
 * {@link tridiagonalize}, with the matrix moved into the WebAssembly module's memory and the
 * fused O(n²) update of each step run by its f64x2 kernel (`tridiagFusedStep`) when
 * `kernelsFor(n)` is WASM and n ≥ TRIDIAG_WASM_MIN; the plain TypeScript loop otherwise. The
 * reflectors are copied back into `a` either way.
 */
export function tridiagonalizeFast(
  n: number,
  a: Float64Array,
  aOff: number,
  d: Float64Array,
  dOff: number,
  e: Float64Array,
  hh: Float64Array,
  p0: Float64Array,
  p1: Float64Array,
): void {
  const nn = n * n;
  const pad = (k: number): number => (k + 7) & ~7;
  const qOff = pad(nn);
  const pnOff = qOff + pad(n);
  const workOff = pnOff + pad(n);
  const region = n >= TRIDIAG_WASM_MIN ? wasmRegion(0, n) : null;
  if (region === null) {
    tridiagonalize(n, a, aOff, d, dOff, e, hh, p0, p1);
    return;
  }
  const x = region.exports;
  const doubles = workOff + x.tridiagParts() * n;
  // large orders: the row parts of each step shared with worker threads in their shared memory
  // (same bits; src/linalg/threaded.ts), else this module's own memory
  const threads = denseThreadsFor(n);
  const shared = threads > 1 ? threadedRegion(threads, doubles) : null;
  const r = shared ?? wasmRegion(doubles, n);
  if (r === null) {
    tridiagonalize(n, a, aOff, d, dOff, e, hh, p0, p1);
    return;
  }
  const { heap, offset: o } = r;
  heap.set(a.subarray(aOff, aOff + nn), o);
  const q = heap.subarray(o + qOff, o + qOff + n);
  const pn = heap.subarray(o + pnOff, o + pnOff + n);
  const aByte = o * 8;
  const workByte = (o + workOff) * 8;
  let ok = true;
  tridiagonalize(n, heap, o, d, dOff, e, hh, q, pn, (i, l, qv, pv) => {
    if (!shared) x.tridiagFusedStep(n, aByte, i, l, qv.byteOffset, pv.byteOffset, workByte);
    else if (ok) ok = threadedTridiagStep(n, aByte, i, l, qv.byteOffset, pv.byteOffset, workByte);
  });
  // a worker failed part-way (threading is off from now on): start over in this thread
  if (!ok) return tridiagonalizeFast(n, a, aOff, d, dOff, e, hh, p0, p1);
  a.set(heap.subarray(o, o + nn), aOff);
}

export function tridiagonalize(
  n: number,
  a: Float64Array,
  aOff: number,
  d: Float64Array,
  dOff: number,
  e: Float64Array,
  hh: Float64Array,
  p0: Float64Array,
  p1: Float64Array,
  fused: FusedStep | null = null,
): void {
  let q = p0; // q of the current step
  let pn = p1; // product of the next step, being accumulated
  setupReflector(n, a, aOff, d, dOff, e, hh, n - 1);
  if (hh[n - 1] !== 0) {
    symmetricMatvec(n, a, aOff, n - 1, q);
    formQ(n, a, aOff, hh, n - 1, q);
  }
  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1;
    if (hh[i] === 0) {
      // Nothing to apply: set up step l from scratch.
      if (l >= 1) {
        setupReflector(n, a, aOff, d, dOff, e, hh, l);
        if (hh[l] !== 0) {
          symmetricMatvec(n, a, aOff, l, q);
          formQ(n, a, aOff, hh, l, q);
        }
      }
      continue;
    }
    const ri = aOff + i * n;
    const rl = aOff + l * n;
    // Row l first: it defines the reflector of step l.
    {
      const ul = a[ri + l];
      const ql = q[l];
      for (let k = 0; k <= l; k++) a[rl + k] -= ul * q[k] + ql * a[ri + k];
    }
    if (l === 0) continue;
    setupReflector(n, a, aOff, d, dOff, e, hh, l);
    if (hh[l] === 0) {
      for (let j = 0; j < l; j++) {
        const rj = aOff + j * n;
        const uj = a[ri + j];
        const qj = q[j];
        for (let k = 0; k <= j; k++) a[rj + k] -= uj * q[k] + qj * a[ri + k];
      }
      continue;
    }
    // Fused: update rows 0..l-1 with step i, and accumulate pn = A u' (u' = row l) for step l.
    if (fused !== null) {
      fused(i, l, q, pn);
      formQ(n, a, aOff, hh, l, pn);
      const t = q;
      q = pn;
      pn = t;
      continue;
    }
    for (let k = 0; k < l; k++) pn[k] = 0;
    for (let j = 0; j < l; j++) {
      const rj = aOff + j * n;
      const uj = a[ri + j];
      const qj = q[j];
      const vj = a[rl + j];
      let s = 0;
      for (let k = 0; k < j; k++) {
        const x = a[rj + k] - (uj * q[k] + qj * a[ri + k]);
        a[rj + k] = x;
        s += x * a[rl + k];
        pn[k] += x * vj;
      }
      const x = a[rj + j] - (uj * q[j] + qj * a[ri + j]);
      a[rj + j] = x;
      pn[j] += s + x * vj;
    }
    formQ(n, a, aOff, hh, l, pn);
    const t = q;
    q = pn;
    pn = t;
  }
  d[dOff] = a[aOff];
  e[0] = 0;
}

/** Rows of Qᵀ built per block while the reflectors stream past (fits ~256 KiB of rows in cache). */
export function accumulateBlockRows(n: number): number {
  return Math.max(4, Math.min(32, Math.floor(32768 / n) & ~3));
}

/**
 * Forms Qᵀ = H_2 H_3 ⋯ H_{n-1} in z (row-major). Each row transforms independently under
 * right multiplication, and row r of Qᵀ is e_rᵀ H_{r+1} ⋯ H_{n-1} (H_j acts on indices
 * 0..j-1 only). Rows are therefore built in blocks that stay in cache while the reflectors
 * u_j (rows of `a`) stream past once per block: row ← row - (row·u_j / h_j) u_j, two rows
 * per pass so that each load of u_j serves both.
 */
export function accumulate(
  n: number,
  a: Float64Array,
  aOff: number,
  hh: Float64Array,
  z: Float64Array,
  zOff: number,
): void {
  z.fill(0, zOff, zOff + n * n);
  for (let i = 0; i < n; i++) z[zOff + i * n + i] = 1;
  const block = accumulateBlockRows(n);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    for (let j = r0 + 1; j < n; j++) {
      const h = hh[j];
      if (h === 0) continue;
      const uj = aOff + j * n;
      const rEnd = Math.min(r1, j); // rows r ≤ j - 1 are touched by H_j
      let r = r0;
      for (; r + 3 < rEnd; r += 4) {
        const z0 = zOff + r * n;
        const z1 = z0 + n;
        const z2 = z1 + n;
        const z3 = z2 + n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let c = 0; c < j; c++) {
          const u = a[uj + c];
          s0 += z[z0 + c] * u;
          s1 += z[z1 + c] * u;
          s2 += z[z2 + c] * u;
          s3 += z[z3 + c] * u;
        }
        s0 /= h;
        s1 /= h;
        s2 /= h;
        s3 /= h;
        for (let c = 0; c < j; c++) {
          const u = a[uj + c];
          z[z0 + c] -= s0 * u;
          z[z1 + c] -= s1 * u;
          z[z2 + c] -= s2 * u;
          z[z3 + c] -= s3 * u;
        }
      }
      for (; r + 1 < rEnd; r += 2) {
        const z0 = zOff + r * n;
        const z1 = z0 + n;
        let s0 = 0;
        let s1 = 0;
        for (let c = 0; c < j; c++) {
          const u = a[uj + c];
          s0 += z[z0 + c] * u;
          s1 += z[z1 + c] * u;
        }
        s0 /= h;
        s1 /= h;
        for (let c = 0; c < j; c++) {
          const u = a[uj + c];
          z[z0 + c] -= s0 * u;
          z[z1 + c] -= s1 * u;
        }
      }
      if (r < rEnd) {
        const z0 = zOff + r * n;
        let s0 = 0;
        for (let c = 0; c < j; c++) s0 += z[z0 + c] * a[uj + c];
        s0 /= h;
        for (let c = 0; c < j; c++) z[z0 + c] -= s0 * a[uj + c];
      }
    }
  }
}
