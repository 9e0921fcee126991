/**
 * Shared parameter handling of the location–scale families (Normal, LogNormal, Laplace, Cauchy,
 * Gumbel): `loc` finite and `scale` positive and finite, broadcast to one batch, copied.
 */
import type { ArrayInput } from "../core/array.js";
import type { DistributionOptions } from "./base.js";
import { ScalarFamily, finiteParam, positiveParam } from "./scalar-family.js";

const LOC_SCALE = [finiteParam("loc"), positiveParam("scale")];

export abstract class LocationScale extends ScalarFamily {
  /** Location parameter, flat over the batch. */
  readonly loc: Float64Array;
  /** Scale parameter (> 0), flat over the batch. */
  readonly scale: Float64Array;

  /** `loc` finite, `scale` positive and finite; they broadcast to a batch. */
  constructor(loc: ArrayInput, scale: ArrayInput, options?: DistributionOptions) {
    super([loc, scale], LOC_SCALE, options);
    [this.loc, this.scale] = this.paramValues;
  }
}
