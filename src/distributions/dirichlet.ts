/**
 * The Dirichlet distribution on the probability simplex of dimension K − 1, with positive
 * `concentration` α whose LAST axis holds the K components (leading axes are the batch).
 */
import {
  NDArray,
  asArray,
  broadcastMap,
  broadcastShapes,
  result,
  sizeOf,
  unravel,
  type ArrayInput,
} from "../core/array.js";
import { invalidParameter, invalidShape } from "../core/errors.js";
import { Random } from "../core/random.js";
import { digamma, lgamma } from "../core/special.js";
import { stirlerr } from "./binomial.js";
import {
  Distribution,
  checkSampleCount,
  mapBatch,
  paramJSON,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
  type SampleOptions,
} from "./base.js";

/** |Σ x − 1| allowed for a point to count as on the simplex in `logProb`. */
export const SIMPLEX_TOLERANCE = 1e-6;

/**
 * Dirichlet(α): density Γ(α₀)/Π Γ(α_i) · Π x_i^{α_i − 1} on the simplex (PyTorch `Dirichlet`);
 * the last axis of `concentration` holds the K components. KL pairs: Dirichlet.
 * @example kl(new Dirichlet([1, 1]), new Dirichlet([2, 2])); // 0.2082405307719446
 */
export class Dirichlet extends Distribution {
  readonly family = "Dirichlet";
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[];
  /** Concentration α, flat [batch…, K]. */
  readonly concentration: Float64Array;
  /** Number of components K. */
  readonly k: number;

  /**
   * Dirichlet(α), α > 0 finite; the last axis holds the K components.
   * @example new Dirichlet([1, 1, 1]).entropy(); // −log 2 (uniform on the 2-simplex, area ½)
   */
  constructor(concentration: ArrayInput, options?: DistributionOptions) {
    super();
    const a = asArray(concentration, "concentration");
    if (a.ndim === 0)
      throw invalidShape(
        "concentration",
        "Dirichlet needs a vector of components (last axis); got a scalar",
        a.shape,
      );
    const k = a.shape[a.ndim - 1];
    if (k === 0) throw invalidShape("concentration", "Dirichlet needs at least one component", a.shape);
    if (shouldValidate(options)) {
      for (let i = 0; i < a.size; i++) {
        const v = a.data[i];
        if (!(v > 0 && v < Infinity))
          throw invalidParameter("concentration", "positive and finite", v, unravel(i, a.shape));
      }
    }
    this.concentration = a.data;
    this.k = k;
    this.batchShape = a.shape.slice(0, -1);
    this.eventShape = [k];
  }

  static fromJSON(o: Record<string, unknown>): Dirichlet {
    return new Dirichlet(o.concentration as ArrayInput);
  }

  toJSON(): DistributionJSON {
    return {
      family: this.family,
      concentration: paramJSON(this.concentration, [...this.batchShape, this.k]),
    };
  }

  /** α₀ = Σ α_i of batch element b. */
  total(b: number): number {
    let s = 0;
    for (let j = 0; j < this.k; j++) s += this.concentration[b * this.k + j];
    return s;
  }

  /** log B(α) = Σ log Γ(α_i) − log Γ(α₀) of batch element b. */
  logBeta(b: number): number {
    let s = 0;
    for (let j = 0; j < this.k; j++) s += lgamma(this.concentration[b * this.k + j]);
    return s - lgamma(this.total(b));
  }

  /** E[X] = α/α₀, shape [...batch, K]. */
  mean(): NDArray {
    const out = new Float64Array(this.concentration.length);
    const nb = sizeOf(this.batchShape);
    for (let b = 0; b < nb; b++) {
      const t = this.total(b);
      for (let j = 0; j < this.k; j++) out[b * this.k + j] = this.concentration[b * this.k + j] / t;
    }
    return new NDArray(out, [...this.batchShape, this.k]);
  }

  /** Var[X_i] = α_i (α₀ − α_i) / (α₀² (α₀ + 1)), shape [...batch, K]. */
  variance(): NDArray {
    const out = new Float64Array(this.concentration.length);
    const nb = sizeOf(this.batchShape);
    for (let b = 0; b < nb; b++) {
      const t = this.total(b);
      for (let j = 0; j < this.k; j++) {
        const a = this.concentration[b * this.k + j];
        out[b * this.k + j] = (a * (t - a)) / (t * t * (t + 1));
      }
    }
    return new NDArray(out, [...this.batchShape, this.k]);
  }

  /**
   * log density Σ (α_i − 1) log x_i − log B(α) at x on the simplex (last axis K; leading axes
   * broadcast with the batch); −∞ off the simplex (a negative x_i, or |Σ x − 1| > 1e-6).
   * A zero coordinate gives +∞, 0 or −∞ as α_i is below, equal to or above 1.
   */
  logProb(x: ArrayInput): number | NDArray {
    const K = this.k;
    const xa = asArray(x, "x");
    if (xa.ndim === 0 || xa.shape[xa.ndim - 1] !== K) {
      throw invalidShape(
        "x",
        `a Dirichlet value needs a last axis of length ${K}; got shape [${xa.shape.join(", ")}]`,
        xa.shape,
      );
    }
    const xBatch = xa.shape.slice(0, -1);
    const shape = broadcastShapes([xBatch, this.batchShape], ["x", "batch"]);
    const mx = broadcastMap(xBatch, shape);
    const mb = broadcastMap(this.batchShape, shape);
    const n = sizeOf(shape);
    const out = new Float64Array(n);
    for (let f = 0; f < n; f++) {
      const xo = (mx ? mx[f] : f) * K;
      const b = mb ? mb[f] : f;
      let s = 0;
      let sum = 0;
      let off = false;
      for (let j = 0; j < K; j++) {
        const v = xa.data[xo + j];
        const am1 = this.concentration[b * K + j] - 1;
        if (Number.isNaN(v)) {
          s = NaN;
          continue;
        }
        if (v < 0) off = true;
        sum += v;
        s += am1 === 0 ? 0 : am1 * Math.log(v);
      }
      out[f] =
        off || Math.abs(sum - 1) > SIMPLEX_TOLERANCE
          ? Number.isNaN(s)
            ? NaN
            : -Infinity
          : s - this.logBeta(b);
    }
    return result(out, shape);
  }

  /**
   * H = log B(α) + (α₀ − K) ψ(α₀) − Σ (α_i − 1) ψ(α_i), evaluated with log Γ(x) =
   * (x − ½) log x − x + ½ log 2π + S(x) and ψ(x) = log x + r(x) substituted, where the large
   * terms cancel exactly:
   * H = Σ ½ log α_i − (K − ½) log α₀ + (K − 1) ½ log 2π + Σ S(α_i) − S(α₀)
   *     + (α₀ − K) r(α₀) − Σ (α_i − 1) r(α_i),
   * so concentrations of 10^4 and more keep their digits.
   */
  entropy(): number | NDArray {
    const K = this.k;
    return mapBatch(this.batchShape, (b) => {
      const t = this.total(b);
      let s = -(K - 0.5) * Math.log(t) + (K - 1) * 0.5 * LOG_2PI - stirlerr(t) + (t - K) * psiMinusLog(t);
      for (let j = 0; j < K; j++) {
        const a = this.concentration[b * K + j];
        s += 0.5 * Math.log(a) + stirlerr(a) - (a - 1) * psiMinusLog(a);
      }
      return s;
    });
  }

  /**
   * Draws as normalised Gamma(α_i, 1) variables, generated in log space (Marsaglia–Tsang for
   * α ≥ 1; log G(α) = log G(α + 1) + log(U)/α below 1) so tiny concentrations do not underflow
   * to an all-zero vector. Shape [n, ...batch, K].
   */
  sample(n: number, options: SampleOptions = {}): NDArray {
    checkSampleCount(n);
    const rng = new Random(options.seed);
    const K = this.k;
    const m = this.concentration.length;
    const out = new Float64Array(n * m);
    const logs = new Float64Array(K);
    for (let s = 0; s < n; s++) {
      for (let b = 0; b < m / K; b++) {
        let mx = -Infinity;
        for (let j = 0; j < K; j++) {
          logs[j] = logGammaVariate(rng, this.concentration[b * K + j]);
          if (logs[j] > mx) mx = logs[j];
        }
        let z = 0;
        for (let j = 0; j < K; j++) z += Math.exp(logs[j] - mx);
        for (let j = 0; j < K; j++) out[s * m + b * K + j] = Math.exp(logs[j] - mx) / z;
      }
    }
    return new NDArray(out, [n, ...this.batchShape, K]);
  }
}

const LOG_2PI = 1.8378770664093453;

/**
 * r(x) = ψ(x) − log x for x > 0: the asymptotic series −1/(2x) − Σ B_2k/(2k x^{2k}) for x ≥ 10
 * (8 terms, error < 1e-17 absolute), ψ(x) − log x directly below.
 */
export function psiMinusLog(x: number): number {
  if (x < 10) return digamma(x) - Math.log(x);
  const y = 1 / (x * x);
  const series =
    y *
    (1 / 12 -
      y *
        (1 / 120 -
          y *
            (1 / 252 -
              y * (1 / 240 - y * (1 / 132 - y * (691 / 32760 - y * (1 / 12 - y * (3617 / 8160))))))));
  return -0.5 / x - series;
}

/** log of one Gamma(α, 1) draw (Marsaglia & Tsang, ACM TOMS 26, 2000; boost for α < 1). */
export function logGammaVariate(rng: Random, alpha: number): number {
  if (alpha < 1) {
    const u = 1 - rng.uniform();
    return logGammaVariate(rng, alpha + 1) + Math.log(u) / alpha;
  }
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d) + Math.log(v);
  }
}
