/** The beta distribution on [0, 1]. */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { digamma, lbeta, log1pexp } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { logStandardGamma } from "./gamma.js";
import { ScalarFamily, positiveParam } from "./scalar-family.js";

const CONCENTRATIONS = [positiveParam("concentration1"), positiveParam("concentration0")];

/**
 * Beta(α, β) with `concentration1` α > 0 and `concentration0` β > 0 (PyTorch's names): density
 * x^{α−1} (1 − x)^{β−1} / B(α, β) on [0, 1]. Mean α/(α + β), variance
 * αβ / ((α + β)² (α + β + 1)), entropy log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β).
 * Sampling: X/(X + Y) with X ~ Gamma(α), Y ~ Gamma(β) (Marsaglia–Tsang), formed in log space as
 * 1/(1 + e^{log Y − log X}) so tiny concentrations do not give 0/0.
 * @example new Beta(2, 2).variance(); // 0.05
 */
export class Beta extends ScalarFamily {
  readonly family = "Beta";
  /** α > 0 (the exponent of x), flat over the batch. */
  readonly concentration1: Float64Array;
  /** β > 0 (the exponent of 1 − x), flat over the batch. */
  readonly concentration0: Float64Array;

  /** Both concentrations positive and finite; they broadcast to a batch. */
  constructor(concentration1: ArrayInput, concentration0: ArrayInput, options?: DistributionOptions) {
    super([concentration1, concentration0], CONCENTRATIONS, options);
    [this.concentration1, this.concentration0] = this.paramValues;
  }

  static fromJSON(o: Record<string, unknown>): Beta {
    return new Beta(o.concentration1 as ArrayInput, o.concentration0 as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(
      this.batchShape,
      (i) => this.concentration1[i] / (this.concentration1[i] + this.concentration0[i]),
    );
  }

  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.concentration1[i];
      const b = this.concentration0[i];
      const s = a + b;
      return ((a / s) * (b / s)) / (s + 1);
    });
  }

  /** (α − 1) log x + (β − 1) log(1 − x) − log B(α, β) on [0, 1] (limits at the ends), −Infinity outside. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v < 0 || v > 1) return -Infinity;
      const a = this.concentration1[i];
      const b = this.concentration0[i];
      const t1 = a === 1 ? 0 : (a - 1) * Math.log(v);
      const t0 = b === 1 ? 0 : (b - 1) * Math.log1p(-v);
      return t1 + t0 - lbeta(a, b);
    });
  }

  /** log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.concentration1[i];
      const b = this.concentration0[i];
      return lbeta(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) + (a + b - 2) * digamma(a + b);
    });
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.concentration1.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++) {
        const lx = logStandardGamma(rng, this.concentration1[i]);
        const ly = logStandardGamma(rng, this.concentration0[i]);
        out[s * nb + i] = Math.exp(-log1pexp(ly - lx));
      }
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
