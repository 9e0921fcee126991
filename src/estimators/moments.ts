/**
 * Streaming, mergeable first and second moments of vector samples, and Gaussian fitting.
 */
import { asArray, type ArrayInput } from "../core/array.js";
import { KullbackError, invalidParameter, invalidShape } from "../core/errors.js";
import { gemmNT } from "../linalg/gemm.js";
import { gemmBackendFor } from "../linalg/wasm.js";

/**
 * Streaming mean and covariance of d-dimensional rows, mergeable across chunks.
 *
 * State: the count n, the running mean μ and the co-moment matrix M = Σ_i (x_i − μ)(x_i − μ)ᵀ.
 * The mean is stored relative to a reference point (the first row seen), so that a large common
 * offset in the data costs no precision (the "shifted data" variant).
 *
 * - {@link push} is Welford's update: δ = x − μ, μ ← μ + δ/n, M ← M + ((n − 1)/n) δδᵀ
 *   (algebraically the same as adding δ (x − μ_new)ᵀ, but exactly symmetric).
 * - {@link merge} is the pairwise combination of Chan, Golub and LeVeque (1979): with
 *   n = n_a + n_b and δ = μ_b − μ_a, μ = μ_a + δ n_b/n and M = M_a + M_b + δδᵀ n_a n_b / n.
 *
 * A push is the merge of a one-row accumulator, so accumulating chunks separately and merging
 * gives the one-pass result up to rounding (relative differences of order 1e-15 in practice), in
 * any merge order. Both updates avoid the cancellation of the naive Σx, Σxxᵀ formulas.
 *
 * The dimension is fixed by the constructor argument or by the first row. Rows must be finite
 * (`InvalidParameter` naming `row` and the offending column) and of length d (`InvalidShape`).
 * Arguments are never mutated; `mean()` and `covariance()` return fresh arrays.
 *
 * @example
 * ```ts
 * const a = new MomentAccumulator();
 * a.pushRows([[1, 2], [3, 4]]);
 * const b = new MomentAccumulator().push([5, 9]);
 * a.merge(b);
 * a.count;        // 3
 * a.mean();       // Float64Array [3, 5]
 * a.covariance(); // Float64Array [4, 7, 7, 13] (row-major 2 × 2, ddof = 1)
 * ```
 */
export class MomentAccumulator {
  private n = 0;
  private dim: number;
  /** Reference point subtracted from every row (the first row seen). */
  private shift: Float64Array;
  /** Mean of the shifted rows x − shift. */
  private mu: Float64Array;
  /** Co-moment matrix; only the upper triangle (j ≥ i) is maintained. */
  private m2: Float64Array;

  /** @param d the dimension, or omit to take it from the first row. */
  constructor(d?: number) {
    if (d !== undefined && (!Number.isInteger(d) || d < 1))
      throw invalidParameter("d", "a positive integer", d);
    this.dim = d ?? 0;
    this.shift = new Float64Array(this.dim);
    this.mu = new Float64Array(this.dim);
    this.m2 = new Float64Array(this.dim * this.dim);
  }

  /** Number of rows accumulated. */
  get count(): number {
    return this.n;
  }

  /** The dimension d (undefined until fixed by the constructor or the first row). */
  get dimension(): number | undefined {
    return this.dim === 0 ? undefined : this.dim;
  }

  private setDim(d: number, what: string): void {
    if (this.dim === 0) {
      if (d < 1) throw invalidShape(what, "rows must have at least one element", [d]);
      this.dim = d;
      this.shift = new Float64Array(d);
      this.mu = new Float64Array(d);
      this.m2 = new Float64Array(d * d);
    } else if (d !== this.dim) {
      throw invalidShape(what, `has length ${d}, but the accumulator has dimension ${this.dim}`, [d]);
    }
  }

  /** Adds one row (any array-like of d finite numbers). Returns `this`. */
  push(row: ArrayLike<number>): this {
    const len = row.length;
    this.setDim(len, "row");
    for (let t = 0; t < len; t++) {
      const v = row[t];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new KullbackError(
          "InvalidParameter",
          `row element ${t} must be a finite number; got ${String(v)}`,
          {
            argument: "row",
            index: [t],
            value: v,
          },
        );
      }
    }
    this.pushUnchecked(row, 0);
    return this;
  }

  private pushUnchecked(src: ArrayLike<number>, off: number): void {
    const d = this.dim;
    if (this.n === 0) for (let t = 0; t < d; t++) this.shift[t] = src[off + t];
    const n = ++this.n;
    const mu = this.mu;
    const m2 = this.m2;
    const sh = this.shift;
    const delta = new Float64Array(d);
    for (let t = 0; t < d; t++) {
      delta[t] = src[off + t] - sh[t] - mu[t];
      mu[t] += delta[t] / n;
    }
    const w = (n - 1) / n;
    for (let i = 0; i < d; i++) {
      const di = delta[i] * w;
      for (let j = i; j < d; j++) m2[i * d + j] += di * delta[j];
    }
  }

  /**
   * Adds every row of an n × d matrix (nested arrays, `{data, shape}` or NDArray), in order;
   * equivalent to calling {@link push} on each row. Returns `this`.
   */
  pushRows(matrix: ArrayInput): this {
    const a = asArray(matrix, "matrix");
    if (a.size === 0 && a.ndim <= 2) return this; // [] or a 0 × d matrix: nothing to add
    if (a.ndim !== 2)
      throw invalidShape("matrix", `must be 2-D (rows × d); got shape [${a.shape.join(", ")}]`, a.shape);
    const [rows, d] = a.shape;
    this.setDim(d, "matrix");
    const data = a.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        const r = Math.floor(i / d);
        throw new KullbackError(
          "InvalidParameter",
          `matrix row ${r} (column ${i % d}) must be finite; got ${String(data[i])}`,
          {
            argument: "matrix",
            index: [r, i % d],
            value: data[i],
          },
        );
      }
    }
    for (let r = 0; r < rows; r++) this.pushUnchecked(data, r * d);
    return this;
  }

  /**
   * Merges another accumulator into this one (Chan et al.); `other` is not modified. Returns `this`.
   * Throws `InvalidShape` if both are non-empty with different dimensions.
   */
  merge(other: MomentAccumulator): this {
    if (!(other instanceof MomentAccumulator)) throw invalidParameter("other", "a MomentAccumulator", other);
    if (other.n === 0) {
      if (other.dim !== 0) this.setDim(other.dim, "other");
      return this;
    }
    this.setDim(other.dim, "other");
    const d = this.dim;
    if (this.n === 0) {
      this.n = other.n;
      this.shift.set(other.shift);
      this.mu.set(other.mu);
      this.m2.set(other.m2);
      return this;
    }
    const na = this.n;
    const nb = other.n;
    const n = na + nb;
    const delta = new Float64Array(d);
    for (let t = 0; t < d; t++) {
      // difference of the two means, each stored relative to its own shift
      delta[t] = other.shift[t] - this.shift[t] + (other.mu[t] - this.mu[t]);
      this.mu[t] += (delta[t] * nb) / n;
    }
    const w = (na * nb) / n;
    for (let i = 0; i < d; i++) {
      const di = delta[i] * w;
      for (let j = i; j < d; j++) this.m2[i * d + j] += other.m2[i * d + j] + di * delta[j];
    }
    this.n = n;
    return this;
  }

  /** An independent copy. */
  clone(): MomentAccumulator {
    const c = new MomentAccumulator(this.dim === 0 ? undefined : this.dim);
    c.n = this.n;
    c.shift.set(this.shift);
    c.mu.set(this.mu);
    c.m2.set(this.m2);
    return c;
  }

  /** The sample mean (fresh Float64Array of length d). Throws `InvalidParameter` when empty. */
  mean(): Float64Array {
    if (this.n === 0) throw invalidParameter("accumulator", "non-empty (push rows first)", 0);
    return Float64Array.from(this.mu, (v, t) => this.shift[t] + v);
  }

  /**
   * The covariance M / (n − ddof) as a fresh row-major d × d Float64Array (exactly symmetric).
   * `ddof` = 1 (default) gives the unbiased sample covariance, 0 the maximum-likelihood one.
   * Throws `InvalidParameter` (argument `ddof`) unless 0 ≤ ddof < n.
   */
  covariance(options: { ddof?: number } = {}): Float64Array {
    const ddof = options.ddof ?? 1;
    if (typeof ddof !== "number" || !Number.isFinite(ddof) || ddof < 0)
      throw invalidParameter("ddof", "a number ≥ 0", ddof);
    if (this.n === 0) throw invalidParameter("accumulator", "non-empty (push rows first)", 0);
    if (!(this.n - ddof > 0))
      throw invalidParameter("ddof", `less than the number of rows (${this.n})`, ddof);
    const d = this.dim;
    const out = new Float64Array(d * d);
    const div = this.n - ddof;
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = this.m2[i * d + j] / div;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }
}

/** Result of {@link fitGaussian}. */
export interface GaussianFit {
  /** Sample mean, length d. */
  loc: Float64Array;
  /** Sample covariance, row-major d × d. */
  covariance: Float64Array;
  d: number;
  /** Number of samples. */
  n: number;
}

/** Rows of the sample matrix centred and transposed per block of the cross product. */
const CROSS_ROWS = 256;
/** Columns of the covariance per lower-triangle strip (the GEMM's n). */
const CROSS_STRIP = 128;

/**
 * Lower triangle (diagonal included) of Σ_i (x_i − loc)(x_i − loc)ᵀ as a d×d row-major matrix
 * (the upper triangle is left as the GEMM wrote it, to be overwritten by the caller). Rows are
 * centred and transposed CROSS_ROWS at a time and each block is added with matrix products on
 * the lower-triangle strips only: n·d² multiply-adds in {@link gemmNT} (WebAssembly SIMD when
 * enabled) instead of a scalar rank-one update per sample.
 */
function centredCrossProduct(x: Float64Array, n: number, d: number, loc: Float64Array): Float64Array {
  const cov = new Float64Array(d * d);
  const rows = Math.min(CROSS_ROWS, n);
  const ct = new Float64Array(d * rows); // ct[t·R + i] = x[r0 + i, t] − loc[t]
  const backend = gemmBackendFor(d);
  for (let r0 = 0; r0 < n; r0 += rows) {
    const R = Math.min(rows, n - r0);
    for (let i = 0; i < R; i++) {
      const xi = (r0 + i) * d;
      for (let t = 0; t < d; t++) ct[t * R + i] = x[xi + t] - loc[t];
    }
    for (let j0 = 0; j0 < d; j0 += CROSS_STRIP) {
      const nb = Math.min(CROSS_STRIP, d - j0);
      // cov[j0.., j0..j0+nb] += ct[j0.., :] · ct[j0..j0+nb, :]ᵀ (rows i ≥ j0: the lower strip)
      gemmNT(d - j0, nb, R, ct, j0 * R, R, ct, j0 * R, R, cov, j0 * d + j0, d, true, backend);
    }
  }
  return cov;
}

/**
 * Fits a Gaussian N(loc, covariance) to samples (n × d, one per row) by the moment estimates
 *
 *   loc = (1/n) Σ x_i,   covariance = Σ (x_i − loc)(x_i − loc)ᵀ / (n − ddof),
 *
 * computed with the two-pass algorithm (mean first, then centred products), the most accurate
 * of the classical schemes. `ddof = 1` (default) is the unbiased estimate, `ddof = 0` the maximum
 * likelihood one. The covariance is exactly symmetric; it is singular when n ≤ d or the samples lie
 * in a proper affine subspace (not checked here: consumers that need a positive-definite matrix
 * validate it).
 *
 * Throws `InvalidShape` unless `samples` is 2-D with d ≥ 1, `InvalidParameter` for non-finite
 * entries (with row and column) or unless 0 ≤ ddof < n.
 *
 * @example
 * ```ts
 * fitGaussian([[0, 0], [2, 0], [0, 2], [2, 2]]);
 * // loc [1, 1], covariance [4/3, 0, 0, 4/3], d 2, n 4
 * ```
 */
export function fitGaussian(samples: ArrayInput, options: { ddof?: number } = {}): GaussianFit {
  const ddof = options.ddof ?? 1;
  const a = asArray(samples, "samples");
  if (a.ndim !== 2)
    throw invalidShape("samples", `must be 2-D (n × d); got shape [${a.shape.join(", ")}]`, a.shape);
  const [n, d] = a.shape;
  if (d < 1) throw invalidShape("samples", "must have at least one column", a.shape);
  if (typeof ddof !== "number" || !Number.isFinite(ddof) || ddof < 0)
    throw invalidParameter("ddof", "a number ≥ 0", ddof);
  if (!(n - ddof > 0)) throw invalidParameter("ddof", `less than the number of samples (${n})`, ddof);
  const x = a.data;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      const r = Math.floor(i / d);
      throw new KullbackError(
        "InvalidParameter",
        `samples row ${r} (column ${i % d}) must be finite; got ${String(x[i])}`,
        {
          argument: "samples",
          index: [r, i % d],
          value: x[i],
        },
      );
    }
  }
  const loc = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) loc[t] += x[i * d + t];
  for (let t = 0; t < d; t++) loc[t] /= n;
  // second pass: correct the mean by the mean residual, then centred co-products
  const corr = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) corr[t] += x[i * d + t] - loc[t];
  for (let t = 0; t < d; t++) loc[t] += corr[t] / n;
  const cov = centredCrossProduct(x, n, d, loc);
  const div = n - ddof;
  for (let p = 0; p < d; p++) {
    for (let q = 0; q <= p; q++) {
      const v = cov[p * d + q] / div;
      cov[p * d + q] = v;
      cov[q * d + p] = v;
    }
  }
  return { loc, covariance: cov, d, n };
}
