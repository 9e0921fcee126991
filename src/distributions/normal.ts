/** The univariate normal distribution N(loc, scale²). */
import { NDArray, result, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import { checkSampleCount, mapBatch, mapScalarEvent, type SampleOptions } from "./base.js";
import { LocationScale } from "./location-scale.js";
import { diagForm, LOG_2PI, type GaussianForm } from "./gaussian-form.js";

/**
 * The univariate normal N(loc, scale²): density exp(−(x − loc)²/(2 scale²)) / (scale √(2π)).
 * `loc` finite, `scale` positive and finite (`InvalidParameter` otherwise); parameters broadcast.
 * KL(N(μ₁, σ₁) ‖ N(μ₂, σ₂)) = ½ φ(2 log(σ₁/σ₂)) + ½ ((μ₁ − μ₂)/σ₂)², φ(t) = eᵗ − 1 − t.
 *
 * @example
 * kl(new Normal(0, 1), new Normal(1, 2)); // 0.4431471805599453
 * new Normal([0, 1], 2).batchShape; // [2]
 */
export class Normal extends LocationScale {
  readonly family = "Normal";
  private _form: GaussianForm | undefined;

  static fromJSON(o: Record<string, unknown>): Normal {
    return new Normal(o.loc as ArrayInput, o.scale as ArrayInput);
  }

  /** The diagonal Gaussian form with d = 1 (log-variance 2 log scale). */
  toGaussianForm(): GaussianForm {
    if (!this._form) {
      const lv = this.scale.map((s) => 2 * Math.log(s));
      const shape = [...this.batchShape, 1];
      this._form = diagForm(
        new NDArray(this.loc, shape),
        new NDArray(lv, shape),
        { loc: "loc", scale: "scale" },
        false,
      );
    }
    return this._form;
  }

  mean(): number | NDArray {
    return result(this.loc.slice(), this.batchShape);
  }

  variance(): number | NDArray {
    return result(
      this.scale.map((s) => s * s),
      this.batchShape,
    );
  }

  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) => {
      const z = (v - this.loc[i]) / this.scale[i];
      return -0.5 * z * z - Math.log(this.scale[i]) - 0.5 * LOG_2PI;
    });
  }

  /** ½ log(2πe σ²). */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => 0.5 + 0.5 * LOG_2PI + Math.log(this.scale[i]));
  }

  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.loc.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = this.loc[i] + this.scale[i] * rng.normal();
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
