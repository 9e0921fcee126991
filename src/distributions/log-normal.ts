/** The log-normal distribution: exp of N(loc, scale²). */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { checkSampleCount, mapBatch, mapScalarEvent, type SampleOptions } from "./base.js";
import { LocationScale } from "./location-scale.js";
import { LOG_2PI } from "./gaussian-form.js";

/**
 * LogNormal(μ, σ): X = e^Y with Y ~ N(μ, σ²) (`loc`, `scale` of the underlying normal).
 * Density exp(−(log x − μ)²/(2σ²)) / (x σ √(2π)) on x > 0. Mean e^{μ + σ²/2}, variance
 * (e^{σ²} − 1) e^{2μ + σ²}, entropy μ + ½ log(2πe σ²). Sampling: exp(μ + σ z), z ~ N(0, 1).
 * @example new LogNormal(0, 1).mean(); // e^{1/2} = 1.6487212707001282
 */
export class LogNormal extends LocationScale {
  readonly family = "LogNormal";

  static fromJSON(o: Record<string, unknown>): LogNormal {
    return new LogNormal(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => Math.exp(this.loc[i] + 0.5 * this.scale[i] * this.scale[i]));
  }

  /** expm1(σ²) · e^{2μ + σ²}. */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const s2 = this.scale[i] * this.scale[i];
      return Math.expm1(s2) * Math.exp(2 * this.loc[i] + s2);
    });
  }

  /** −log x − log σ − ½ log 2π − (log x − μ)²/(2σ²) for x > 0, −Infinity for x ≤ 0. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      if (Number.isNaN(v)) return NaN;
      if (v <= 0) return -Infinity;
      const lx = Math.log(v);
      const z = (lx - this.loc[i]) / this.scale[i];
      return -0.5 * z * z - lx - Math.log(this.scale[i]) - 0.5 * LOG_2PI;
    });
  }

  /** μ + ½ + ½ log 2π + log σ. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.loc[i] + 0.5 + 0.5 * LOG_2PI + Math.log(this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = Math.exp(this.loc[i] + this.scale[i] * rng.normal());
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
