/**
 * Case handlers for the Gaussian distance ops of the reference-vector format (`bhattacharyya`,
 * `hellinger`, `renyi`, `wasserstein2`, `frechet`), used by `kullback eval` and the fixture
 * tests. Fields: `p`, `q` (distributions as JSON) and, for `renyi`, `alpha`.
 *
 * `bhattacharyya`, `hellinger` and `renyi` go through the family dispatcher of `dispatch.ts`
 * (the discrete op table uses the same names; whichever table is spread last, every family
 * pair is served). `wasserstein2` and `frechet` are Gaussian-only.
 */
import type { NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { fromJSON } from "../distributions/json.js";
import { bhattacharyya, hellinger, renyi } from "../divergences/dispatch.js";
import { frechet, wasserstein2 } from "../divergences/gaussian-distances.js";

const dist = (c: Record<string, unknown>, k: string): Distribution => fromJSON(c[k]);

function alphaField(c: Record<string, unknown>): number {
  const a = c.alpha;
  if (typeof a !== "number")
    throw invalidParameter("alpha", "a number (the order of the Rényi divergence)", a);
  return a;
}

export const gaussianDistanceOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  bhattacharyya: (c) => bhattacharyya(dist(c, "p"), dist(c, "q")),
  hellinger: (c) => hellinger(dist(c, "p"), dist(c, "q")),
  renyi: (c) => renyi(dist(c, "p"), dist(c, "q"), alphaField(c)),
  wasserstein2: (c) => wasserstein2(dist(c, "p"), dist(c, "q")),
  frechet: (c) => frechet(dist(c, "p"), dist(c, "q")),
};
