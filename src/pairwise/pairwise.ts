/**
 * Pairwise divergence matrices: for batched distributions P (batch shape [N]) and Q (batch shape
 * [M]), the N × M matrix D[i, j] = D(P_i ‖ Q_j) of every member of P against every member of Q.
 *
 * KL is computed as matrix products (see {@link pairwiseKl}) wherever the closed form splits
 * into a sum over features of (a function of P_i) × (a function of Q_j):
 *
 * - Categorical: KL(p ‖ q) = Σ_k p_k log p_k − Σ_k p_k log q_k; the second term is P·(log Q)ᵀ.
 * - Gaussians:   2 KL = tr(Σq⁻¹Σp) + (μp − μq)ᵀΣq⁻¹(μp − μq) − d + log det Σq − log det Σp
 *                     = ⟨Σq⁻¹, Σp + μp μpᵀ⟩ − 2 μpᵀ(Σq⁻¹μq) + μqᵀΣq⁻¹μq − d + log det Σq − log det Σp,
 *   one product of the N × K matrix of features [Σp + μpμpᵀ (upper triangle), μp] with the
 *   M × K matrix [Σq⁻¹ (upper triangle, off-diagonal doubled), −2Σq⁻¹μq], K = d(d+1)/2 + d;
 *   with a diagonal Σq only the diagonal of Σp + μpμpᵀ is needed and K = 2d.
 *
 * Accuracy. A matrix-product entry is a difference of sums, so when the divergence is much
 * smaller than the terms it is made of, rounding (≈ u·√K·magnitude, u = 2⁻⁵³) dominates. Every
 * entry carries a magnitude bound of its terms (see the per-family notes); where
 * divergence < {@link cancellationThreshold}(K) × magnitude, i.e. where the expected rounding
 * error could exceed 1e-10 × the divergence, the entry is recomputed by the exact per-pair
 * closed form (the same code `kl` runs). Entries therefore agree with `kl(P_i, Q_j)` to ~1e-10
 * relative in the typical case (the tests, which include pairs 1e-9 apart, see at most 2e-11);
 * the product form's worst case (all K rounding errors adding up) is a further factor √K.
 * Gaussian means are first shifted by the mean of Q's locations (KL is translation invariant),
 * which keeps the Mahalanobis terms small when all means sit far from the origin. Results are
 * clamped at ≥ 0; an entry is exactly 0 when P_i and Q_j are the same member of the same object.
 *
 * Memory. Work is done in square tiles of `tile` rows × `tile` columns (default: a working set of
 * about 1 MiB); apart from the output and per-column precomputations of size M × K, memory does not
 * grow with N. {@link pairwiseKlBlocks} streams row blocks so the N × M output never has to
 * exist at once. Results are bitwise independent of `tile` and of the block size.
 *
 * Speed. The products run in `gemmNT` (./gemm.ts): the WASM SIMD kernel for tiles of at least
 * 2^15 multiply-adds with K ≤ 256 (or always, after `enableWasm()`), plain TypeScript for other
 * tiles or after `disableWasm()`; the size-based choice runs a WASM product with TypeScript's
 * rounding (also in the relaxed-SIMD build), so both give the same bits (see there) and results
 * never depend on tiling.
 */
import { NDArray, sizeOf } from "../core/array.js";
import { invalidParameter, invalidShape, notImplemented } from "../core/errors.js";
import type { Distribution, DistributionJSON } from "../distributions/base.js";
import { Categorical } from "../distributions/categorical.js";
import { OneHotCategorical } from "../distributions/one-hot-categorical.js";
import { denseCovariance, type GaussianCov, type GaussianForm } from "../distributions/gaussian-form.js";
import { kl, klTable, lookupKl, type KlFunction } from "../kl/registry.js";
import { kernels } from "../linalg/kernels.js";
import { fromJSON } from "../distributions/json.js";
import { frechetGaussianForms, renyiGaussianForms } from "../divergences/gaussian-distances.js";
import { bhattacharyya, js } from "../divergences/dispatch.js";
import { gemmNT } from "../linalg/gemm.js";
import {
  categoricalKlRows,
  categoricalKlScratch,
  prepareCategoricalKl,
  type CategoricalKlData,
} from "./categorical-kernel.js";
import {
  ExactGaussian,
  centre,
  diagKlRows,
  diagKlScratch,
  indexer,
  prepareDiagKl,
  type DiagKlData,
} from "./diag-kernel.js";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** Progress of a pairwise computation, reported after each finished block of rows. */
export interface PairwiseProgress {
  /** First row of the block just finished. */
  rowStart: number;
  /** One past its last row (= rows done so far). */
  rowEnd: number;
  /** N, the number of rows. */
  totalRows: number;
}

export interface PairwiseOptions {
  /**
   * Edge of the square output tiles (rows and columns per tile). Default: chosen from the
   * feature length so that a tile's working set is about 1 MiB (at most 256). Any value gives
   * bitwise identical results.
   */
  tile?: number;
  /** Called after each block of rows with the progress so far. */
  onRows?: (progress: PairwiseProgress) => void;
}

export interface PairwiseBlockOptions {
  /** Rows per yielded block (default: the tile). */
  rowsPerBlock?: number;
  /** As in {@link PairwiseOptions}. */
  tile?: number;
  /**
   * Write every block into one buffer, allocated once (default false: a new array per block).
   * Each block's data is then overwritten when the next block is computed: copy what must be
   * kept. Saves allocating and first touching a fresh `rowsPerBlock × M` array per block, which
   * costs as much as computing it on some systems (measured: writing a fresh 160 MB array took
   * 60–370 ms here, writing it again 7 ms).
   */
  reuseBuffer?: boolean;
}

/** One block of rows of a pairwise matrix: rows `rowStart … rowStart + rows.shape[0] − 1`. */
export interface PairwiseBlock {
  rowStart: number;
  /** The block, shape [rows, M]. */
  rows: NDArray;
}

/** A stream of row blocks, usable with `for … of` and with `for await … of`. */
export interface PairwiseBlocks extends Iterable<PairwiseBlock>, AsyncIterable<PairwiseBlock> {
  /** N, M. */
  readonly shape: readonly [number, number];
}

/** A divergence between two single distributions (batch shape []), as a number. */
export type PairFunction = (p: Distribution, q: Distribution) => number | NDArray;

// ---------------------------------------------------------------------------------------------
// Internal plan: something that fills rows of the N × M matrix
// ---------------------------------------------------------------------------------------------

interface Plan {
  n: number;
  m: number;
  tile: number;
  /** Fills rows [i0, i1) × all M columns into out[off + (i − i0)·m + j]. */
  fill(i0: number, i1: number, out: Float64Array, off: number): void;
}

/** u = 2⁻⁵³ (unit round-off of float64). */
const UNIT_ROUNDOFF = 2 ** -53;
/** Target: expected rounding error of a product-form entry ≤ 1e-10 × the entry. */
const TARGET_RELATIVE_ERROR = 1e-10;

/**
 * The cancellation threshold for feature length K: a product-form entry with
 * divergence < threshold × magnitude-of-its-terms is recomputed per pair. Equal to
 * u·√(K + 4) / 1e-10 (u = 2⁻⁵³; ≈ 9.2e-6 for K = 64): the typical (random-walk) rounding error
 * u·√K·magnitude of a length-K dot product, plus a few terms added outside it, kept below 1e-10
 * of the result.
 * @example cancellationThreshold(64); // 9.15…e-6
 */
export function cancellationThreshold(K: number): number {
  return (UNIT_ROUNDOFF * Math.sqrt(Math.max(1, K) + 4)) / TARGET_RELATIVE_ERROR;
}

/** Working-set budget of one tile, bytes. */
const TILE_BYTES = 1 << 20;

/**
 * Default tile edge t for feature length K: the largest multiple of 4 with 8·(2tK + t²) ≤ 1 MiB
 * (two t × K operand panels and the t × t output tile), clamped to 16 ≤ t ≤ 256 (measured:
 * tiles of 128–256 beat 512 and 1024 by 10–40 % on a core with 2 MiB of L2).
 * @example defaultTile(64); // 256
 */
export function defaultTile(K: number): number {
  const a = 2 * Math.max(1, K);
  const t = Math.floor((-a + Math.sqrt(a * a + TILE_BYTES / 2)) / 2);
  return Math.max(16, Math.min(256, t - (t % 4)));
}

function checkTile(tile: number | undefined, K: number): number {
  if (tile === undefined) return defaultTile(K);
  if (!Number.isInteger(tile) || tile < 1) throw invalidParameter("tile", "a positive integer", tile);
  return tile;
}

/** N for a batch shape [N] (a scalar batch counts as N = 1). */
function batchLength(x: Distribution, side: string): number {
  const s = x.batchShape;
  if (s.length === 0) return 1;
  if (s.length !== 1) {
    throw invalidShape(
      side,
      `pairwise matrices need a batch shape [N] (one batch axis); got [${s.join(", ")}]`,
      [...s],
    );
  }
  return s[0];
}

function runFull(plan: Plan, onRows?: (p: PairwiseProgress) => void): NDArray {
  const { n, m } = plan;
  const out = new Float64Array(n * m);
  for (let r0 = 0; r0 < n; r0 += plan.tile) {
    const r1 = Math.min(n, r0 + plan.tile);
    plan.fill(r0, r1, out, r0 * m);
    onRows?.({ rowStart: r0, rowEnd: r1, totalRows: n });
  }
  return new NDArray(out, [n, m]);
}

function blockStream(plan: Plan, rowsPerBlock: number | undefined, reuseBuffer = false): PairwiseBlocks {
  const step = rowsPerBlock ?? plan.tile;
  if (!Number.isInteger(step) || step < 1) throw invalidParameter("rowsPerBlock", "a positive integer", step);
  if (typeof reuseBuffer !== "boolean") throw invalidParameter("reuseBuffer", "a boolean", reuseBuffer);
  let buffer: Float64Array | null = null;
  const block = (r0: number): PairwiseBlock => {
    const r1 = Math.min(plan.n, r0 + step);
    const size = (r1 - r0) * plan.m;
    let data: Float64Array;
    if (reuseBuffer) {
      buffer ??= new Float64Array(Math.min(plan.n, step) * plan.m);
      data = size === buffer.length ? buffer : buffer.subarray(0, size);
    } else data = new Float64Array(size);
    plan.fill(r0, r1, data, 0);
    return { rowStart: r0, rows: new NDArray(data, [r1 - r0, plan.m]) };
  };
  return {
    shape: [plan.n, plan.m],
    *[Symbol.iterator]() {
      for (let r0 = 0; r0 < plan.n; r0 += step) yield block(r0);
    },
    async *[Symbol.asyncIterator]() {
      for (let r0 = 0; r0 < plan.n; r0 += step) {
        yield block(r0);
        // let the event loop breathe between blocks
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Batch members
// ---------------------------------------------------------------------------------------------

/** Event rank of each parameter of the families whose parameters are not all scalars. */
const PARAM_EVENT_RANK: Record<string, Record<string, number>> = {
  MultivariateNormal: { loc: 1, covariance: 2, scaleTril: 2, precision: 2 },
  MultivariateNormalDiag: { loc: 1, variance: 1, scale: 1, logVariance: 1 },
  LowRankMultivariateNormal: { loc: 1, covFactor: 2, covDiag: 1 },
  Categorical: { probs: 1, logits: 1 },
  OneHotCategorical: { probs: 1, logits: 1 },
  Dirichlet: { concentration: 1 },
  GaussianMixture: { weights: 1, loc: 2, covariance: 3, variance: 2 },
};

function nestedRank(v: unknown): number {
  let r = 0;
  while (Array.isArray(v)) {
    r++;
    v = v[0];
  }
  return r;
}

/**
 * Slices the first batch axis of a distribution's JSON at index i. A parameter carries that axis
 * when its number of batch axes (its rank minus its event rank) equals the distribution's batch
 * rank; parameters with fewer batch axes broadcast and are kept whole.
 */
function sliceJSON(o: DistributionJSON, batchRank: number, i: number): DistributionJSON {
  const out: DistributionJSON = { family: o.family };
  if (o.family === "Independent") {
    const k = Number(o.reinterpretedBatchNdims);
    out.base = sliceJSON(o.base as DistributionJSON, batchRank + k, i);
    out.reinterpretedBatchNdims = k;
    return out;
  }
  const ranks = PARAM_EVENT_RANK[o.family] ?? {};
  for (const [key, v] of Object.entries(o)) {
    if (key === "family") continue;
    if (!Array.isArray(v)) {
      out[key] = v;
      continue;
    }
    const r = nestedRank(v);
    const e = ranks[key] ?? Math.max(0, r - batchRank);
    out[key] = r - e === batchRank && batchRank > 0 ? (v.length === 1 ? v[0] : v[i]) : v;
  }
  return out;
}

const jsonCache = new WeakMap<Distribution, DistributionJSON>();

/**
 * The i-th member of a batched distribution along its FIRST batch axis: a distribution of the
 * same family with batch shape `batchShape.slice(1)`, built from the same parameters (through
 * `toJSON`/`fromJSON`, so exactly the values given, in the same parametrisation).
 *
 * Parameters that broadcast (fewer batch axes than the distribution) are shared by every member.
 * Families outside the library are sliced by the rule "a parameter with at least as many axes as
 * the batch carries the batch in its leading axes"; a member that does not come out with the
 * expected batch and event shapes raises `NotImplemented`.
 *
 * @example batchMember(new Normal([0, 1, 2], 1), 2); // Normal(2, 1)
 */
export function batchMember(x: Distribution, i: number): Distribution {
  const shape = x.batchShape;
  if (shape.length === 0) throw invalidShape("x", "has no batch axis to take a member of", [...shape]);
  if (!Number.isInteger(i) || i < 0 || i >= shape[0]) {
    throw invalidParameter("i", `an integer in [0, ${shape[0] - 1}]`, i);
  }
  let json = jsonCache.get(x);
  if (!json) {
    json = x.toJSON();
    jsonCache.set(x, json);
  }
  const member = fromJSON(sliceJSON(json, shape.length, i));
  const want = shape.slice(1);
  const okBatch =
    member.batchShape.length === want.length && member.batchShape.every((s, k) => s === want[k]);
  const okEvent =
    member.eventShape.length === x.eventShape.length &&
    member.eventShape.every((s, k) => s === x.eventShape[k]);
  if (!okBatch || !okEvent) {
    throw notImplemented(
      `cannot take batch members of a ${x.family}: slicing its parameters gave batch ` +
        `[${member.batchShape.join(", ")}] and event [${member.eventShape.join(", ")}]`,
    );
  }
  return member;
}

/** Members 0 … N − 1 of a batch [N] (a scalar batch is its own single member). */
function memberReader(x: Distribution): (i: number) => Distribution {
  if (x.batchShape.length === 0) return () => x;
  return (i) => batchMember(x, i);
}

function asNumber(v: number | NDArray, what: string): number {
  if (typeof v === "number") return v;
  if (v.size === 1) return v.data[0];
  throw invalidShape(what, `the pair function must return one number; got shape [${v.shape.join(", ")}]`, [
    ...v.shape,
  ]);
}

function genericPlan(P: Distribution, Q: Distribution, fn: PairFunction, tile: number | undefined): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const t = checkTile(tile, 64);
  const readP = memberReader(P);
  const readQ = memberReader(Q);
  const qMembers: Distribution[] = new Array(m);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const rows: Distribution[] = [];
        for (let i = r0; i < r1; i++) rows.push(readP(i));
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          for (let j = c0; j < c1; j++) qMembers[j] ??= readQ(j);
          for (let i = r0; i < r1; i++) {
            const o = off + (i - i0) * m;
            for (let j = c0; j < c1; j++) out[o + j] = asNumber(fn(rows[i - r0], qMembers[j]), "fn");
          }
        }
      }
    },
  };
}

/**
 * The N × M matrix D[i, j] = fn(P_i, Q_j) for any pair function (KL, a distance, an estimator…)
 * between the members of batched distributions with batch shapes [N] and [M] (members as
 * {@link batchMember}). Tiled like {@link pairwiseKl}; `fn` must return one number per pair.
 * This is the generic fallback: O(N·M) calls of `fn`; the specialised pairwise functions are
 * much faster where they apply.
 *
 * @example pairwise(new Normal([0, 1], 1), new Normal([0, 2, 4], 2), (p, q) => kl(p, q)); // 2 × 3
 */
export function pairwise(
  P: Distribution,
  Q: Distribution,
  fn: PairFunction,
  options: PairwiseOptions = {},
): NDArray {
  return runFull(genericPlan(P, Q, fn, options.tile), options.onRows);
}

// ---------------------------------------------------------------------------------------------
// Categorical
// ---------------------------------------------------------------------------------------------

export interface CategoricalData {
  probs: Float64Array;
  logProbs: Float64Array;
  k: number;
}

export function categoricalData(x: Distribution): CategoricalData | undefined {
  if (x instanceof Categorical) return { probs: x.probs, logProbs: x.logProbs, k: x.numCategories };
  if (x instanceof OneHotCategorical) {
    const c = x.categorical;
    return { probs: c.probs, logProbs: c.logProbs, k: c.numCategories };
  }
  return undefined;
}

function checkCategories(a: CategoricalData, b: CategoricalData): void {
  if (a.k !== b.k) {
    throw invalidShape("q", `has ${b.k} categories but p has ${a.k} (last axes differ)`, [a.k, b.k]);
  }
}

/** The prepared Categorical KL kernel for (P, Q) (shared with the worker threads). */
export function categoricalKlData(
  p: CategoricalData,
  q: CategoricalData,
  n: number,
  m: number,
  tile?: number,
): CategoricalKlData {
  checkCategories(p, q);
  const K = p.k;
  const t = checkTile(tile, K);
  return prepareCategoricalKl(p.probs, p.logProbs, q.probs, q.logProbs, n, m, K, t, cancellationThreshold(K));
}

function categoricalKlPlan(
  p: CategoricalData,
  q: CategoricalData,
  n: number,
  m: number,
  tile?: number,
): Plan {
  const c = categoricalKlData(p, q, n, m, tile);
  const scratch = categoricalKlScratch(c);
  return {
    n,
    m,
    tile: c.tile,
    fill(i0, i1, out, off) {
      categoricalKlRows(c, scratch, i0, i1, out, off);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Gaussians
// ---------------------------------------------------------------------------------------------

interface HasForm {
  toGaussianForm?: () => GaussianForm | undefined;
}

function gaussianFormIfAny(x: Distribution): GaussianForm | undefined {
  const f = (x as HasForm).toGaussianForm;
  return typeof f === "function" ? f.call(x) : undefined;
}

/** Diagonal Σq: the kernel of ./diag-kernel.ts (shared with the worker threads). */
function diagPlan(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): Plan {
  const D = diagKlData(fp, fq, n, m, tile);
  const S = diagKlScratch(D);
  return {
    n,
    m,
    tile: D.tile,
    fill(i0, i1, out, off) {
      diagKlRows(D, S, i0, i1, out, off);
    },
  };
}

/** The prepared diagonal-Σq kernel for (fp, fq). */
function diagKlData(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): DiagKlData {
  const K = 2 * fp.d;
  return prepareDiagKl(fp, fq, n, m, checkTile(tile, K), cancellationThreshold(K));
}

/** Dense Σq⁻¹ of covariance element b (tril or low-rank) into out (d × d, symmetric). */
function denseInverse(f: GaussianForm, b: number, out: Float64Array): void {
  const d = f.d;
  const cov = f.cov;
  const k = kernels();
  out.fill(0);
  if (cov.kind === "tril") {
    for (let i = 0; i < d; i++) out[i * d + i] = 1;
    k.trsmLower(d, d, cov.L, b * d * d, out, 0); // L⁻¹
    k.trsmLowerTrans(d, d, cov.L, b * d * d, out, 0); // L⁻ᵀ L⁻¹ = Σ⁻¹
  } else if (cov.kind === "lowrank") {
    // Σ⁻¹ = D⁻¹ − AᵀA, A = Lc⁻¹ Wᵀ D⁻¹ (r × d), C = I + WᵀD⁻¹W = Lc Lcᵀ
    const r = cov.r;
    const A = new Float64Array(r * d);
    for (let a = 0; a < r; a++)
      for (let i = 0; i < d; i++) A[a * d + i] = cov.W[b * d * r + i * r + a] / cov.D[b * d + i];
    k.trsmLower(r, d, cov.capL, b * r * r, A, 0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = i === j ? 1 / cov.D[b * d + i] : 0;
        for (let a = 0; a < r; a++) s -= A[a * d + i] * A[a * d + j];
        out[i * d + j] = s;
      }
    }
  } else {
    for (let i = 0; i < d; i++) out[i * d + i] = Math.exp(-cov.logVar[b * d + i]);
  }
  // symmetrise (average the two triangles; the low-rank branch filled the lower one)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const s = cov.kind === "lowrank" ? out[i * d + j] : 0.5 * (out[i * d + j] + out[j * d + i]);
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}

function frobenius(a: Float64Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/**
 * Full Σq (tril or low-rank; p any Gaussian): with Λ = Σq⁻¹, S = Σp + m mᵀ, m = μp − c, n = μq − c,
 *   2 KL = ⟨Λ, S⟩ − 2 mᵀ(Λ n) + nᵀΛn − d + log det Σq − log det Σp,
 * features X_i = [S_kl (k ≤ l), m], Y_j = [Λ_kk, 2Λ_kl (k < l), −2Λn] (K = d(d+1)/2 + d).
 * Magnitude: (1 + κ_F(Σq))·(‖Λ‖_F‖S‖_F + 2‖m‖‖Λn‖ + nᵀΛn) + d + |log det Σq| + |log det Σp|, the
 * factor κ_F = ‖Σq‖_F‖Λ‖_F covering the error of the explicit inverse.
 */
function fullPlan(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): Plan {
  const d = fp.d;
  const T = (d * (d + 1)) / 2;
  const K = T + d;
  const t = checkTile(tile, K);
  const tau = cancellationThreshold(K);
  const exact = new ExactGaussian(fp, fq);
  const lpI = indexer(fp.locBatch);
  const cpI = indexer(fp.covBatch);
  const lqI = indexer(fq.locBatch);
  const cqI = indexer(fq.covBatch);
  const c = centre(fq);
  // per covariance element of q: Λ (packed, weighted), ‖Λ‖_F, κ_F
  const ncq = sizeOf(fq.covBatch);
  const lam = new Float64Array(ncq * d * d);
  const lamF = new Float64Array(ncq);
  const kappa = new Float64Array(ncq);
  const tmp = new Float64Array(d * d);
  for (let b = 0; b < ncq; b++) {
    const L = lam.subarray(b * d * d, (b + 1) * d * d);
    denseInverse(fq, b, L);
    lamF[b] = frobenius(L, d * d);
    denseCovariance(fq, b, tmp, 0);
    kappa[b] = frobenius(tmp, d * d) * lamF[b];
  }
  const Y = new Float64Array(m * K);
  const bq = new Float64Array(m);
  const ldq = new Float64Array(m);
  const sq = new Float64Array(m);
  const kq = new Float64Array(m);
  const fq2 = new Float64Array(m);
  const nvec = new Float64Array(d);
  for (let j = 0; j < m; j++) {
    const cb = cqI(j);
    const L = lam.subarray(cb * d * d, (cb + 1) * d * d);
    const lo = lqI(j) * d;
    for (let k = 0; k < d; k++) nvec[k] = fq.loc[lo + k] - c[k];
    let x = j * K;
    for (let k = 0; k < d; k++) {
      Y[x++] = L[k * d + k];
      for (let l = k + 1; l < d; l++) Y[x++] = 2 * L[k * d + l];
    }
    let b = 0;
    let s2 = 0;
    for (let k = 0; k < d; k++) {
      let ln = 0;
      for (let l = 0; l < d; l++) ln += L[k * d + l] * nvec[l];
      Y[j * K + T + k] = -2 * ln;
      b += nvec[k] * ln;
      s2 += ln * ln;
    }
    bq[j] = b > 0 ? b : 0;
    sq[j] = Math.sqrt(s2);
    ldq[j] = fq.logDet[cb];
    kq[j] = 1 + kappa[cb];
    fq2[j] = lamF[cb];
  }
  const X = new Float64Array(t * K);
  const ep = new Float64Array(t);
  const rp = new Float64Array(t);
  const ldp = new Float64Array(t);
  const S = new Float64Array(d * d);
  const mv = new Float64Array(d);
  let lastCov = -1;
  const covP = new Float64Array(d * d);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const tr = r1 - r0;
        for (let a = 0; a < tr; a++) {
          const i = r0 + a;
          const cb = cpI(i);
          if (cb !== lastCov) {
            denseCovariance(fp, cb, covP, 0);
            lastCov = cb;
          }
          const lo = lpI(i) * d;
          let r2 = 0;
          for (let k = 0; k < d; k++) {
            mv[k] = fp.loc[lo + k] - c[k];
            r2 += mv[k] * mv[k];
          }
          for (let k = 0; k < d; k++)
            for (let l = 0; l < d; l++) S[k * d + l] = covP[k * d + l] + mv[k] * mv[l];
          let x = a * K;
          for (let k = 0; k < d; k++) for (let l = k; l < d; l++) X[x++] = S[k * d + l];
          for (let k = 0; k < d; k++) X[a * K + T + k] = mv[k];
          ep[a] = frobenius(S, d * d);
          rp[a] = Math.sqrt(r2);
          ldp[a] = fp.logDet[cb];
        }
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          const base = off + (r0 - i0) * m + c0;
          gemmNT(tr, c1 - c0, K, X, 0, K, Y, c0 * K, K, out, base, m);
          for (let a = 0; a < tr; a++) {
            const o = base + a * m;
            for (let j = c0; j < c1; j++) {
              const g = out[o + j - c0];
              const two = g + bq[j] - d + ldq[j] - ldp[a];
              const mag =
                kq[j] * (fq2[j] * ep[a] + 2 * rp[a] * sq[j] + bq[j]) +
                d +
                Math.abs(ldq[j]) +
                Math.abs(ldp[a]);
              // exact per pair where the product form cancels or is not finite (scales of 1e±154)
              out[o + j - c0] =
                two >= tau * mag && mag < Infinity
                  ? 0.5 * two
                  : exact.kl(lpI(r0 + a), cpI(r0 + a), lqI(j), cqI(j));
            }
          }
        }
      }
    },
  };
}

function gaussianKlPlan(fp: GaussianForm, fq: GaussianForm, n: number, m: number, tile?: number): Plan {
  if (fp.d !== fq.d) {
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  }
  return fq.cov.kind === "diag" ? diagPlan(fp, fq, n, m, tile) : fullPlan(fp, fq, n, m, tile);
}

// ---------------------------------------------------------------------------------------------
// KL dispatch
// ---------------------------------------------------------------------------------------------

/**
 * The KL functions in the registry when this module loads, i.e. the library's own closed forms.
 * A row a user later replaces with registerKl is not in the set, and its pairs go through the
 * generic per-pair path with the user's function.
 */
const builtinKl: ReadonlySet<KlFunction<Distribution, Distribution>> = new Set(klTable().map((r) => r.fn));
const isBuiltin = (fn: KlFunction<Distribution, Distribution>): boolean => builtinKl.has(fn);

function klPlan(P: Distribution, Q: Distribution, tile?: number): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const fn = lookupKl(P, Q);
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq && P.family === Q.family && (!fn || isBuiltin(fn)))
    return categoricalKlPlan(cp, cq, n, m, tile);
  return klPlanOther(P, Q, n, m, fn, tile);
}

/**
 * The prepared Categorical kernel when `pairwiseKl(P, Q)` takes the Categorical product path
 * (the threaded form hands it to worker threads), undefined for every other pair. @internal
 */
export function categoricalKlJob(
  P: Distribution,
  Q: Distribution,
  tile?: number,
): CategoricalKlData | undefined {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const fn = lookupKl(P, Q);
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq && P.family === Q.family && (!fn || isBuiltin(fn)))
    return categoricalKlData(cp, cq, n, m, tile);
  return undefined;
}

/**
 * The prepared diagonal-Σq Gaussian kernel when `pairwiseKl(P, Q)` takes that product path
 * (e.g. MultivariateNormalDiag against MultivariateNormalDiag), undefined otherwise. @internal
 */
export function diagKlJob(P: Distribution, Q: Distribution, tile?: number): DiagKlData | undefined {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  if (categoricalKlJob(P, Q, tile)) return undefined;
  const fn = lookupKl(P, Q);
  if (!fn || !isBuiltin(fn)) return undefined;
  const fp = gaussianFormIfAny(P);
  const fq = gaussianFormIfAny(Q);
  if (!fp || !fq || fq.cov.kind !== "diag" || fp.d !== fq.d) return undefined;
  return diagKlData(fp, fq, n, m, tile);
}

function klPlanOther(
  P: Distribution,
  Q: Distribution,
  n: number,
  m: number,
  fn: KlFunction<Distribution, Distribution> | undefined,
  tile?: number,
): Plan {
  if (!fn) {
    throw notImplemented(
      `no closed-form KL is registered for (${P.family} ‖ ${Q.family}); ` +
        `use pairwise(P, Q, fn) with an estimator, or register one with registerKl`,
    );
  }
  if (isBuiltin(fn)) {
    const fp = gaussianFormIfAny(P);
    const fq = gaussianFormIfAny(Q);
    if (fp && fq) return gaussianKlPlan(fp, fq, n, m, tile);
  }
  return genericPlan(P, Q, (p, q) => kl(p, q), tile);
}

/**
 * The N × M matrix of KL(P_i ‖ Q_j) in nats, for P with batch shape [N] and Q with batch shape
 * [M] (a scalar batch counts as one member). Direction: row i is P_i, column j is Q_j, and the
 * entry is KL(P_i ‖ Q_j) = ∫ P_i log(P_i / Q_j).
 *
 * - Categorical (and OneHotCategorical): KL = Σ_k p_k log p_k − Σ_k p_k log q_k with the
 *   cross term as the product P·(log Q)ᵀ. A category with p_k = 0 contributes 0; q_k = 0 where
 *   p_k > 0 gives exactly +Infinity (detected by a separate exact count, never 0·(−∞) = NaN).
 * - Gaussian families (Normal, MultivariateNormal, MultivariateNormalDiag,
 *   LowRankMultivariateNormal, Independent(Normal, 1), in the mixes `kl` supports): trace and
 *   Mahalanobis terms as one matrix product (see the module comment), O(N·M·d²) instead of the
 *   O(N·M·d³) of a per-pair loop.
 * - Any other pair with a registered closed form: the per-pair loop of {@link pairwise}.
 *
 * Accuracy: entries match `kl(P_i, Q_j)` to ~1e-10 relative; entries where the product form
 * cancels (divergence < {@link cancellationThreshold}(K) × the magnitude of its terms, e.g.
 * P_i ≈ Q_j) are recomputed exactly per pair. Never negative. Memory: tiles of `options.tile`;
 * see {@link pairwiseKlBlocks} to stream rows instead of holding the N × M result.
 *
 * Errors: `InvalidShape` for batch shapes that are not [N] / [M], or different event
 * dimensions / category counts; `NotImplemented` for a pair with no closed form.
 *
 * @example pairwiseKl(new Categorical({ probs: [[0.5, 0.5], [0.9, 0.1]] }), new Categorical({ probs: [[0.5, 0.5]] })); // [[0], [0.368…]]
 */
export function pairwiseKl(P: Distribution, Q: Distribution, options: PairwiseOptions = {}): NDArray {
  return runFull(klPlan(P, Q, options.tile), options.onRows);
}

/**
 * {@link pairwiseKl} as a stream of row blocks `{ rowStart, rows }` (rows: [r, M]), each computed
 * when requested: iterate with `for (const b of pairwiseKlBlocks(P, Q))`, or with `for await` to
 * yield to the event loop between blocks. Memory is one block plus the per-column precomputation;
 * the concatenated blocks equal `pairwiseKl(P, Q)` bit for bit. With `reuseBuffer: true` every
 * block is written into the same array (each block valid until the next one is requested).
 *
 * @example for (const { rowStart, rows } of pairwiseKlBlocks(P, Q, { rowsPerBlock: 1000 })) save(rowStart, rows);
 */
export function pairwiseKlBlocks(
  P: Distribution,
  Q: Distribution,
  options: PairwiseBlockOptions = {},
): PairwiseBlocks {
  return blockStream(klPlan(P, Q, options.tile), options.rowsPerBlock, options.reuseBuffer);
}

// ---------------------------------------------------------------------------------------------
// Other divergences
// ---------------------------------------------------------------------------------------------

/** The rows [start, end) of a Gaussian form's batch as a form of batch [t, 1] (rows) or [t]. */
function subForm(f: GaussianForm, start: number, end: number, asRows: boolean): GaussianForm {
  const d = f.d;
  const t = end - start;
  const shape = asRows ? [t, 1] : [t];
  const locShared = sizeOf(f.locBatch) === 1;
  const covShared = sizeOf(f.covBatch) === 1;
  const [ls, le] = locShared ? [0, 1] : [start, end];
  const [cs, ce] = covShared ? [0, 1] : [start, end];
  const cov = f.cov;
  let sub: GaussianCov;
  if (cov.kind === "diag") sub = { kind: "diag", logVar: cov.logVar.subarray(cs * d, ce * d) };
  else if (cov.kind === "tril") {
    sub = {
      kind: "tril",
      L: cov.L.subarray(cs * d * d, ce * d * d),
      logDiag: cov.logDiag.subarray(cs * d, ce * d),
    };
  } else {
    const r = cov.r;
    sub = {
      kind: "lowrank",
      r,
      W: cov.W.subarray(cs * d * r, ce * d * r),
      D: cov.D.subarray(cs * d, ce * d),
      capL: cov.capL.subarray(cs * r * r, ce * r * r),
    };
  }
  return {
    d,
    batchShape: shape,
    loc: f.loc.subarray(ls * d, le * d),
    locBatch: locShared ? [] : shape,
    cov: sub,
    covBatch: covShared ? [] : shape,
    logDet: f.logDet.subarray(cs, ce),
  };
}

/** Tiles of batched Gaussian-form calls: fn(rows-form [t,1], cols-form [u]) → [t, u]. */
function gaussianFormPlan(
  fp: GaussianForm,
  fq: GaussianForm,
  n: number,
  m: number,
  tile: number | undefined,
  fn: (a: GaussianForm, b: GaussianForm) => number | NDArray,
  post: (x: number) => number,
): Plan {
  if (fp.d !== fq.d) {
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  }
  const t = checkTile(tile, fp.d * fp.d);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const rows = subForm(fp, r0, r1, true);
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          const v = fn(rows, subForm(fq, c0, c1, false));
          const data = typeof v === "number" ? [v] : v.data;
          const tc = c1 - c0;
          for (let a = 0; a < r1 - r0; a++)
            for (let b = 0; b < tc; b++) out[off + (r0 - i0 + a) * m + c0 + b] = post(data[a * tc + b]);
        }
      }
    },
  };
}

/** Both Gaussian forms when both sides are Gaussian families with the same event rank. */
function gaussianForms(P: Distribution, Q: Distribution): [GaussianForm, GaussianForm] | undefined {
  const fp = gaussianFormIfAny(P);
  const fq = gaussianFormIfAny(Q);
  return fp && fq && P.eventShape.length === Q.eventShape.length ? [fp, fq] : undefined;
}

/** Exact Bhattacharyya distance between two categorical rows: −log1p(−½ Σ(√p − √q)²). */
function categoricalPairBhattacharyya(p: CategoricalData, i: number, q: CategoricalData, j: number): number {
  let h = 0;
  for (let k = 0; k < p.k; k++) {
    const x = Math.sqrt(p.probs[i * p.k + k]) - Math.sqrt(q.probs[j * q.k + k]);
    h += x * x;
  }
  h *= 0.5;
  if (h >= 1) return Infinity;
  const v = -Math.log1p(-h);
  return v > 0 ? v : 0;
}

/**
 * The N × M matrix of Bhattacharyya distances D_B(P_i, Q_j) = −log ∫ √(P_i Q_j) (nats).
 * Gaussians: the closed form of `bhattacharyyaGaussian` (Kailath 1967), evaluated tile by tile
 * on batched forms. Categorical: the coefficient Σ_k √p_k √q_k is one product √P·(√Q)ᵀ; where the
 * distance is small (< cancellationThreshold(K)), it is recomputed as −log1p(−½ Σ(√p − √q)²).
 * Disjoint supports give +Infinity. Other families: the per-pair loop of {@link pairwise} with
 * `bhattacharyya` (exact sums for discrete families, registered pairs). Symmetric, ≥ 0.
 *
 * @example pairwiseBhattacharyya(new Normal([0, 1], 1), new Normal([0, 2], 1)); // [[0, 0.5], [0.125, 0.125]]
 */
export function pairwiseBhattacharyya(
  P: Distribution,
  Q: Distribution,
  options: PairwiseOptions = {},
): NDArray {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq) {
    checkCategories(cp, cq);
    const K = cp.k;
    const t = checkTile(options.tile, K);
    const tau = cancellationThreshold(K);
    const sp = cp.probs.map(Math.sqrt);
    const sq = cq.probs.map(Math.sqrt);
    const plan: Plan = {
      n,
      m,
      tile: t,
      fill(i0, i1, out, off) {
        for (let r0 = i0; r0 < i1; r0 += t) {
          const r1 = Math.min(i1, r0 + t);
          for (let c0 = 0; c0 < m; c0 += t) {
            const c1 = Math.min(m, c0 + t);
            const base = off + (r0 - i0) * m + c0;
            gemmNT(r1 - r0, c1 - c0, K, sp, r0 * K, K, sq, c0 * K, K, out, base, m);
            for (let i = r0; i < r1; i++) {
              for (let j = c0; j < c1; j++) {
                const o = base + (i - r0) * m + j - c0;
                const v = -Math.log(out[o]);
                out[o] = v < tau ? categoricalPairBhattacharyya(cp, i, cq, j) : v;
              }
            }
          }
        }
      },
    };
    return runFull(plan, options.onRows);
  }
  const forms = gaussianForms(P, Q);
  if (!forms) return pairwise(P, Q, bhattacharyya, options);
  const plan = gaussianFormPlan(
    forms[0],
    forms[1],
    n,
    m,
    options.tile,
    (a, b) => renyiGaussianForms(a, b, 0.5),
    (x) => 0.5 * x,
  );
  return runFull(plan, options.onRows);
}

/**
 * The N × M matrix of 2-Wasserstein distances W₂(P_i, Q_j) (not squared) between Gaussians:
 * W₂² = ‖μp − μq‖² + tr Σp + tr Σq − 2 tr √(Σp^½ Σq Σp^½) (Dowson & Landau 1982), evaluated tile
 * by tile with the batched closed form of `wasserstein2`. Symmetric, ≥ 0.
 *
 * @example pairwiseWasserstein2(new Normal([0], 1), new Normal([3, 0], [2, 1])); // [[√10, 0]]
 */
export function pairwiseWasserstein2(
  P: Distribution,
  Q: Distribution,
  options: PairwiseOptions = {},
): NDArray {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const forms = gaussianForms(P, Q);
  if (!forms) {
    throw notImplemented(
      `pairwiseWasserstein2 has a closed form for Gaussian families only; got (${P.family}, ${Q.family}); ` +
        `use pairwise(P, Q, fn)`,
    );
  }
  return runFull(
    gaussianFormPlan(forms[0], forms[1], n, m, options.tile, frechetGaussianForms, Math.sqrt),
    options.onRows,
  );
}

/** Exact JS between categorical rows: ½ Σ_k [p log(2p/(p+q)) + q log(2q/(p+q))], via log1p. */
function categoricalPairJs(p: CategoricalData, i: number, q: CategoricalData, j: number): number {
  const K = p.k;
  let s = 0;
  for (let k = 0; k < K; k++) {
    const a = p.probs[i * K + k];
    const b = q.probs[j * K + k];
    if (a === 0 && b === 0) continue;
    if (a === 0) s += b * Math.LN2;
    else if (b === 0) s += a * Math.LN2;
    else {
      const u = (a - b) / (a + b);
      s += a * Math.log1p(u) + b * Math.log1p(-u);
    }
  }
  const v = 0.5 * s;
  return v > 0 ? v : 0;
}

/**
 * The N × M matrix of Jensen–Shannon divergences JS(P_i, Q_j) = ½ KL(P_i ‖ M) + ½ KL(Q_j ‖ M),
 * M = (P_i + Q_j)/2, in nats, for Categorical (or OneHotCategorical) batches — exact, term by
 * term as ½ Σ_k [p log1p(u) + q log1p(−u)], u = (p − q)/(p + q) (no cancellation for p ≈ q;
 * a category where only one side has mass contributes its probability × log 2). Between
 * 0 and log 2, symmetric. O(N·M·K) logarithms (JS has no product form). Other families: the
 * per-pair loop of {@link pairwise} with `js` (exact sums for discrete families, registered
 * pairs; a pair with no closed form raises `NotImplemented` — use `pairwise(P, Q, fn)` with an
 * estimator such as `jsMonteCarlo`).
 *
 * @example pairwiseJs(new Categorical({ probs: [[1, 0]] }), new Categorical({ probs: [[0, 1], [1, 0]] })); // [[log 2, 0]]
 */
export function pairwiseJs(P: Distribution, Q: Distribution, options: PairwiseOptions = {}): NDArray {
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (!cp || !cq) return pairwise(P, Q, js, options);
  checkCategories(cp, cq);
  return runFull(jsPlan(cp, cq, P, Q, options.tile), options.onRows);
}

function jsPlan(
  cp: CategoricalData,
  cq: CategoricalData,
  P: Distribution,
  Q: Distribution,
  tile?: number,
): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const t = checkTile(tile, cp.k);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          for (let i = r0; i < r1; i++)
            for (let j = c0; j < c1; j++) out[off + (i - i0) * m + j] = categoricalPairJs(cp, i, cq, j);
        }
      }
    },
  };
}
