/**
 * Shared parameter handling of the location–scale families (Normal, LogNormal, Laplace, Cauchy,
 * Gumbel): `loc` finite and `scale` positive and finite, broadcast to one batch, copied.
 */
import type { ArrayInput } from "../core/array.js";
import {
  Distribution,
  check,
  finite,
  paramJSON,
  positive,
  readScalarParams,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
} from "./base.js";

export abstract class LocationScale extends Distribution {
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** Location parameter, flat over the batch. */
  readonly loc: Float64Array;
  /** Scale parameter (> 0), flat over the batch. */
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

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      loc: paramJSON(this.loc, this.batchShape),
      scale: paramJSON(this.scale, this.batchShape),
    };
  }
}
