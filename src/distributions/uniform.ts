/** The continuous uniform distribution on [low, high]. */
import { NDArray, unravel, type ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { Random } from "../core/random.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  shouldValidate,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { ScalarFamily, finiteParam } from "./scalar-family.js";

const LOW_HIGH = [finiteParam("low"), finiteParam("high")];

/**
 * Uniform(a, b) with a < b: density 1/(b − a) on [a, b]. Mean (a + b)/2, variance (b − a)²/12,
 * entropy log(b − a). Sampling: a + (b − a) U, U uniform on [0, 1).
 * `low ≥ high` is an InvalidParameter (named `high`).
 * @example new Uniform(0, 2).entropy(); // log 2
 */
export class Uniform extends ScalarFamily {
  readonly family = "Uniform";
  /** Lower end a, flat over the batch. */
  readonly low: Float64Array;
  /** Upper end b > a, flat over the batch. */
  readonly high: Float64Array;

  /** `low` and `high` finite with low < high; they broadcast to a batch. */
  constructor(low: ArrayInput, high: ArrayInput, options?: DistributionOptions) {
    super([low, high], LOW_HIGH, options);
    [this.low, this.high] = this.paramValues;
    if (shouldValidate(options)) {
      for (let i = 0; i < this.low.length; i++) {
        if (!(this.low[i] < this.high[i])) {
          throw invalidParameter(
            "high",
            `greater than low (${this.low[i]})`,
            this.high[i],
            unravel(i, this.batchShape),
          );
        }
      }
    }
  }

  static fromJSON(o: Record<string, unknown>): Uniform {
    return new Uniform(o.low as ArrayInput, o.high as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 0.5 * this.low[i] + 0.5 * this.high[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const w = this.high[i] - this.low[i];
      return (w * w) / 12;
    });
  }

  /** −log(b − a) on [a, b], −Infinity outside. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      return v >= this.low[i] && v <= this.high[i] ? -Math.log(this.high[i] - this.low[i]) : -Infinity;
    });
  }

  /** log(b − a). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.log(this.high[i] - this.low[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.low.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.low[i] + (this.high[i] - this.low[i]) * rng.uniform();
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
