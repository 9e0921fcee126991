/**
 * THE KL REGISTRY: one table of closed forms KL(p ‖ q), one row per ordered pair of families.
 *
 * Dispatch: an exact match of both constructors wins; otherwise the first row whose classes
 * `p` and `q` are instances of. An unregistered pair throws `NotImplemented` naming both families
 * and what to do instead. Users add or replace rows with {@link registerKl}.
 */
import type { NDArray } from "../core/array.js";
import { notImplemented } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { Normal } from "../distributions/normal.js";
import { MultivariateNormal } from "../distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../distributions/multivariate-normal-diag.js";
import { LowRankMultivariateNormal } from "../distributions/low-rank-multivariate-normal.js";
import { Independent, sumTrailing } from "../distributions/independent.js";
import { klGaussian } from "./gaussian-pairs.js";
import { invalidShape } from "../core/errors.js";

/** A distribution class (any constructor visibility): what `instanceof` needs. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type FamilyClass<T extends Distribution> = Function & { prototype: T };
export type KlFunction<P extends Distribution, Q extends Distribution> = (p: P, q: Q) => number | NDArray;

export interface KlRow {
  readonly p: FamilyClass<Distribution>;
  readonly q: FamilyClass<Distribution>;
  readonly fn: KlFunction<Distribution, Distribution>;
}

/** A typed row: `fn` must accept exactly the two classes named. */
function pair<P extends Distribution, Q extends Distribution>(
  p: FamilyClass<P>,
  q: FamilyClass<Q>,
  fn: KlFunction<P, Q>,
): KlRow {
  return { p, q, fn: fn as KlFunction<Distribution, Distribution> };
}

/** KL(Independent ‖ Independent): the base KL summed over the reinterpreted axes. */
function klIndependent(p: Independent, q: Independent): number | NDArray {
  const g = klGaussianIfVector(p, q);
  if (g !== undefined) return g;
  if (p.eventShape.length !== q.eventShape.length || p.eventShape.some((s, i) => s !== q.eventShape[i])) {
    throw invalidShape(
      "q",
      `event shape [${q.eventShape.join(", ")}] differs from p's [${p.eventShape.join(", ")}]`,
    );
  }
  if (p.reinterpretedBatchNdims !== q.reinterpretedBatchNdims) {
    throw notImplemented(
      "KL(Independent ‖ Independent) needs the same reinterpretedBatchNdims on both sides",
    );
  }
  return sumTrailing(kl(p.base, q.base), p.reinterpretedBatchNdims);
}

function klGaussianIfVector(p: Independent, q: Independent): number | NDArray | undefined {
  if (p.toGaussianForm() && q.toGaussianForm()) return klGaussian(p, q);
  return undefined;
}

const table: KlRow[] = [
  // ── Gaussian families (any mix; through the common factorised form) ─────────────────────
  pair(Normal, Normal, klGaussian),
  pair(MultivariateNormal, MultivariateNormal, klGaussian),
  pair(MultivariateNormal, MultivariateNormalDiag, klGaussian),
  pair(MultivariateNormal, LowRankMultivariateNormal, klGaussian),
  pair(MultivariateNormal, Independent, klGaussian),
  pair(MultivariateNormalDiag, MultivariateNormal, klGaussian),
  pair(MultivariateNormalDiag, MultivariateNormalDiag, klGaussian),
  pair(MultivariateNormalDiag, LowRankMultivariateNormal, klGaussian),
  pair(MultivariateNormalDiag, Independent, klGaussian),
  pair(LowRankMultivariateNormal, MultivariateNormal, klGaussian),
  pair(LowRankMultivariateNormal, MultivariateNormalDiag, klGaussian),
  pair(LowRankMultivariateNormal, LowRankMultivariateNormal, klGaussian),
  pair(LowRankMultivariateNormal, Independent, klGaussian),
  pair(Independent, MultivariateNormal, klGaussian),
  pair(Independent, MultivariateNormalDiag, klGaussian),
  pair(Independent, LowRankMultivariateNormal, klGaussian),
  // ── Independent: sum of the base KL over the reinterpreted axes ──────────────────────────
  pair(Independent, Independent, klIndependent),
  // ── Univariate continuous families, same family and cross-family (continuous-pairs.ts) ──
  // ── Discrete families (discrete-pairs.ts) ──
  // ── Support mismatch: the answer is +Infinity (infinite-pairs.ts) ──
];

const exact = new Map<
  FamilyClass<Distribution>,
  Map<FamilyClass<Distribution>, KlFunction<Distribution, Distribution>>
>();
function index(row: KlRow): void {
  let m = exact.get(row.p);
  if (!m) exact.set(row.p, (m = new Map()));
  m.set(row.q, row.fn);
}
table.forEach(index);

/** The registered rows (read-only view), e.g. to list supported pairs. */
export function klTable(): readonly KlRow[] {
  return table;
}

/**
 * Registers (or replaces) the closed form KL(p ‖ q) for instances of `P` and `Q`.
 * @example registerKl(MyFamily, Normal, (p, q) => ...);
 */
export function registerKl<P extends Distribution, Q extends Distribution>(
  P: FamilyClass<P>,
  Q: FamilyClass<Q>,
  fn: KlFunction<P, Q>,
): void {
  const row = pair(P, Q, fn);
  const i = table.findIndex((r) => r.p === P && r.q === Q);
  if (i >= 0) table[i] = row;
  else table.push(row);
  index(row);
}

/** The registered KL function for the pair, or undefined. */
export function lookupKl(
  p: Distribution,
  q: Distribution,
): KlFunction<Distribution, Distribution> | undefined {
  const hit = exact
    .get(p.constructor as FamilyClass<Distribution>)
    ?.get(q.constructor as FamilyClass<Distribution>);
  if (hit) return hit;
  for (const row of table) if (p instanceof row.p && q instanceof row.q) return row.fn;
  return undefined;
}

/**
 * KL(p ‖ q) = ∫ p log(p/q), in nats, by closed form. Batched: batch shapes broadcast; a
 * scalar batch gives a `number`, otherwise an `NDArray` of the broadcast batch shape.
 * Throws `NotImplemented` for a pair with no closed form.
 *
 * @example
 * kl(new Normal(0, 1), new Normal(1, 2)); // 0.4431471805599453
 */
export function kl(p: Distribution, q: Distribution): number | NDArray {
  const fn = lookupKl(p, q);
  if (!fn) {
    throw notImplemented(
      `no closed-form KL is registered for (${p.family} ‖ ${q.family}); ` +
        `estimate it by Monte Carlo (klMonteCarlo(p, q, { samples, seed })) or register one with registerKl(${p.family}, ${q.family}, fn)`,
    );
  }
  return fn(p, q);
}
