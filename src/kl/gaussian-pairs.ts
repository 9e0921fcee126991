/** KL pair functions for the Gaussian families: each converts both sides to the factorised form. */
import { notImplemented, invalidShape } from "../core/errors.js";
import type { NDArray } from "../core/array.js";
import type { Distribution } from "../distributions/base.js";
import { Independent } from "../distributions/independent.js";
import type { GaussianForm } from "../distributions/gaussian-form.js";
import { klGaussianForms } from "./gaussian.js";

interface HasForm {
  toGaussianForm(): GaussianForm | undefined;
}

/** The Gaussian form of a Gaussian-family distribution, or a NotImplemented error naming it. */
export function gaussianFormOf(x: Distribution & HasForm, side: string): GaussianForm {
  const f = x.toGaussianForm();
  if (!f) {
    const what =
      x instanceof Independent ? `Independent(${x.base.family}, ${x.reinterpretedBatchNdims})` : x.family;
    throw notImplemented(
      `${side} = ${what} is not a Gaussian on R^d: only Independent(Normal, 1) converts to a diagonal Gaussian`,
    );
  }
  return f;
}

/** KL(p ‖ q) for any two Gaussian-family distributions with the same event dimension. */
export function klGaussian(p: Distribution & HasForm, q: Distribution & HasForm): number | NDArray {
  if (p.eventShape.length !== q.eventShape.length) {
    throw invalidShape(
      "q",
      `event shape [${q.eventShape.join(", ")}] does not match p's [${p.eventShape.join(", ")}]`,
    );
  }
  return klGaussianForms(gaussianFormOf(p, "p"), gaussianFormOf(q, "q"));
}
