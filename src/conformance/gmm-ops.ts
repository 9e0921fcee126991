/**
 * Case-line operations on Gaussian mixtures for `kullback eval` (FORMAT.md):
 *
 * - `gmmKl` — fields `p`, `q` (GaussianMixture, or a Gaussian as a mixture of one), `method`
 *   (see {@link gmmKl}; default `variational`), optional `samples` and `seed` for `monteCarlo`.
 *   The result is the method's value. For `monteCarlo` the default is 10^7 draws (the protocol of
 *   the reference vectors, whose tolerance is 5 standard errors of a 10^7-draw estimate) with
 *   seed 0; pass `samples` for a quicker, noisier estimate.
 *
 * @example
 * gmmOps.gmmKl({ p: {...}, q: {...}, method: "goldberger" }); // a number
 */
import type { NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { fromJSON } from "../distributions/json.js";
import { gmmKl, type GmmKlMethod } from "../estimators/gmm-kl.js";

/** Draws used by the `gmmKl` op's `monteCarlo` method when the case line gives no `samples`. */
export const GMM_OP_MONTE_CARLO_SAMPLES = 10_000_000;

function optionalNumber(c: Record<string, unknown>, name: string): number | undefined {
  const v = c[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number") throw invalidParameter(name, "a number", v);
  return v;
}

/** The op table spread into `kullback eval`: `gmmKl` → the chosen method's value. */
export const gmmOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  gmmKl: (c) => {
    const method = (c.method ?? "variational") as GmmKlMethod;
    if (typeof method !== "string") throw invalidParameter("method", "a string", method);
    return gmmKl(fromJSON(c.p), fromJSON(c.q), {
      method,
      samples:
        optionalNumber(c, "samples") ?? (method === "monteCarlo" ? GMM_OP_MONTE_CARLO_SAMPLES : undefined),
      seed: optionalNumber(c, "seed") ?? 0,
    }).value;
  },
};
