/** The chi-squared distribution χ²(df) = Gamma(df/2, 1/2). */
import { asArray, type ArrayInput } from "../core/array.js";
import {
  check,
  paramJSON,
  positive,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
} from "./base.js";
import { Gamma } from "./gamma.js";

/**
 * χ²(k) with k > 0 degrees of freedom: Gamma(concentration k/2, rate 1/2), as in PyTorch (a
 * subclass of Gamma, so every KL row registered for Gamma applies to Chi2 on either side).
 * Mean k, variance 2k.
 * @example new Chi2(4).variance(); // 8
 */
export class Chi2 extends Gamma {
  override readonly family: string = "Chi2";
  /** Degrees of freedom k > 0, flat over the batch. */
  readonly df: Float64Array;

  /** `df` must be positive and finite; it may be batched. */
  constructor(df: ArrayInput, options?: DistributionOptions) {
    const a = asArray(df, "df");
    if (shouldValidate(options)) check(a.data, a.shape, "df", "positive and finite", positive);
    super({ data: a.data.map((k) => k / 2), shape: a.shape }, 0.5, { validate: false });
    this.df = a.data;
  }

  static override fromJSON(o: Record<string, unknown>): Chi2 {
    return new Chi2(o.df as ArrayInput);
  }

  override toJSON(): DistributionJSON {
    return { family: this.family, df: paramJSON(this.df, this.batchShape) };
  }
}
