/**
 * Case handlers for the distance ops of the reference-vector format (`js`, `bhattacharyya`,
 * `hellinger`, `renyi`, and `totalVariation`), used by `kullback eval` and the fixture tests.
 * Every handler goes through the family dispatcher of `dispatch.ts`, so the same op serves
 * discrete pairs (exact sums), Gaussian pairs (closed forms) and registered implementations.
 * Fields: `p`, `q` (distributions as JSON) and, for `renyi`, `alpha`.
 */
import type { NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { fromJSON } from "../distributions/json.js";
import { bhattacharyya, hellinger, js, renyi, totalVariation } from "../divergences/dispatch.js";

const dist = (c: Record<string, unknown>, k: string): Distribution => fromJSON(c[k]);

function alphaField(c: Record<string, unknown>): number {
  const a = c.alpha;
  if (typeof a !== "number")
    throw invalidParameter("alpha", "a number (the order of the Rényi divergence)", a);
  return a;
}

/** Op name → handler for `kullback eval` (spread into the op table of `io/eval.ts`). */
export const discreteOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  js: (c) => js(dist(c, "p"), dist(c, "q")),
  bhattacharyya: (c) => bhattacharyya(dist(c, "p"), dist(c, "q")),
  hellinger: (c) => hellinger(dist(c, "p"), dist(c, "q")),
  renyi: (c) => renyi(dist(c, "p"), dist(c, "q"), alphaField(c)),
  totalVariation: (c) => totalVariation(dist(c, "p"), dist(c, "q")),
};
