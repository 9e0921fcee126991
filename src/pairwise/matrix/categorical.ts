import { invalidShape } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { Categorical } from "../../distributions/categorical.js";
import { OneHotCategorical } from "../../distributions/one-hot-categorical.js";
import {
  categoricalKlRows,
  categoricalKlScratch,
  prepareCategoricalKl,
  type CategoricalKlData,
} from "../categorical-kernel.js";
import { Plan, cancellationThreshold, checkTile } from "./plan.js";

// ---------------------------------------------------------------------------------------------
// Categorical
// ---------------------------------------------------------------------------------------------

export interface CategoricalData {
  probs: Float64Array;
  logProbs: Float64Array;
  k: number;
}

export function categoricalData(x: Distribution): CategoricalData | undefined {
  if (x instanceof Categorical) return { probs: x.probs, logProbs: x.logProbs, k: x.numCategories };
  if (x instanceof OneHotCategorical) {
    const c = x.categorical;
    return { probs: c.probs, logProbs: c.logProbs, k: c.numCategories };
  }
  return undefined;
}

export function checkCategories(a: CategoricalData, b: CategoricalData): void {
  if (a.k !== b.k) {
    throw invalidShape("q", `has ${b.k} categories but p has ${a.k} (last axes differ)`, [a.k, b.k]);
  }
}

/** The prepared Categorical KL kernel for (P, Q) (shared with the worker threads). */
export function categoricalKlData(
  p: CategoricalData,
  q: CategoricalData,
  n: number,
  m: number,
  tile?: number,
): CategoricalKlData {
  checkCategories(p, q);
  const K = p.k;
  const t = checkTile(tile, K);
  return prepareCategoricalKl(p.probs, p.logProbs, q.probs, q.logProbs, n, m, K, t, cancellationThreshold(K));
}

export function categoricalKlPlan(
  p: CategoricalData,
  q: CategoricalData,
  n: number,
  m: number,
  tile?: number,
): Plan {
  const c = categoricalKlData(p, q, n, m, tile);
  const scratch = categoricalKlScratch(c);
  return {
    n,
    m,
    tile: c.tile,
    fill(i0, i1, out, off) {
      categoricalKlRows(c, scratch, i0, i1, out, off);
    },
  };
}
