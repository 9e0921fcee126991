import { invalidShape } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { type GaussianForm } from "../../distributions/gaussian-form.js";
import { gaussianFormOf } from "../../kl/gaussian-pairs.js";

/** A distribution that may convert to the canonical Gaussian form. */

export interface GaussianConvertible {
  toGaussianForm(): GaussianForm | undefined;
}

/** True when `x` is one of the Gaussian families (including Independent(Normal, 1)). */
export function isGaussian(x: Distribution): x is Distribution & GaussianConvertible {
  const f = (x as Partial<GaussianConvertible>).toGaussianForm;
  return typeof f === "function" && f.call(x) !== undefined;
}

export function formsOf(p: Distribution, q: Distribution): [GaussianForm, GaussianForm] {
  if (p.eventShape.length !== q.eventShape.length) {
    throw invalidShape(
      "q",
      `event shape [${q.eventShape.join(", ")}] does not match p's [${p.eventShape.join(", ")}]`,
    );
  }
  const fp = gaussianFormOf(p as Distribution & GaussianConvertible, "p");
  const fq = gaussianFormOf(q as Distribution & GaussianConvertible, "q");
  if (fp.d !== fq.d)
    throw invalidShape("q", `event dimension ${fq.d} does not match p's event dimension ${fp.d}`, [
      fp.d,
      fq.d,
    ]);
  return [fp, fq];
}
