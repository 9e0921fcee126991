import { NDArray } from "../../core/array.js";
import { invalidParameter, invalidShape, notImplemented } from "../../core/errors.js";
import type { Distribution, DistributionJSON } from "../../distributions/base.js";
import { fromJSON } from "../../distributions/json.js";
import { Plan, batchLength, checkTile, runFull } from "./plan.js";
import { PairFunction, PairwiseOptions } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Batch members
// ---------------------------------------------------------------------------------------------

/** Event rank of each parameter of the families whose parameters are not all scalars. */
export const PARAM_EVENT_RANK: Record<string, Record<string, number>> = {
  MultivariateNormal: { loc: 1, covariance: 2, scaleTril: 2, precision: 2 },
  MultivariateNormalDiag: { loc: 1, variance: 1, scale: 1, logVariance: 1 },
  LowRankMultivariateNormal: { loc: 1, covFactor: 2, covDiag: 1 },
  Categorical: { probs: 1, logits: 1 },
  OneHotCategorical: { probs: 1, logits: 1 },
  Dirichlet: { concentration: 1 },
  GaussianMixture: { weights: 1, loc: 2, covariance: 3, variance: 2 },
};

export function nestedRank(v: unknown): number {
  let r = 0;
  while (Array.isArray(v)) {
    r++;
    v = v[0];
  }
  return r;
}

/**
 * Slices the first batch axis of a distribution's JSON at index i. A parameter carries that axis
 * when its number of batch axes (its rank minus its event rank) equals the distribution's batch
 * rank; parameters with fewer batch axes broadcast and are kept whole.
 */
export function sliceJSON(o: DistributionJSON, batchRank: number, i: number): DistributionJSON {
  const out: DistributionJSON = { family: o.family };
  if (o.family === "Independent") {
    const k = Number(o.reinterpretedBatchNdims);
    out.base = sliceJSON(o.base as DistributionJSON, batchRank + k, i);
    out.reinterpretedBatchNdims = k;
    return out;
  }
  const ranks = PARAM_EVENT_RANK[o.family] ?? {};
  for (const [key, v] of Object.entries(o)) {
    if (key === "family") continue;
    if (!Array.isArray(v)) {
      out[key] = v;
      continue;
    }
    const r = nestedRank(v);
    const e = ranks[key] ?? Math.max(0, r - batchRank);
    out[key] = r - e === batchRank && batchRank > 0 ? (v.length === 1 ? v[0] : v[i]) : v;
  }
  return out;
}

export const jsonCache = new WeakMap<Distribution, DistributionJSON>();

/**
 * The i-th member of a batched distribution along its FIRST batch axis: a distribution of the
 * same family with batch shape `batchShape.slice(1)`, built from the same parameters (through
 * `toJSON`/`fromJSON`, so exactly the values given, in the same parametrisation).
 *
 * Parameters that broadcast (fewer batch axes than the distribution) are shared by every member.
 * Families outside the library are sliced by the rule "a parameter with at least as many axes as
 * the batch carries the batch in its leading axes"; a member that does not come out with the
 * expected batch and event shapes raises `NotImplemented`.
 *
 * @example batchMember(new Normal([0, 1, 2], 1), 2); // Normal(2, 1)
 */
export function batchMember(x: Distribution, i: number): Distribution {
  const shape = x.batchShape;
  if (shape.length === 0) throw invalidShape("x", "has no batch axis to take a member of", [...shape]);
  if (!Number.isInteger(i) || i < 0 || i >= shape[0]) {
    throw invalidParameter("i", `an integer in [0, ${shape[0] - 1}]`, i);
  }
  let json = jsonCache.get(x);
  if (!json) {
    json = x.toJSON();
    jsonCache.set(x, json);
  }
  const member = fromJSON(sliceJSON(json, shape.length, i));
  const want = shape.slice(1);
  const okBatch =
    member.batchShape.length === want.length && member.batchShape.every((s, k) => s === want[k]);
  const okEvent =
    member.eventShape.length === x.eventShape.length &&
    member.eventShape.every((s, k) => s === x.eventShape[k]);
  if (!okBatch || !okEvent) {
    throw notImplemented(
      `cannot take batch members of a ${x.family}: slicing its parameters gave batch ` +
        `[${member.batchShape.join(", ")}] and event [${member.eventShape.join(", ")}]`,
    );
  }
  return member;
}

/** Members 0 … N − 1 of a batch [N] (a scalar batch is its own single member). */
export function memberReader(x: Distribution): (i: number) => Distribution {
  if (x.batchShape.length === 0) return () => x;
  return (i) => batchMember(x, i);
}

export function asNumber(v: number | NDArray, what: string): number {
  if (typeof v === "number") return v;
  if (v.size === 1) return v.data[0];
  throw invalidShape(what, `the pair function must return one number; got shape [${v.shape.join(", ")}]`, [
    ...v.shape,
  ]);
}

export function genericPlan(
  P: Distribution,
  Q: Distribution,
  fn: PairFunction,
  tile: number | undefined,
): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const t = checkTile(tile, 64);
  const readP = memberReader(P);
  const readQ = memberReader(Q);
  const qMembers: Distribution[] = new Array(m);
  return {
    n,
    m,
    tile: t,
    fill(i0, i1, out, off) {
      for (let r0 = i0; r0 < i1; r0 += t) {
        const r1 = Math.min(i1, r0 + t);
        const rows: Distribution[] = [];
        for (let i = r0; i < r1; i++) rows.push(readP(i));
        for (let c0 = 0; c0 < m; c0 += t) {
          const c1 = Math.min(m, c0 + t);
          for (let j = c0; j < c1; j++) qMembers[j] ??= readQ(j);
          for (let i = r0; i < r1; i++) {
            const o = off + (i - i0) * m;
            for (let j = c0; j < c1; j++) out[o + j] = asNumber(fn(rows[i - r0], qMembers[j]), "fn");
          }
        }
      }
    },
  };
}

/**
 * The N × M matrix D[i, j] = fn(P_i, Q_j) for any pair function (KL, a distance, an estimator…)
 * between the members of batched distributions with batch shapes [N] and [M] (members as
 * {@link batchMember}). Tiled like {@link pairwiseKl}; `fn` must return one number per pair.
 * This is the generic fallback: O(N·M) calls of `fn`; the specialised pairwise functions are
 * much faster where they apply.
 *
 * @example pairwise(new Normal([0, 1], 1), new Normal([0, 2, 4], 2), (p, q) => kl(p, q)); // 2 × 3
 */
export function pairwise(
  P: Distribution,
  Q: Distribution,
  fn: PairFunction,
  options: PairwiseOptions = {},
): NDArray {
  return runFull(genericPlan(P, Q, fn, options.tile), options.onRows);
}
