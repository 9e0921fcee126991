/**
 * The geometric distribution of the number of failures before the first success, on
 * {0, 1, 2, …}: P(X = k) = (1 − p)^k p, success probability `probs` ∈ (0, 1] or `logits`
 * (PyTorch's convention).
 */
import { NDArray, type ArrayInput } from "../core/array.js";
import { Random } from "../core/random.js";
import {
  checkSampleCount,
  mapBatch,
  mapScalarEvent,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";
import { binaryParts, pickForm, type BinaryForm, type ProbsOrLogits } from "./bernoulli.js";
import { ScalarFamily, paramSpec, type ParamSpec } from "./scalar-family.js";

/** `probs` in (0, 1] or `logits` > −∞ (p = 0 has no distribution). */
const PARAMS: Readonly<Record<BinaryForm, ParamSpec>> = {
  probs: paramSpec("probs", "in (0, 1]", (v) => v > 0 && v <= 1),
  logits: paramSpec("logits", "a number > −∞ (not NaN)", (v) => v > -Infinity),
};

/** log P(X = x) = x log(1 − p) + log p, with 0 · log 0 = 0 (p = 1 is the point mass at 0). */
export function geometricLogMass(x: number, lp: number, lc: number): number {
  if (Number.isNaN(x) || Number.isNaN(lp)) return NaN;
  if (!Number.isInteger(x) || x < 0) return -Infinity;
  return x === 0 ? lp : x * lc + lp;
}

/**
 * Geometric(p): P(X = k) = (1 − p)^k p, k = 0, 1, … failures before the first success
 * (PyTorch `Geometric`). KL pairs: Geometric; Bernoulli/Binomial as q (+∞ unless p = 1).
 * @example new Geometric({ probs: 0.5 }).logProb(1); // log(1/4)
 */
export class Geometric extends ScalarFamily {
  readonly family = "Geometric";
  readonly form: BinaryForm;
  /** Success probability p ∈ (0, 1]. */
  readonly probs: Float64Array;
  /** 1 − p (accurate from logits). */
  readonly probs0: Float64Array;
  /** log p. */
  readonly logProbs1: Float64Array;
  /** log(1 − p). */
  readonly logProbs0: Float64Array;

  /**
   * Geometric(p), failures before the first success: `{ probs }` with p ∈ (0, 1], or
   * `{ logits }` (any number but NaN and −∞).
   * @example new Geometric({ probs: 0.25 }).mean(); // 3
   */
  constructor(params: ProbsOrLogits, options?: DistributionOptions) {
    const { form, value } = pickForm("Geometric", params);
    super([value], [PARAMS[form]], options);
    const parts = binaryParts(this.paramValues[0], form);
    this.form = form;
    this.probs = parts.p;
    this.probs0 = parts.c;
    this.logProbs1 = parts.lp;
    this.logProbs0 = parts.lc;
  }

  static fromJSON(o: Record<string, unknown>): Geometric {
    return new Geometric({ probs: o.probs as ArrayInput, logits: o.logits as ArrayInput });
  }

  /** (1 − p)/p, from logits exp(−logits). */
  private oddsAgainst(i: number): number {
    return this.form === "logits" ? Math.exp(-this.paramValues[0][i]) : this.probs0[i] / this.probs[i];
  }

  /** E[X] = (1 − p)/p. */
  mean(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.oddsAgainst(i));
  }

  /** Var[X] = (1 − p)/p². */
  variance(): number | NDArray {
    return mapBatch(this.batchShape, (i) => this.oddsAgainst(i) / this.probs[i]);
  }

  /** log P(X = x) = x log(1 − p) + log p; −∞ off the non-negative integers. */
  logProb(x: ArrayInput): number | NDArray {
    return mapScalarEvent(x, this.batchShape, (v, i) =>
      geometricLogMass(v, this.logProbs1[i], this.logProbs0[i]),
    );
  }

  /** Log mass at integer k for batch element i. */
  logMass(k: number, i: number): number {
    return geometricLogMass(k, this.logProbs1[i], this.logProbs0[i]);
  }

  /** Smallest point of the support: 0. */
  supportMin(): number {
    return 0;
  }

  /** Largest point of the support: ∞ (0 when p = 1). */
  supportMax(i: number): number {
    return this.probs0[i] > 0 ? Infinity : 0;
  }

  /** [0, b] with P(X > b) = (1 − p)^{b+1} < e^{logEps}. */
  bulk(i: number, logEps: number): [number, number] {
    const lc = this.logProbs0[i];
    if (lc === -Infinity) return [0, 0];
    return [0, Math.max(0, Math.ceil(logEps / lc) - 1)];
  }

  /**
   * H = −((1 − p)/p) log(1 − p) − log p (closed form of −Σ P log P; 0 at p = 1).
   * @example new Geometric({ probs: 0.5 }).entropy(); // 2 log 2
   */
  entropy(): number | NDArray {
    return mapBatch(this.batchShape, (i) => {
      const lc = this.logProbs0[i];
      const a = this.probs0[i] > 0 ? -this.oddsAgainst(i) * lc : 0;
      return Math.max(0, a - this.logProbs1[i]);
    });
  }

  /** Draws by inversion: ⌊log U / log(1 − p)⌋ with U uniform on (0, 1]. */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const nb = this.probs.length;
    const out = new Float64Array(n * nb);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < nb; i++) {
        const lc = this.logProbs0[i];
        const u = 1 - rng.uniform();
        out[s * nb + i] = lc === -Infinity || u === 1 ? 0 : Math.floor(Math.log(u) / lc);
      }
    }
    return new NDArray(out, [n, ...this.batchShape]);
  }
}
