/**
 * Case handlers for the SciPy / PyTorch elementwise ops of the reference-vector format
 * (`relEntr`, `klDiv`, `scipyEntropy`, `jensenShannonDistance`, `klDivLoss`), used by
 * `kullback eval` and the fixture tests. Each handler reads the fields exactly as a case line
 * names them; special numbers ("Infinity", "-Infinity", "NaN") must already be numbers.
 */
import type { ArrayInput, NDArray } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { entropy, jensenShannonDistance, klDiv, klDivLoss, relEntr } from "../divergences/elementwise.js";
import type { KlDivLossReduction } from "../divergences/elementwise.js";

/** Reads a required array-like field; a missing one is an `InvalidParameter` naming it. */
function arrayField(c: Record<string, unknown>, name: string): ArrayInput {
  const v = c[name];
  if (v === undefined || v === null) throw invalidParameter(name, "present (an array or a number)", v);
  return v as ArrayInput;
}

/** Reads an optional field; JSON `null` counts as absent (Python's `None`). */
function optional<T>(c: Record<string, unknown>, name: string): T | undefined {
  const v = c[name];
  return v === null || v === undefined ? undefined : (v as T);
}

export const elementwiseOps: Record<string, (c: Record<string, unknown>) => number | NDArray> = {
  relEntr: (c) => relEntr(arrayField(c, "x"), arrayField(c, "y")),
  klDiv: (c) => klDiv(arrayField(c, "x"), arrayField(c, "y")),
  scipyEntropy: (c) =>
    entropy(arrayField(c, "pk"), optional<ArrayInput>(c, "qk"), {
      base: optional<number>(c, "base"),
      axis: optional<number>(c, "axis"),
    }),
  jensenShannonDistance: (c) =>
    jensenShannonDistance(arrayField(c, "p"), arrayField(c, "q"), {
      base: optional<number>(c, "base"),
      axis: optional<number>(c, "axis"),
      keepdims: optional<boolean>(c, "keepdims"),
    }),
  klDivLoss: (c) =>
    klDivLoss(arrayField(c, "input"), arrayField(c, "target"), {
      reduction: optional<KlDivLossReduction>(c, "reduction"),
      logTarget: optional<boolean>(c, "logTarget"),
    }),
};
