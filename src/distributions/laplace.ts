/** The Laplace (double exponential) distribution. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import {
  Distribution,
  check,
  checkSampleCount,
  finite,
  mapBatch,
  mapScalarEvent,
  paramJSON,
  positive,
  readScalarParams,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { standardExponential } from "./exponential.js";

/**
 * Laplace(μ, b): density exp(−|x − μ|/b) / (2b) on ℝ. Mean μ, variance 2b², entropy
 * 1 + log(2b). Sampling: μ + b (E₁ − E₂), the difference of two independent standard
 * exponentials (each by inverse CDF) being standard Laplace.
 * @example new Laplace(0, 1).entropy(); // 1 + log 2 = 1.6931471805599454
 */
export class Laplace extends Distribution {
  readonly family = "Laplace";
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Location μ, flat over the batch. */
  readonly loc: Float64Array;
  /** Scale b > 0, flat over the batch. */
  readonly scale: Float64Array;

  /** `loc` finite, `scale` positive and finite; they broadcast to a batch. */
  constructor(loc: ArrayInput, scale: ArrayInput, options?: DistributionOptions) {
    super();
    const { batchShape, values } = readScalarParams([loc, scale], ["loc", "scale"]);
    if (shouldValidate(options)) {
      check(values[0], batchShape, "loc", "finite", finite);
      check(values[1], batchShape, "scale", "positive and finite", positive);
    }
    this.batchShape = batchShape;
    this.loc = values[0];
    this.scale = values[1];
  }

  static fromJSON(o: Record<string, unknown>): Laplace {
    return new Laplace(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      loc: paramJSON(this.loc, this.batchShape),
      scale: paramJSON(this.scale, this.batchShape),
    };
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.loc[i]);
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 2 * this.scale[i] * this.scale[i]);
  }

  /** −log(2b) − |x − μ|/b. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(
      x,
      this.batchShape,
      (v, i) => -Math.log(2 * this.scale[i]) - Math.abs(v - this.loc[i]) / this.scale[i],
    );
  }

  /** 1 + log(2b). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 1 + Math.log(2 * this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++)
        out[s * nb + i] = this.loc[i] + this.scale[i] * (standardExponential(rng) - standardExponential(rng));
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
