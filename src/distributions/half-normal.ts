/** The half-normal distribution: |Y| with Y ~ N(0, scale²). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const SCALE = [positiveParam("scale")];

const HALF_LOG_2_OVER_PI = 0.5 * Math.log(2 / Math.PI);

/**
 * HalfNormal(σ): density √(2/π)/σ · exp(−x²/(2σ²)) on x ≥ 0. Mean σ √(2/π), variance
 * σ² (1 − 2/π), entropy ½ log(π e σ² / 2). Sampling: |σ z|, z ~ N(0, 1).
 * @example new HalfNormal(1).mean(); // 0.7978845608028654
 */
export class HalfNormal extends ScalarFamily {
  readonly family = "HalfNormal";
  /** Scale σ > 0 of the underlying normal, flat over the batch. */
  readonly scale: Float64Array;

  /** `scale` must be positive and finite; it may be batched. */
  constructor(scale: ArrayInput, options?: DistributionOptions) {
    super([scale], SCALE, options);
    [this.scale] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): HalfNormal {
    return new HalfNormal(o.scale as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.scale[i] * Math.sqrt(2 / Math.PI));
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.scale[i] * this.scale[i] * (1 - 2 / Math.PI));
  }

  /** ½ log(2/π) − log σ − x²/(2σ²) for x ≥ 0, −Infinity for x < 0. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (v < 0) return -Infinity;
      const z = v / this.scale[i];
      return HALF_LOG_2_OVER_PI - Math.log(this.scale[i]) - 0.5 * z * z;
    });
  }

  /** ½ log(π/2) + ½ + log σ. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 0.5 * Math.log(Math.PI / 2) + 0.5 + Math.log(this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.scale.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = Math.abs(this.scale[i] * rng.normal());
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
