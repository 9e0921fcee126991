/**
 * The categorical distribution on the indices {0, …, K − 1}, given by `probs` or `logits`
 * whose LAST axis holds the K categories (leading axes are the batch).
 *
 * Probabilities must be non-negative and sum to 1 within an absolute tolerance of 1e-6
 * ({@link PROBS_SUM_TOLERANCE}); they are then divided by their sum (as PyTorch does), so
 * rounding in the input never leaks into the results. Logits are normalised by log-sum-exp
 * (log-softmax), so log-probabilities are exact even where the probabilities underflow.
 */
import { NDArray, asArray, sizeOf, unravel, type ArrayInput } from "../core/array.js";
import { invalidParameter, invalidShape } from "../core/errors.js";
import { Random } from "../core/random.js";
import {
  Distribution,
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  paramJSON,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { pickForm, type BinaryForm, type ProbsOrLogits } from "./bernoulli.js";

/** |Σ probs − 1| allowed before a probability vector is rejected (absolute = relative to 1). */
export const PROBS_SUM_TOLERANCE = 1e-6;

/** Normalised probabilities of a probs-or-logits vector family, flat [batch…, K]. */
export interface CategoricalParts {
  batchShape: number[];
  k: number;
  form: BinaryForm;
  given: NDArray;
  probs: Float64Array;
  logProbs: Float64Array;
}

/** Reads and validates the `probs`/`logits` of a categorical-type family (last axis = categories). */
export function readCategorical(
  family: string,
  params: ProbsOrLogits,
  options?: DistributionOptions,
): CategoricalParts {
  const { form, value } = pickForm(family, params);
  const a = asArray(value, form);
  if (a.ndim === 0)
    throw invalidShape(form, `${family} needs a vector of categories (last axis); got a scalar`, a.shape);
  const k = a.shape[a.ndim - 1];
  if (k === 0) throw invalidShape(form, `${family} needs at least one category`, a.shape);
  const batchShape = a.shape.slice(0, -1);
  const nb = sizeOf(batchShape);
  const validate = shouldValidate(options);
  const probs = new Float64Array(a.size);
  const logProbs = new Float64Array(a.size);
  for (let b = 0; b < nb; b++) {
    const off = b * k;
    const where = (j: number): number[] => unravel(off + j, a.shape);
    if (form === "probs") {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const v = a.data[off + j];
        if (validate && !(v >= 0 && v < Infinity))
          throw invalidParameter("probs", "non-negative and finite", v, where(j));
        s += v;
      }
      if (validate && !(Math.abs(s - 1) <= PROBS_SUM_TOLERANCE)) {
        throw invalidParameter(
          "probs",
          `summing to 1 (within ${PROBS_SUM_TOLERANCE}) along the last axis`,
          s,
          unravel(b, batchShape),
        );
      }
      const ls = Math.log(s);
      for (let j = 0; j < k; j++) {
        const v = a.data[off + j];
        probs[off + j] = v / s;
        logProbs[off + j] = Math.log(v) - ls;
      }
    } else {
      let m = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = a.data[off + j];
        if (validate && !(v < Infinity))
          throw invalidParameter("logits", "a number < +∞ (not NaN)", v, where(j));
        if (v > m) m = v;
      }
      if (validate && m === -Infinity) {
        throw invalidParameter(
          "logits",
          "not all −∞ (at least one category must have mass)",
          m,
          unravel(b, batchShape),
        );
      }
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(a.data[off + j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < k; j++) {
        const l = a.data[off + j] - lse;
        logProbs[off + j] = l;
        probs[off + j] = Math.exp(l);
      }
    }
  }
  return { batchShape, k, form, given: a, probs, logProbs };
}

/**
 * Categorical(p): P(X = k) = p_k, k = 0…K−1 (PyTorch `Categorical`); the last axis of the
 * parameter holds the K categories, leading axes are the batch. KL pairs: Categorical.
 * @example kl(new Categorical({ probs: [0.5, 0.5] }), new Categorical({ logits: [0, 0] })); // 0
 */
export class Categorical extends Distribution {
  readonly family = "Categorical";
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Number of categories K. */
  readonly numCategories: number;
  /** Normalised probabilities, flat [batch…, K]. */
  readonly probs: Float64Array;
  /** Normalised log-probabilities, flat [batch…, K] (−∞ where a probability is 0). */
  readonly logProbs: Float64Array;
  readonly form: BinaryForm;
  protected readonly given: NDArray;

  /**
   * Categorical over {0, …, K − 1}: `{ probs }` (non-negative, summing to 1 within 1e-6) or
   * `{ logits }` (unnormalised log-probabilities); the last axis holds the K categories.
   * @example new Categorical({ probs: [0.5, 0.5] }).entropy(); // log 2
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    super();
    const parts = readCategorical("Categorical", params, options);
    this.batchShape = parts.batchShape;
    this.numCategories = parts.k;
    this.probs = parts.probs;
    this.logProbs = parts.logProbs;
    this.form = parts.form;
    this.given = parts.given;
  }

  static fromJSON(o: Record<string, unknown>): Categorical {
    return new Categorical({ probs: o.probs as ArrayInput, logits: o.logits as ArrayInput });
  }

  toJSON(): DistributionJSON {
    return { family: this.family, [this.form]: paramJSON(this.given.data, this.given.shape) };
  }

  /** The mean of the index, Σ_k k p_k (PyTorch returns NaN here; the index mean is well defined). */
  mean(): number | NDArray {
    const K = this.numCategories;
    return mapBatch(this.batchShape, (b) => {
      let s = 0;
      for (let j = 1; j < K; j++) s += j * this.probs[b * K + j];
      return s;
    });
  }

  /** The variance of the index, Σ_k (k − mean)² p_k. */
  variance(): number | NDArray {
    const K = this.numCategories;
    return mapBatch(this.batchShape, (b) => {
      let m = 0;
      for (let j = 1; j < K; j++) m += j * this.probs[b * K + j];
      let v = 0;
      for (let j = 0; j < K; j++) v += (j - m) * (j - m) * this.probs[b * K + j];
      return v;
    });
  }

  /** log p_x for an index x (broadcast against the batch); −∞ for a non-index. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => this.logMass(v, i));
  }

  /** Log mass at index k for batch element i. */
  logMass(k: number, i: number): number {
    if (Number.isNaN(k)) return NaN;
    if (!Number.isInteger(k) || k < 0 || k >= this.numCategories) return -Infinity;
    return this.logProbs[i * this.numCategories + k];
  }

  /** Largest index of positive mass. */
  supportMax(i: number): number {
    const K = this.numCategories;
    for (let j = K - 1; j > 0; j--) if (this.probs[i * K + j] > 0) return j;
    return 0;
  }

  /** All categories: [0, K − 1]. */
  bulk(): [number, number] {
    return [0, this.numCategories - 1];
  }

  /** H = −Σ_k p_k log p_k (0 log 0 = 0). */
  entropy(): number | NDArray {
    const K = this.numCategories;
    return mapBatch(this.batchShape, (b) => {
      let s = 0;
      for (let j = 0; j < K; j++) {
        const p = this.probs[b * K + j];
        if (p > 0) s -= p * this.logProbs[b * K + j];
      }
      return Math.max(0, s);
    });
  }

  /** Draws an index by inverse CDF (the first k with u < Σ_{j≤k} p_j). Shape [n, ...batch]. */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = sizeOf(this.batchShape);
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) for (let b = 0; b < nb; b++) out[s * nb + b] = this.drawIndex(rng, b);
    return new NDArray(out, [n, ...this.batchShape]);
  }

  /** One index draw for batch element b. */
  protected drawIndex(rng: Random, b: number): number {
    const K = this.numCategories;
    const u = rng.uniform();
    let c = 0;
    let last = 0;
    for (let j = 0; j < K; j++) {
      const p = this.probs[b * K + j];
      if (p > 0) last = j;
      c += p;
      if (u < c && p > 0) return j;
    }
    return last; // u ≥ the rounded total: the last category with mass
  }
}
