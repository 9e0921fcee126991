/**
 * Reinterprets the last `reinterpretedBatchNdims` batch axes of a base distribution as event
 * axes: log-densities and entropies are summed over them (as torch.distributions.Independent).
 * Independent(Normal with batch [..., d], 1) is the diagonal Gaussian on R^d.
 */
import { NDArray, asArray, result, sizeOf, type ArrayInput } from "../core/array.js";
import { invalidParameter, invalidShape } from "../core/errors.js";
import { Distribution, type DistributionJSON, type SampleOptions } from "./base.js";
import { Normal } from "./normal.js";
import { type GaussianForm } from "./gaussian-form.js";

/** Sums a batched result over its last `k` axes. */
export function sumTrailing(x: number | NDArray, k: number): number | NDArray {
  if (k === 0 || typeof x === "number") return x;
  const shape = x.shape.slice(0, x.shape.length - k);
  const inner = sizeOf(x.shape.slice(x.shape.length - k));
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < inner; j++) s += x.data[i * inner + j];
    out[i] = s;
  }
  return result(out, shape);
}

/**
 * Reinterprets the last `reinterpretedBatchNdims` batch axes of `base` as event axes (PyTorch's
 * and TFP's Independent): log densities, entropies and KLs are summed over them.
 * `Independent(Normal, 1)` is a diagonal Gaussian.
 *
 * @example
 * const p = new Independent(new Normal([0, 1], [1, 2]), 1); // eventShape [2]
 * kl(p, new Independent(new Normal([0, 0], [1, 1]), 1)); // a number
 */
export class Independent extends Distribution {
  readonly family = "Independent";
  readonly base: Distribution;
  readonly reinterpretedBatchNdims: number;
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  private _form: GaussianForm | undefined;

  /**
   * @param base the distribution whose batch axes are reinterpreted
   * @param reinterpretedBatchNdims how many trailing batch axes become event axes
   * @example new Independent(new Normal([0, 0], [1, 2]), 1).entropy(); // sum of the two entropies
   */
  constructor(base: Distribution, reinterpretedBatchNdims: number) {
    super();
    const k = reinterpretedBatchNdims;
    if (!Number.isInteger(k) || k < 0)
      throw invalidParameter("reinterpretedBatchNdims", "a non-negative integer", k);
    if (k > base.batchShape.length) {
      throw invalidShape(
        "reinterpretedBatchNdims",
        `${k} exceeds the base batch rank ${base.batchShape.length} (batch shape [${base.batchShape.join(", ")}])`,
        k,
      );
    }
    this.base = base;
    this.reinterpretedBatchNdims = k;
    const cut = base.batchShape.length - k;
    this.batchShape = base.batchShape.slice(0, cut);
    this.eventShape = [...base.batchShape.slice(cut), ...base.eventShape];
  }

  static fromJSON(o: Record<string, unknown>, parse: (x: unknown) => Distribution): Independent {
    return new Independent(parse(o.base), Number(o.reinterpretedBatchNdims));
  }

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      base: this.base.toJSON(),
      reinterpretedBatchNdims: this.reinterpretedBatchNdims,
    };
  }

  /** Gaussian form when this is Independent(Normal, 1): a diagonal Gaussian. Undefined otherwise. */
  toGaussianForm(): GaussianForm | undefined {
    if (!(this.base instanceof Normal) || this.reinterpretedBatchNdims !== 1) return undefined;
    this._form ??= this.base.toGaussianForm();
    // the Normal form has d = 1 per element; regroup: event = last batch axis
    const f = this._form;
    const shape = this.base.batchShape;
    const d = shape[shape.length - 1];
    return {
      ...f,
      d,
      batchShape: shape.slice(0, -1),
      locBatch: shape.slice(0, -1),
      covBatch: shape.slice(0, -1),
      logDet: sumLast(f.logDet, d),
    };
  }

  mean(): number | NDArray {
    return this.base.mean();
  }

  logProb(x: ArrayInput): number | NDArray {
    return sumTrailing(this.base.logProb(asArray(x, "x")), this.reinterpretedBatchNdims);
  }

  entropy(): number | NDArray {
    return sumTrailing(this.base.entropy(), this.reinterpretedBatchNdims);
  }

  sample(n: number, options?: SampleOptions): NDArray {
    return this.base.sample(n, options);
  }
}

function sumLast(a: Float64Array, d: number): Float64Array {
  const n = a.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += a[i * d + j];
    out[i] = s;
  }
  return out;
}
