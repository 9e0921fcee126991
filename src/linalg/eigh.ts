/**
 * Symmetric eigendecomposition and functions of symmetric positive semi-definite matrices.
 *
 * Matrices are dense row-major `Float64Array`s of `n * n` entries addressed with an explicit
 * offset, as in LAPACK-style kernels: entry (i, j) of a matrix at `(a, aOff)` is
 * `a[aOff + i * n + j]`.
 *
 * The kernel is the classic two-phase method: a Householder reduction to tridiagonal form
 * followed by the QL algorithm with implicit Wilkinson shifts on the tridiagonal matrix
 * (the method of the EISPACK routines tred2/tql2, as described in Golub & Van Loan, "Matrix
 * Computations", §8.3, and Wilkinson & Reinsch, "Handbook for Automatic Computation II").
 * The implementation is organised for row-major storage: the Householder vectors live in
 * rows, and the eigenvector matrix is kept transposed (one eigenvector per contiguous row)
 * while the plane rotations of the QL sweeps are applied, then transposed once at the end.
 */
import { KullbackError, invalidParameter, invalidShape, notPositiveDefinite } from "../core/errors.js";
import { wasmRegion } from "./wasm.js";
import { denseThreadsFor, threadedRegion, threadedTridiagStep } from "./threaded.js";

const EPS = Number.EPSILON;
/** Smallest positive normal double. */
const SAFE_MIN = 2.2250738585072014e-308;
/** Relative round-off tolerance of the PSD functions: 2^-26 ≈ 1.49e-8 (the square root of EPS). */
const PSD_RTOL = 1.4901161193847656e-8;
/** Matrices whose largest entry lies outside [2^-600, 2^600] are rescaled by a power of two first. */
const SCALE_HI = 2 ** 600;
const SCALE_LO = 2 ** -600;

// ---------------------------------------------------------------------------------------------
// Argument checks
// ---------------------------------------------------------------------------------------------

function checkOrder(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw invalidParameter("n", "a non-negative integer", n);
}

function checkOffset(name: string, off: number): void {
  if (!Number.isInteger(off) || off < 0) throw invalidParameter(name, "a non-negative integer offset", off);
}

function checkSpace(name: string, x: ArrayLike<number>, off: number, len: number): void {
  if (off + len > x.length) {
    throw invalidShape(name, `needs ${len} entries from offset ${off} but has length ${x.length}`, x.length);
  }
}

/** True when the element ranges [xOff, xOff+xLen) and [yOff, yOff+yLen) share memory. */
function overlaps(x: Float64Array, xOff: number, xLen: number, y: Float64Array, yOff: number, yLen: number) {
  if (xLen === 0 || yLen === 0 || x.buffer !== y.buffer) return false;
  const xs = x.byteOffset + 8 * xOff;
  const ys = y.byteOffset + 8 * yOff;
  return xs < ys + 8 * yLen && ys < xs + 8 * xLen;
}

/** Throws InvalidParameter naming `argument` at the first non-finite lower-triangle entry. */
function checkFiniteLower(argument: string, n: number, a: ArrayLike<number>, aOff: number): number {
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
function scaleExponent(amax: number, lo: number, hi: number): number {
  if (amax === 0 || (amax >= lo && amax <= hi)) return 0;
  return -Math.round(Math.log2(amax));
}

/** Multiplies x by 2^k exactly (in two steps so that 2^k itself never overflows). */
function timesPow2(x: number, k: number): number {
  const k1 = Math.trunc(k / 2);
  return x * 2 ** k1 * 2 ** (k - k1);
}

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
function setupReflector(
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
function symmetricMatvec(n: number, a: Float64Array, aOff: number, i: number, p: Float64Array): void {
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
function formQ(n: number, a: Float64Array, aOff: number, hh: Float64Array, i: number, p: Float64Array): void {
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
type FusedStep = (i: number, l: number, q: Float64Array, pn: Float64Array) => void;

/** Order from which the tridiagonalisation runs its fused step in WebAssembly (when enabled). */
const TRIDIAG_WASM_MIN = 48;

/**
 * {@link tridiagonalize}, with the matrix moved into the WebAssembly module's memory and the
 * fused O(n²) update of each step run by its f64x2 kernel (`tridiagFusedStep`) when
 * `kernelsFor(n)` is WASM and n ≥ TRIDIAG_WASM_MIN; the plain TypeScript loop otherwise. The
 * reflectors are copied back into `a` either way.
 */
function tridiagonalizeFast(
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

function tridiagonalize(
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
function accumulateBlockRows(n: number): number {
  return Math.max(4, Math.min(32, Math.floor(32768 / n) & ~3));
}

/**
 * Forms Qᵀ = H_2 H_3 ⋯ H_{n-1} in z (row-major). Each row transforms independently under
 * right multiplication, and row r of Qᵀ is e_rᵀ H_{r+1} ⋯ H_{n-1} (H_j acts on indices
 * 0..j-1 only). Rows are therefore built in blocks that stay in cache while the reflectors
 * u_j (rows of `a`) stream past once per block: row ← row - (row·u_j / h_j) u_j, two rows
 * per pass so that each load of u_j serves both.
 */
function accumulate(
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

// ---------------------------------------------------------------------------------------------
// Phase 2: implicit-shift QL on the tridiagonal matrix
// ---------------------------------------------------------------------------------------------

/** sqrt(x² + y²) without destructive overflow or underflow. */
function hypot2(x: number, y: number): number {
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
function rotationChunk(n: number): number {
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
function applyRotations(
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
const ROTATION_BUFFER = 1 << 17;

/**
 * Diagonalises the symmetric tridiagonal matrix (diagonal d, subdiagonal e[1..n-1]) by QL
 * sweeps with Wilkinson shifts. When z is non-null, every plane rotation acting on coordinates
 * (i, i+1) is recorded and later applied to rows i and i+1 of z (z holds the eigenvectors as
 * rows), in batches, by {@link applyRotations}; the rotations depend only on d and e.
 * The off-diagonal e[m] is treated as zero when |e[m]| ≤ ε(|d[m]| + |d[m+1]|) or when it is
 * below ε²‖T‖ (negligible for any norm-relative accuracy; stops fights with underflow).
 */
function tridiagonalQl(
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
function sortAscending(n: number, d: Float64Array, dOff: number, z: Float64Array | null, zOff: number): void {
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

function transposeInPlace(n: number, z: Float64Array, zOff: number): void {
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

// ---------------------------------------------------------------------------------------------
// Dense product for the PSD functions
// ---------------------------------------------------------------------------------------------

/**
 * C += A·B for contiguous row-major A (m×q), B (q×p), C (m×p). With `lower`, only the entries
 * C[i][j] with j ≤ i are formed. Blocked over q and p so that a 128×256 panel of B (256 KiB)
 * stays in cache while the rows of A stream past; unrolled four ways over q, so each pass
 * over a row of C serves four rank-one updates.
 */
function gemmAdd(
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

// ---------------------------------------------------------------------------------------------
// Public kernels
// ---------------------------------------------------------------------------------------------

/**
 * Eigenvalues and (optionally) eigenvectors of a real symmetric n×n matrix, in place.
 *
 * Computes A = V diag(w) Vᵀ with w ascending and V orthogonal.
 *
 * - Input: only the lower triangle (entries `a[aOff + i*n + j]` with j ≤ i, diagonal included)
 *   is read; the strictly upper triangle is never read nor written, so it may hold anything
 *   (even NaN).
 * - `a` is overwritten: on return its lower triangle holds the Householder vectors of the
 *   tridiagonal reduction (workspace; its contents are unspecified).
 * - `w[wOff .. wOff+n)` receives the eigenvalues in ascending order.
 * - If `v` is non-null, `v[vOff .. vOff+n*n)` receives the orthonormal eigenvectors as COLUMNS
 *   (row-major, so `v[vOff + i*n + j]` is component i of the eigenvector of `w[wOff + j]`).
 *   Pass `null` to compute eigenvalues only (about 3–5× faster for large n). The eigenvalues
 *   are bitwise identical with and without eigenvectors.
 * - `v` and `w` must not overlap `a` or each other (checked).
 *
 * Algorithm: Householder reduction to tridiagonal form (rows scaled against overflow),
 * accumulation of the reflectors, then the QL algorithm with implicit Wilkinson shifts
 * (tred2/tql2), rotations applied to the transposed eigenvector matrix for contiguous access.
 * Cost ≈ 4n³/3 flops without vectors, ≈ 9n³ with. Backward stable: eigenvalues are accurate
 * to a small multiple of ε‖A‖, and the eigenvectors are orthonormal to working precision.
 * Matrices whose largest entry is outside [2^-600, 2^600] are first rescaled by an exact
 * power of two (the eigenvalues are scaled back), so huge and tiny inputs neither overflow
 * nor underflow.
 *
 * Edge cases: n = 0 does nothing; n = 1 gives w = [a₀₀], v = [1]; the zero matrix gives zero
 * eigenvalues and V = I; diagonal (and already tridiagonal) input skips the trivial
 * reflectors; repeated eigenvalues get an orthonormal basis of their eigenspace (the basis
 * itself is not unique, nor are the signs of the eigenvectors).
 *
 * Errors: `KullbackError` with code `"InvalidParameter"` and argument `"matrix"` when a
 * lower-triangle entry is NaN or ±Infinity (the message names the entry and value), or when
 * the QL iteration needs more than 30·n sweeps in total (never observed in practice);
 * `"InvalidParameter"` for a bad `n` or offset, `"InvalidShape"` when a buffer is too short
 * or buffers overlap.
 *
 * @example
 * const a = Float64Array.of(2, 0, 1, 2); // [[2, 1], [1, 2]], lower triangle read
 * const w = new Float64Array(2);
 * const v = new Float64Array(4);
 * eighInPlace(2, a, 0, w, 0, v, 0);
 * // w = [1, 3]; column 0 of v = ±[1, -1]/√2, column 1 = ±[1, 1]/√2
 */
export function eighInPlace(
  n: number,
  a: Float64Array,
  aOff: number,
  w: Float64Array,
  wOff: number,
  v: Float64Array | null,
  vOff: number,
): void {
  checkOrder(n);
  checkOffset("aOff", aOff);
  checkOffset("wOff", wOff);
  checkSpace("a", a, aOff, n * n);
  checkSpace("w", w, wOff, n);
  if (v !== null) {
    checkOffset("vOff", vOff);
    checkSpace("v", v, vOff, n * n);
    if (overlaps(v, vOff, n * n, a, aOff, n * n)) throw invalidShape("v", "must not overlap a");
    if (overlaps(v, vOff, n * n, w, wOff, n)) throw invalidShape("v", "must not overlap w");
  }
  if (overlaps(w, wOff, n, a, aOff, n * n)) throw invalidShape("w", "must not overlap a");
  if (n === 0) return;

  const amax = checkFiniteLower("matrix", n, a, aOff);
  if (n === 1 || amax === 0) {
    // 1×1, or the zero matrix: already diagonal.
    for (let i = 0; i < n; i++) w[wOff + i] = a[aOff + i * n + i];
    if (v !== null) {
      v.fill(0, vOff, vOff + n * n);
      for (let i = 0; i < n; i++) v[vOff + i * n + i] = 1;
    }
    return;
  }

  const k = scaleExponent(amax, SCALE_LO, SCALE_HI);
  if (k !== 0) {
    for (let i = 0; i < n; i++) {
      const ri = aOff + i * n;
      for (let j = 0; j <= i; j++) a[ri + j] = timesPow2(a[ri + j], k);
    }
  }

  const work = new Float64Array(4 * n);
  const e = work.subarray(0, n);
  const hh = work.subarray(n, 2 * n);
  tridiagonalizeFast(n, a, aOff, w, wOff, e, hh, work.subarray(2 * n, 3 * n), work.subarray(3 * n, 4 * n));
  if (v !== null) accumulate(n, a, aOff, hh, v, vOff);
  tridiagonalQl(n, w, wOff, e, v, vOff);
  sortAscending(n, w, wOff, v, vOff);
  if (v !== null) transposeInPlace(n, v, vOff);

  if (k !== 0) for (let i = 0; i < n; i++) w[wOff + i] = timesPow2(w[wOff + i], -k);
}

/**
 * Eigendecomposition of a real symmetric n×n matrix given row-major: A = V diag(values) Vᵀ.
 *
 * A convenience wrapper around {@link eighInPlace} that copies its input (which is never
 * mutated) and allocates the outputs. Only the lower triangle of `a` is read.
 *
 * Returns `values` (length n, ascending) and `vectors` (n×n row-major, eigenvectors as
 * columns: `vectors[i*n + j]` is component i of eigenvector j).
 *
 * Errors: `InvalidShape` (argument `"matrix"`) when `a.length !== n*n`; otherwise as
 * {@link eighInPlace} (non-finite entries: `InvalidParameter`, argument `"matrix"`).
 *
 * @example
 * const { values, vectors } = eigh(2, [2, 1, 1, 2]);
 * // values = [1, 3]; vectors columns ±[1, -1]/√2 and ±[1, 1]/√2
 */
export function eigh(n: number, a: ArrayLike<number>): { values: Float64Array; vectors: Float64Array } {
  checkOrder(n);
  if (a.length !== n * n) {
    throw invalidShape("matrix", `expected ${n * n} entries for n = ${n}, got ${a.length}`, a.length);
  }
  const work = a instanceof Float64Array ? a.slice() : Float64Array.from(a);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  eighInPlace(n, work, 0, values, 0, vectors, 0);
  return { values, vectors };
}

/**
 * The PSD clamp policy, applied to ascending eigenvalues λ of an order-n symmetric matrix with
 * λ* = max|λᵢ|:
 *
 * - |λ| ≤ 4·n·ε·λ* is indistinguishable from round-off of the eigensolver (which is accurate
 *   to about ε‖A‖) and is treated as exactly 0, whatever its sign, so singular PSD matrices
 *   are handled exactly instead of picking up √(round-off) ≈ 1e-8 spurious terms;
 * - -2^-26·λ* ≤ λ < 0 (2^-26 = √ε ≈ 1.49e-8) is round-off of a PSD input (e.g. a covariance
 *   accumulated in floating point) and is clamped to 0;
 * - λ < -2^-26·λ*: the matrix is not positive semi-definite; throws NotPositiveDefinite naming
 *   `argument`, with that eigenvalue as value.
 *
 * Returns the index of the first eigenvalue kept (all later ones are > 4·n·ε·λ*).
 */
function clampPsd(argument: string, n: number, lam: Float64Array): number {
  if (n === 0) return 0;
  const lo = lam[0];
  const top = Math.max(-lo, Math.abs(lam[n - 1]));
  const tol = PSD_RTOL * top;
  if (lo < -tol) {
    throw notPositiveDefinite(
      argument,
      `it has the eigenvalue ${lo}, below the round-off tolerance -${tol} (2^-26 × max |eigenvalue|)`,
      undefined,
      lo,
    );
  }
  const zero = 4 * n * EPS * top;
  let first = 0;
  while (first < n && !(lam[first] > zero)) first++;
  return first;
}

/**
 * The symmetric positive semi-definite square root S = A^{1/2} = V diag(√max(λ, 0)) Vᵀ of a
 * symmetric PSD n×n matrix, written in full (both triangles, exactly symmetric) to
 * `out[outOff .. outOff+n*n)`.
 *
 * Only the lower triangle of `a` (row-major from `aOff`) is read, and `a` is not modified;
 * `out` may be the same region as `a` (the input is copied first).
 *
 * Algorithm: eigendecomposition A = V diag(λ) Vᵀ by {@link eighInPlace}, then
 * S[i][k] = Σ_j V[i][j] √λ_j V[k][j] over the kept eigenvalues λ_j > 0 (a blocked product;
 * lower triangle computed, mirrored). Cost ≈ 9n³ + n²r flops for rank r. S is the unique PSD square root, S·S = A to about ε‖A‖.
 *
 * Clamp policy, with λ* = max|λᵢ|: eigenvalues with |λ| ≤ 4·n·ε·λ* are below the accuracy of
 * the eigensolver and are set to exactly 0 (whatever their sign), so a singular PSD matrix
 * gets an exactly singular root rather than √(round-off) ≈ 1e-8 noise terms; eigenvalues in
 * [-2^-26·λ*, 0) (2^-26 = √ε ≈ 1.49e-8) are round-off of a PSD input and are clamped to 0;
 * an eigenvalue below -2^-26·λ* throws `NotPositiveDefinite` (argument `"matrix"`, value =
 * that eigenvalue). A genuine eigenvalue below 4·n·ε·λ* is thus dropped, an error of at most
 * √(4nε·λ*) in S, the same order as the effect of rounding A itself. The zero matrix and
 * n = 0 are fine (S = 0).
 *
 * Errors: as {@link eighInPlace} for non-finite entries (`InvalidParameter`, `"matrix"`),
 * bad `n`/offsets or short buffers; `NotPositiveDefinite` as above.
 *
 * @example
 * const s = new Float64Array(4);
 * psdSqrtm(2, Float64Array.of(1, 1, 1, 1), 0, s, 0); // singular PSD [[1,1],[1,1]]
 * // s ≈ [[1,1],[1,1]] / √2
 */
export function psdSqrtm(
  n: number,
  a: ArrayLike<number>,
  aOff: number,
  out: Float64Array,
  outOff: number,
): void {
  checkOrder(n);
  checkOffset("aOff", aOff);
  checkOffset("outOff", outOff);
  checkSpace("a", a, aOff, n * n);
  checkSpace("out", out, outOff, n * n);
  if (n === 0) return;

  const nn = n * n;
  const work = new Float64Array(nn);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) work[ri + j] = a[aOff + ri + j];
  }
  const lam = new Float64Array(n);
  const vec = new Float64Array(nn);
  eighInPlace(n, work, 0, lam, 0, vec, 0);
  const first = clampPsd("matrix", n, lam);

  // Keep the r columns with λ > 0: g = V₊ diag(√λ₊) (n×r) and vt = V₊ᵀ (r×n), row-major.
  const r = n - first;
  const g = work; // reuse as n×r
  const vt = new Float64Array(r * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < r; t++) {
      const x = vec[i * n + first + t];
      vt[t * n + i] = x;
      g[i * r + t] = x * Math.sqrt(lam[first + t]);
    }
  }
  // S = g vt (lower triangle, into vec), then copied out and mirrored.
  const sm = vec;
  sm.fill(0);
  gemmAdd(n, n, r, g, vt, sm, true);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      const x = sm[i * n + k];
      out[outOff + i * n + k] = x;
      out[outOff + k * n + i] = x;
    }
  }
}

/**
 * tr( (A^{1/2} B A^{1/2})^{1/2} ) for symmetric positive semi-definite n×n matrices A and B
 * (row-major, only their lower triangles are read, neither is modified). This is the cross
 * term of the Fréchet / squared 2-Wasserstein distance between Gaussians,
 * W₂² = ‖μ₁ - μ₂‖² + tr A + tr B - 2 tr((A^{1/2} B A^{1/2})^{1/2}). It is symmetric in A and B
 * and equals Σ √(aᵢbᵢ) when A and B are diagonal.
 *
 * Algorithm (eigendecompositions only, no complex arithmetic): A = V diag(λ) Vᵀ; with
 * D = diag(√λ) restricted to the r eigenvalues λ > 0 (V₊ the matching columns),
 * A^{1/2} B A^{1/2} = V₊ (D V₊ᵀ B V₊ D) V₊ᵀ is orthogonally similar (up to zero eigenvalues) to
 * the r×r matrix M = Gᵀ B G, G = V₊ D (two blocked products). Only the lower triangle of M
 * is formed, so the operand of the second eigendecomposition is exactly symmetric; its
 * eigenvalues μ are computed without vectors, and the result is Σ √μ over the μ above the
 * round-off threshold below (the others count as 0). Null directions of A are dropped
 * exactly, so singular A or B (e.g. rank-deficient covariances) are handled exactly. A and B
 * are first rescaled by exact powers of two (the result is √(αβ)-homogeneous), so extreme
 * magnitudes neither overflow nor underflow. Cost ≈ 9n³ + 2n²r + n r² + 4r³/3 flops.
 *
 * Clamp policy: the eigenvalues of A follow {@link psdSqrtm} (|λ| ≤ 4nε·max|λ| is exactly 0;
 * [-2^-26·max|λ|, 0) is clamped to 0; below that throws `NotPositiveDefinite`, argument `"a"`).
 * The eigenvalues μ of M are judged on the scale s = λmax(A)·‖B‖_F, the size of the round-off
 * in M: μ ≤ 4nε·s counts as exactly 0 (singular products contribute exactly nothing), and
 * μ < -2^-26·s shows B is not PSD: `NotPositiveDefinite`, argument `"b"` (an indefinite B whose
 * negative part is invisible through A is not detected; the result is then still the value
 * of the formula).
 *
 * Edge cases: n = 0 gives 0; A = 0 or B = 0 gives exactly 0; B = A gives tr A.
 *
 * Errors: `InvalidParameter` for a bad n, or a non-finite lower-triangle entry (argument
 * `"a"` or `"b"`); `InvalidShape` when a length is not n*n; `NotPositiveDefinite` as above.
 *
 * @example
 * traceSqrtProduct(2, [4, 0, 0, 1], [9, 0, 0, 16]); // √36 + √16 = 10
 */
export function traceSqrtProduct(n: number, a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkOrder(n);
  const nn = n * n;
  if (a.length !== nn)
    throw invalidShape("a", `expected ${nn} entries for n = ${n}, got ${a.length}`, a.length);
  if (b.length !== nn)
    throw invalidShape("b", `expected ${nn} entries for n = ${n}, got ${b.length}`, b.length);
  const amax = checkFiniteLower("a", n, a, 0);
  const bmax = checkFiniteLower("b", n, b, 0);
  if (amax === 0 || bmax === 0) return 0;

  // Exact power-of-two scaling to unit largest entry: t(αA, βB) = √(αβ) t(A, B).
  const ka = scaleExponent(amax, 1, 1);
  const kb = scaleExponent(bmax, 1, 1);

  const work = new Float64Array(nn);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) work[ri + j] = timesPow2(a[ri + j], ka);
  }
  const lam = new Float64Array(n);
  const vec = new Float64Array(nn);
  eighInPlace(n, work, 0, lam, 0, vec, 0);
  const first = clampPsd("a", n, lam);
  const r = n - first;
  if (r === 0) return 0;

  // Full symmetric (scaled) B from its lower triangle, into `work`, and its Frobenius norm.
  const bs = work;
  let bss = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const x = timesPow2(b[ri + j], kb);
      bs[ri + j] = x;
      bs[j * n + i] = x;
      bss += j === i ? x * x : 2 * x * x;
    }
  }
  const bnorm = Math.sqrt(bss);
  // g = V₊ D (n×r) with D = diag(√λ₊), so that M = gᵀ B g.
  const g = new Float64Array(n * r);
  for (let t = 0; t < r; t++) {
    const dt = Math.sqrt(lam[first + t]);
    for (let i = 0; i < n; i++) g[i * r + t] = vec[i * n + first + t] * dt;
  }
  // y = B g (n×r), into vec.
  const y = vec;
  y.fill(0, 0, n * r);
  gemmAdd(n, r, n, bs, g, y, false);
  // gt = gᵀ (r×n), into work (B is no longer needed).
  const gt = work;
  for (let i = 0; i < n; i++) for (let t = 0; t < r; t++) gt[t * n + i] = g[i * r + t];
  // M = gᵀ y (r×r, lower triangle), into g (no longer needed).
  const cm = g;
  cm.fill(0, 0, r * r);
  gemmAdd(r, r, n, gt, y, cm, true);
  const mu = new Float64Array(r);
  eighInPlace(r, cm, 0, mu, 0, null, 0);

  // Round-off in M is about ε·n·λmax(A)·‖B‖: clamp as in clampPsd, with that scale.
  const mscale = lam[n - 1] * bnorm;
  if (mu[0] < -PSD_RTOL * mscale) {
    const value = timesPow2(mu[0], -ka - kb);
    throw notPositiveDefinite(
      "b",
      `A^{1/2} B A^{1/2} has the eigenvalue ${value}, below the round-off tolerance (B is indefinite)`,
      undefined,
      value,
    );
  }
  const zero = 4 * n * EPS * mscale;
  let sum = 0;
  for (let t = 0; t < r; t++) if (mu[t] > zero) sum += Math.sqrt(mu[t]);
  // Undo the scaling: multiply by 2^{-(ka+kb)/2}.
  const kk = -(ka + kb);
  if (kk % 2 === 0) return timesPow2(sum, kk / 2);
  return timesPow2(sum * Math.SQRT2, (kk - 1) / 2);
}
