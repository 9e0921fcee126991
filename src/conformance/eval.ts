/**
 * Evaluation of reference case lines (FORMAT.md): `{id, op, ...fields}` → `{id, value}` or
 * `{id, error: {code, message}}`. Unknown ops answer `NotImplemented` for that line only.
 */
import { NDArray } from "../core/array.js";
import { KullbackError, notImplemented } from "../core/errors.js";
import type { Distribution } from "../distributions/base.js";
import { encodeSpecial } from "../distributions/base.js";
import { kl } from "../kl/registry.js";
import { crossEntropy, jeffreys } from "../divergences/basic.js";
import { decodeSpecial, fromJSON } from "../distributions/json.js";
import { elementwiseOps } from "./elementwise-ops.js";
import { gmmOps } from "./gmm-ops.js";
import { gaussianDistanceOps } from "./gaussian-distance-ops.js";
import { discreteOps } from "./discrete-ops.js";
import { pairwiseOps } from "./pairwise-ops.js";
import { sampleOps } from "./sample-ops.js";

export type CaseHandler = (c: Record<string, unknown>) => number | NDArray;

const dist = (c: Record<string, unknown>, k: string): Distribution => fromJSON(c[k]);

const ops: Record<string, CaseHandler> = {
  kl: (c) => kl(dist(c, "p"), dist(c, "q")),
  entropy: (c) => dist(c, "p").entropy(),
  crossEntropy: (c) => crossEntropy(dist(c, "p"), dist(c, "q")),
  jeffreys: (c) => jeffreys(dist(c, "p"), dist(c, "q")),
  // SciPy / PyTorch elementwise semantics (relEntr, klDiv, scipyEntropy, jensenShannonDistance, klDivLoss)
  ...elementwiseOps,
  // ── more op tables are spread here: distances, estimators, mixtures, pairwise ──
  ...gaussianDistanceOps,
  // js, bhattacharyya, hellinger, renyi, totalVariation through divergences/dispatch.ts (discrete exact sums,
  // Gaussian closed forms, registered implementations): after gaussianDistanceOps so the dispatcher serves both
  ...discreteOps,
  ...gmmOps,
  // pairwiseKl: N × M matrices of KL(p_i ‖ q_j) (src/pairwise)
  ...pairwiseOps,
  // estimators from samples (knnKl, mmd2, energyDistance, ksgMutualInformation)
  ...sampleOps,
};

/** Adds case handlers (ops) to `kullback eval`. */
export function registerOps(more: Record<string, CaseHandler>): void {
  Object.assign(ops, more);
}

export function knownOps(): string[] {
  return Object.keys(ops);
}

export interface CaseOutput {
  id: unknown;
  value?: unknown;
  error?: { code: string; message: string };
}

/** Evaluates one parsed case line (special-number strings allowed). Never throws for a KullbackError. */
export function evaluateCase(raw: Record<string, unknown>): CaseOutput {
  const c = decodeSpecial(raw) as Record<string, unknown>;
  const id = c.id;
  try {
    const op = c.op;
    // own properties only: an op named "constructor" or "__proto__" is unknown, not Object's
    const handler =
      typeof op === "string" && Object.prototype.hasOwnProperty.call(ops, op) ? ops[op] : undefined;
    if (!handler)
      throw notImplemented(`op "${String(op)}" is not implemented (known: ${knownOps().join(", ")})`);
    const v = handler(c);
    return { id, value: encodeSpecial(v instanceof NDArray ? v.toNested() : v) };
  } catch (e) {
    if (e instanceof KullbackError) return { id, error: { code: e.code, message: e.message } };
    throw e;
  }
}

/**
 * Checks an output against a case's `expected` with FORMAT.md's rule
 * |r − e| ≤ atol + rtol·|e| elementwise, infinities and NaN matching exactly.
 */
export function checkOutput(
  raw: Record<string, unknown>,
  out: CaseOutput,
): { pass: boolean; reason?: string } {
  const c = decodeSpecial(raw) as Record<string, unknown>;
  const exp = c.expected;
  const rtol = typeof c.rtol === "number" ? c.rtol : 0;
  const atol = typeof c.atol === "number" ? c.atol : 0;
  if (exp && typeof exp === "object" && !Array.isArray(exp) && "error" in exp) {
    const code = (exp as { error: string }).error;
    if (out.error?.code === code) return { pass: true };
    return {
      pass: false,
      reason: `expected error ${code}, got ${out.error ? `error ${out.error.code}: ${out.error.message}` : JSON.stringify(out.value)}`,
    };
  }
  if (out.error) return { pass: false, reason: `unexpected error ${out.error.code}: ${out.error.message}` };
  const got = decodeSpecial(out.value);
  const bad = compare(got, exp, rtol, atol, []);
  return bad ? { pass: false, reason: bad } : { pass: true };
}

function compare(got: unknown, exp: unknown, rtol: number, atol: number, path: number[]): string | undefined {
  if (Array.isArray(exp)) {
    if (!Array.isArray(got) || got.length !== exp.length) {
      return `shape mismatch at [${path.join(", ")}]: expected length ${exp.length}, got ${JSON.stringify(got)?.slice(0, 80)}`;
    }
    for (let i = 0; i < exp.length; i++) {
      const r = compare(got[i], exp[i], rtol, atol, [...path, i]);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof exp !== "number" || typeof got !== "number")
    return `at [${path.join(", ")}]: expected ${exp}, got ${JSON.stringify(got)}`;
  if (Number.isNaN(exp))
    return Number.isNaN(got) ? undefined : `at [${path.join(", ")}]: expected NaN, got ${got}`;
  if (!Number.isFinite(exp))
    return got === exp ? undefined : `at [${path.join(", ")}]: expected ${exp}, got ${got}`;
  if (Math.abs(got - exp) <= atol + rtol * Math.abs(exp)) return undefined;
  return `at [${path.join(", ")}]: expected ${exp}, got ${got} (rel err ${(Math.abs(got - exp) / Math.abs(exp)).toExponential(2)})`;
}
