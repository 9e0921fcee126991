/**
 * The one-hot categorical distribution: a categorical draw written as a one-hot vector of length
 * K (event shape [K]). Same parameters as {@link Categorical} (`probs` or `logits`, last axis =
 * categories); KL, entropy and divergences equal those of the underlying categorical.
 */
import {
  NDArray,
  asArray,
  broadcastMap,
  broadcastShapes,
  result,
  sizeOf,
  type ArrayInput,
} from "../core/array.js";
import { invalidShape } from "../core/errors.js";
import {
  Distribution,
  checkSampleCount,
  type DistributionJSON,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { type ProbsOrLogits } from "./bernoulli.js";
import { Categorical } from "./categorical.js";

/**
 * OneHotCategorical(p): the categorical index written as a one-hot vector e_k, P(X = e_k) = p_k
 * (PyTorch `OneHotCategorical`). KL pairs: OneHotCategorical.
 * @example new OneHotCategorical({ probs: [0.25, 0.75] }).logProb([0, 1]); // log 0.75
 */
export class OneHotCategorical extends Distribution {
  readonly family = "OneHotCategorical";
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** The categorical distribution of the index of the 1. */
  readonly categorical: Categorical;

  /**
   * One-hot categorical over K categories: `{ probs }` or `{ logits }`, last axis = categories.
   * @example new OneHotCategorical({ probs: [0.2, 0.8] }).mean(); // NDArray [0.2, 0.8]
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    super();
    this.categorical = new Categorical(params, options);
    this.batchShape = this.categorical.batchShape;
    this.eventShape = [this.categorical.numCategories];
  }

  static fromJSON(o: Record<string, unknown>): OneHotCategorical {
    return new OneHotCategorical({ probs: o.probs as ArrayInput, logits: o.logits as ArrayInput });
  }

  toJSON(): DistributionJSON {
    return { ...this.categorical.toJSON(), family: this.family };
  }

  /** E[X] = the probability vector, shape [...batch, K]. */
  mean(): NDArray {
    return new NDArray(Float64Array.from(this.categorical.probs), [...this.batchShape, ...this.eventShape]);
  }

  /** Var[X_k] = p_k (1 − p_k), shape [...batch, K]. */
  variance(): NDArray {
    return new NDArray(
      this.categorical.probs.map((p) => p * (1 - p)),
      [...this.batchShape, ...this.eventShape],
    );
  }

  /**
   * log P(X = x) = Σ_k x_k log p_k for a one-hot x (last axis of length K; leading axes broadcast
   * against the batch); −∞ when x is not one-hot.
   */
  logProb(x: ArrayInput): number | NDArray {
    const K = this.categorical.numCategories;
    const xa = asArray(x, "x");
    if (xa.ndim === 0 || xa.shape[xa.ndim - 1] !== K) {
      throw invalidShape(
        "x",
        `a one-hot value needs a last axis of length ${K}; got shape [${xa.shape.join(", ")}]`,
        xa.shape,
      );
    }
    const xBatch = xa.shape.slice(0, -1);
    const shape = broadcastShapes([xBatch, this.batchShape], ["x", "batch"]);
    const mx = broadcastMap(xBatch, shape);
    const mb = broadcastMap(this.batchShape, shape);
    const n = sizeOf(shape);
    const out = new Float64Array(n);
    for (let f = 0; f < n; f++) {
      const xo = (mx ? mx[f] : f) * K;
      const bo = mb ? mb[f] : f;
      let hot = -1;
      let ok = true;
      let nan = false;
      for (let j = 0; j < K; j++) {
        const v = xa.data[xo + j];
        if (Number.isNaN(v)) nan = true;
        else if (v === 1 && hot < 0) hot = j;
        else if (v !== 0) ok = false;
      }
      out[f] = nan ? NaN : ok && hot >= 0 ? this.categorical.logMass(hot, bo) : -Infinity;
    }
    return result(out, shape);
  }

  /** H = −Σ_k p_k log p_k. */
  entropy(): number | NDArray {
    return this.categorical.entropy();
  }

  /** One-hot draws, shape [n, ...batch, K] (same index stream as the categorical with the same seed). */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const idx = this.categorical.sample(n, options);
    const K = this.categorical.numCategories;
    const out = new Float64Array(idx.size * K);
    for (let i = 0; i < idx.size; i++) out[i * K + idx.data[i]] = 1;
    return new NDArray(out, [...idx.shape, K]);
  }
}
