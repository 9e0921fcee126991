/**
 * The Bernoulli distribution on {0, 1}, given by `probs` = P(X = 1) or by `logits` = log(p/(1−p)).
 *
 * This file also holds the helpers the probs-or-logits families (Bernoulli, Binomial, Geometric)
 * share: both forms are kept accurately, i.e. from logits the probabilities and their logs come
 * from the log-sigmoid (log p = −softplus(−l), log(1 − p) = −softplus(l)) and never from
 * log(sigmoid(l)), so logits of ±40 keep full relative precision in p, 1 − p and their logs.
 */
import { NDArray, type ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";
import { Random } from "../core/random.js";
import { log1pexp } from "../core/special.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { ScalarFamily, paramSpec, probabilityParam, type ParamSpec } from "./scalar-family.js";

/** log σ(x) = −log(1 + e^{−x}), accurate for all x (−∞ at x = −∞, 0 at +∞). */
export function logSigmoid(x: number): number {
  return -log1pexp(-x);
}

/** σ(x) = 1/(1 + e^{−x}) without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Which parameter a probs-or-logits family was given. */
export type BinaryForm = "probs" | "logits";

/**
 * Per-element success probability in four accurate forms, flat over the batch:
 * `p`, `c` = 1 − p, `lp` = log p, `lc` = log(1 − p).
 */
export interface BinaryParts {
  p: Float64Array;
  c: Float64Array;
  lp: Float64Array;
  lc: Float64Array;
}

/** Derives the four forms of {@link BinaryParts} from given probs or logits. */
export function binaryParts(values: Float64Array, form: BinaryForm): BinaryParts {
  const n = values.length;
  const out: BinaryParts = {
    p: new Float64Array(n),
    c: new Float64Array(n),
    lp: new Float64Array(n),
    lc: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (form === "probs") {
      out.p[i] = v;
      out.c[i] = 1 - v;
      out.lp[i] = Math.log(v);
      out.lc[i] = Math.log1p(-v);
    } else {
      out.p[i] = sigmoid(v);
      out.c[i] = sigmoid(-v);
      out.lp[i] = logSigmoid(v);
      out.lc[i] = logSigmoid(-v);
    }
  }
  return out;
}

/** The parameter object of the probs-or-logits families: exactly one of the two. */
export interface ProbsOrLogits {
  probs?: ArrayInput;
  logits?: ArrayInput;
}

/** Picks the one given form; throws InvalidParameter when none or both are given. */
export function pickForm(family: string, params: ProbsOrLogits): { form: BinaryForm; value: ArrayInput } {
  const hasP = params.probs !== undefined && params.probs !== null;
  const hasL = params.logits !== undefined && params.logits !== null;
  if (hasP === hasL) {
    throw invalidParameter(family, "given exactly one of probs, logits", hasP ? "both" : "neither");
  }
  return hasP
    ? { form: "probs", value: params.probs as ArrayInput }
    : { form: "logits", value: params.logits as ArrayInput };
}

/** A logit: any number but NaN (±∞ mean p = 1 or 0). */
export const notNaN = (v: number): boolean => !Number.isNaN(v);

/** The success-probability parameter of Bernoulli and Binomial: `probs` in [0, 1] or `logits` not NaN. */
export const BINARY_PARAMS: Readonly<Record<BinaryForm, ParamSpec>> = {
  probs: probabilityParam("probs"),
  logits: paramSpec("logits", "a number (not NaN)", notNaN),
};

/** Log mass of Bernoulli(p) at x ∈ {0, 1}; −∞ elsewhere (NaN for NaN). 0·log 0 = 0 conventions apply. */
function bernoulliLogMass(x: number, lp: number, lc: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === 1) return lp;
  if (x === 0) return lc;
  return -Infinity;
}

/**
 * Bernoulli(p): P(X = 1) = p, P(X = 0) = 1 − p (PyTorch `Bernoulli`). Batched: `probs` or
 * `logits` of any shape is the batch. KL pairs: Bernoulli, Binomial, Geometric, Poisson.
 * @example kl(new Bernoulli({ probs: 0.5 }), new Bernoulli({ logits: 0 })); // 0
 */
export class Bernoulli extends ScalarFamily {
  readonly family = "Bernoulli";
  /** The form the parameter was given in (kept for `toJSON`). */
  readonly form: BinaryForm;
  /** P(X = 1), flat over the batch. */
  readonly probs: Float64Array;
  /** P(X = 0) = 1 − probs, computed accurately from logits when given logits. */
  readonly probs0: Float64Array;
  /** log P(X = 1). */
  readonly logProbs1: Float64Array;
  /** log P(X = 0). */
  readonly logProbs0: Float64Array;

  /**
   * Bernoulli(p) on {0, 1}: `{ probs }` with p ∈ [0, 1], or `{ logits }` (any number, ±∞ allowed).
   * @example new Bernoulli({ probs: 0.5 }).entropy(); // log 2 = 0.6931471805599453
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const { form, value } = pickForm("Bernoulli", params);
    super([value], [BINARY_PARAMS[form]], options);
    const parts = binaryParts(this.paramValues[0], form);
    this.form = form;
    this.probs = parts.p;
    this.probs0 = parts.c;
    this.logProbs1 = parts.lp;
    this.logProbs0 = parts.lc;
  }

  static fromJSON(o: Record<string, unknown>): Bernoulli {
    return new Bernoulli({ probs: o.probs as ArrayInput, logits: o.logits as ArrayInput });
  }

  /** E[X] = p. */
  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.probs[i]);
  }

  /** Var[X] = p (1 − p). */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.probs[i] * this.probs0[i]);
  }

  /** log P(X = x): log p at 1, log(1 − p) at 0, −∞ for any other value. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) =>
      bernoulliLogMass(v, this.logProbs1[i], this.logProbs0[i]),
    );
  }

  /** Log mass at integer k for batch element i (the integer-support protocol of the discrete divergences). */
  logMass(k: number, i: number): number {
    return bernoulliLogMass(k, this.logProbs1[i], this.logProbs0[i]);
  }

  /** Smallest point of the support of element i: 0 (1 when p = 1). */
  supportMin(i: number): number {
    return this.probs0[i] > 0 ? 0 : 1;
  }

  /** Largest point of the support of element i: 1 (0 when p = 0). */
  supportMax(i: number): number {
    return this.probs[i] > 0 ? 1 : 0;
  }

  /** Integers carrying all the mass of element i: [0, 1] narrowed to the point mass when p ∈ {0, 1}. */
  bulk(i: number): [number, number] {
    return [this.probs0[i] > 0 ? 0 : 1, this.probs[i] > 0 ? 1 : 0];
  }

  /** H = −p log p − (1 − p) log(1 − p), with 0 log 0 = 0. */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const a = this.probs[i] > 0 ? -this.probs[i] * this.logProbs1[i] : 0;
      const b = this.probs0[i] > 0 ? -this.probs0[i] * this.logProbs0[i] : 0;
      return Math.max(0, a + b);
    });
  }

  /** Draws: 1 when a uniform u ∈ [0, 1) falls below p (so p = 0 never and p = 1 always gives 1). */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.probs.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < nb; i++) out[s * nb + i] = rng.uniform() < this.probs[i] ? 1 : 0;
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
