/**
 * Case-line operations on samples, for the CLI's `kullback eval` (see
 * `test/fixtures/vectors/FORMAT.md`). Each entry takes one parsed case line (special numbers
 * already converted) and returns the result the line's `expected` is compared with.
 */
import type { ArrayInput, NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { knnKl, knnKlAdaptive, knnKlPerezCruz } from "../estimators/knn.js";
import { energyDistance, ksgMutualInformation, mmd2 } from "../estimators/kernel.js";

function field(c: Record<string, unknown>, name: string): ArrayInput {
  const v = c[name];
  if (v === undefined || v === null) throw invalidParameter(name, "present in the case line", v);
  return v as ArrayInput;
}

function optionalNumber(c: Record<string, unknown>, name: string, fallback: number): number {
  const v = c[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number") throw invalidParameter(name, "a number", v);
  return v;
}

/**
 * Operations on sample sets, keyed by the case line's `op`:
 *
 * - `knnKl` — fields `x` (n × d), `y` (m × d), `k` (default 1): the Wang–Kulkarni–Verdú estimate
 *   (d/n) Σ log(ν_k/ρ_k) + log(m/(n − 1)), evaluated literally when points are duplicated
 *   (`onDuplicates: "infinity"`: ρ_k = 0 gives +Infinity), as the reference vectors specify.
 * - `knnKlAdaptive` — `x`, `y`, optional `k`: the adaptive-order estimator, same duplicate convention.
 * - `knnKlPerezCruz` — `x`, `y`: the 1-NN estimator.
 * - `mmd2` — `x`, `y`, optional `bandwidth` (default: median heuristic), `unbiased` (default true).
 * - `energyDistance` — `x`, `y`, optional `unbiased` (default false: V-statistics).
 * - `ksgMutualInformation` — `xy` (N × (dx + dy)), `dx`, optional `k` (default 3).
 *
 * @example
 * ```ts
 * sampleOps.knnKl({ x: [[0], [1], [3]], y: [[0.5], [2]], k: 1 }); // a number
 * ```
 */
export const sampleOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  knnKl: (c) =>
    knnKl(field(c, "x"), field(c, "y"), { k: optionalNumber(c, "k", 1), onDuplicates: "infinity" }).estimate,
  knnKlAdaptive: (c) =>
    knnKlAdaptive(field(c, "x"), field(c, "y"), { k: optionalNumber(c, "k", 1), onDuplicates: "infinity" })
      .estimate,
  knnKlPerezCruz: (c) => knnKlPerezCruz(field(c, "x"), field(c, "y"), { onDuplicates: "infinity" }).estimate,
  mmd2: (c) => {
    const bw = c.bandwidth;
    const unbiased = c.unbiased;
    return mmd2(field(c, "x"), field(c, "y"), {
      bandwidth: typeof bw === "number" ? bw : undefined,
      unbiased: typeof unbiased === "boolean" ? unbiased : true,
    });
  },
  energyDistance: (c) =>
    energyDistance(field(c, "x"), field(c, "y"), {
      unbiased: typeof c.unbiased === "boolean" ? c.unbiased : false,
    }),
  ksgMutualInformation: (c) =>
    ksgMutualInformation(field(c, "xy"), optionalNumber(c, "dx", NaN), { k: optionalNumber(c, "k", 3) }),
};
