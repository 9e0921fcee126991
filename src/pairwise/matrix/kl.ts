import { NDArray } from "../../core/array.js";
import { notImplemented } from "../../core/errors.js";
import type { Distribution } from "../../distributions/base.js";
import { kl, klTable, lookupKl, type KlFunction } from "../../kl/registry.js";
import { type CategoricalKlData } from "../categorical-kernel.js";
import { type DiagKlData } from "../diag-kernel.js";
import { categoricalData, categoricalKlData, categoricalKlPlan } from "./categorical.js";
import { diagKlData, gaussianFormIfAny, gaussianKlPlan } from "./gaussian.js";
import { genericPlan } from "./members.js";
import { Plan, batchLength, blockStream, runFull } from "./plan.js";
import { PairwiseBlockOptions, PairwiseBlocks, PairwiseOptions } from "./types.js";

// ---------------------------------------------------------------------------------------------
// KL dispatch
// ---------------------------------------------------------------------------------------------

/**
 * The KL functions in the registry when this module loads, i.e. the library's own closed forms.
 * A row a user later replaces with registerKl is not in the set, and its pairs go through the
 * generic per-pair path with the user's function.
 */
export const builtinKl: ReadonlySet<KlFunction<Distribution, Distribution>> = new Set(
  klTable().map((r) => r.fn),
);
export const isBuiltin = (fn: KlFunction<Distribution, Distribution>): boolean => builtinKl.has(fn);

export function klPlan(P: Distribution, Q: Distribution, tile?: number): Plan {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const fn = lookupKl(P, Q);
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq && P.family === Q.family && (!fn || isBuiltin(fn)))
    return categoricalKlPlan(cp, cq, n, m, tile);
  return klPlanOther(P, Q, n, m, fn, tile);
}

/**
 * The prepared Categorical kernel when `pairwiseKl(P, Q)` takes the Categorical product path
 * (the threaded form hands it to worker threads), undefined for every other pair. @internal
 */
export function categoricalKlJob(
  P: Distribution,
  Q: Distribution,
  tile?: number,
): CategoricalKlData | undefined {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  const fn = lookupKl(P, Q);
  const cp = categoricalData(P);
  const cq = categoricalData(Q);
  if (cp && cq && P.family === Q.family && (!fn || isBuiltin(fn)))
    return categoricalKlData(cp, cq, n, m, tile);
  return undefined;
}

/**
 * The prepared diagonal-Σq Gaussian kernel when `pairwiseKl(P, Q)` takes that product path
 * (e.g. MultivariateNormalDiag against MultivariateNormalDiag), undefined otherwise. @internal
 */
export function diagKlJob(P: Distribution, Q: Distribution, tile?: number): DiagKlData | undefined {
  const n = batchLength(P, "p");
  const m = batchLength(Q, "q");
  if (categoricalKlJob(P, Q, tile)) return undefined;
  const fn = lookupKl(P, Q);
  if (!fn || !isBuiltin(fn)) return undefined;
  const fp = gaussianFormIfAny(P);
  const fq = gaussianFormIfAny(Q);
  if (!fp || !fq || fq.cov.kind !== "diag" || fp.d !== fq.d) return undefined;
  return diagKlData(fp, fq, n, m, tile);
}

export function klPlanOther(
  P: Distribution,
  Q: Distribution,
  n: number,
  m: number,
  fn: KlFunction<Distribution, Distribution> | undefined,
  tile?: number,
): Plan {
  if (!fn) {
    throw notImplemented(
      `no closed-form KL is registered for (${P.family} ‖ ${Q.family}); ` +
        `use pairwise(P, Q, fn) with an estimator, or register one with registerKl`,
    );
  }
  if (isBuiltin(fn)) {
    const fp = gaussianFormIfAny(P);
    const fq = gaussianFormIfAny(Q);
    if (fp && fq) return gaussianKlPlan(fp, fq, n, m, tile);
  }
  return genericPlan(P, Q, (p, q) => kl(p, q), tile);
}

/**
 * The N × M matrix of KL(P_i ‖ Q_j) in nats, for P with batch shape [N] and Q with batch shape
 * [M] (a scalar batch counts as one member). Direction: row i is P_i, column j is Q_j, and the
 * entry is KL(P_i ‖ Q_j) = ∫ P_i log(P_i / Q_j).
 *
 * - Categorical (and OneHotCategorical): KL = Σ_k p_k log p_k − Σ_k p_k log q_k with the
 *   cross term as the product P·(log Q)ᵀ. A category with p_k = 0 contributes 0; q_k = 0 where
 *   p_k > 0 gives exactly +Infinity (detected by a separate exact count, never 0·(−∞) = NaN).
 * - Gaussian families (Normal, MultivariateNormal, MultivariateNormalDiag,
 *   LowRankMultivariateNormal, Independent(Normal, 1), in the mixes `kl` supports): trace and
 *   Mahalanobis terms as one matrix product (see the module comment), O(N·M·d²) instead of the
 *   O(N·M·d³) of a per-pair loop.
 * - Any other pair with a registered closed form: the per-pair loop of {@link pairwise}.
 *
 * Accuracy: entries match `kl(P_i, Q_j)` to ~1e-10 relative; entries where the product form
 * cancels (divergence < {@link cancellationThreshold}(K) × the magnitude of its terms, e.g.
 * P_i ≈ Q_j) are recomputed exactly per pair. Never negative. Memory: tiles of `options.tile`;
 * see {@link pairwiseKlBlocks} to stream rows instead of holding the N × M result.
 *
 * Errors: `InvalidShape` for batch shapes that are not [N] / [M], or different event
 * dimensions / category counts; `NotImplemented` for a pair with no closed form.
 *
 * @example pairwiseKl(new Categorical({ probs: [[0.5, 0.5], [0.9, 0.1]] }), new Categorical({ probs: [[0.5, 0.5]] })); // [[0], [0.368…]]
 */
export function pairwiseKl(P: Distribution, Q: Distribution, options: PairwiseOptions = {}): NDArray {
  return runFull(klPlan(P, Q, options.tile), options.onRows);
}

/**
 * {@link pairwiseKl} as a stream of row blocks `{ rowStart, rows }` (rows: [r, M]), each computed
 * when requested: iterate with `for (const b of pairwiseKlBlocks(P, Q))`, or with `for await` to
 * yield to the event loop between blocks. Memory is one block plus the per-column precomputation;
 * the concatenated blocks equal `pairwiseKl(P, Q)` bit for bit. With `reuseBuffer: true` every
 * block is written into the same array (each block valid until the next one is requested).
 *
 * @example for (const { rowStart, rows } of pairwiseKlBlocks(P, Q, { rowsPerBlock: 1000 })) save(rowStart, rows);
 */
export function pairwiseKlBlocks(
  P: Distribution,
  Q: Distribution,
  options: PairwiseBlockOptions = {},
): PairwiseBlocks {
  return blockStream(klPlan(P, Q, options.tile), options.rowsPerBlock, options.reuseBuffer);
}
