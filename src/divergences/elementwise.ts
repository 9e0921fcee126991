/**
 * Elementwise and discrete divergences with the exact semantics of SciPy and PyTorch:
 *
 * - {@link relEntr} and {@link klDiv}: `scipy.special.rel_entr` / `scipy.special.kl_div`;
 * - {@link entropy}: `scipy.stats.entropy` (Shannon entropy, or relative entropy when `qk` is given);
 * - {@link jensenShannon} / {@link jensenShannonDistance}: `scipy.spatial.distance.jensenshannon`;
 * - {@link klDivLoss}: `torch.nn.functional.kl_div` (NOTE the reversed argument order there).
 *
 * Units: every function works in nats (natural logarithm). Where a `base` option exists, the
 * result is divided by `log(base)`: `{ base: 2 }` gives bits, `{ base: 10 }` gives hartleys (bans).
 *
 * Inputs are any {@link ArrayInput} (numbers, nested arrays, typed arrays, `{data, shape}`); they
 * are copied, never mutated. Shapes broadcast with NumPy rules. A 0-d result is returned as a
 * plain `number`, anything else as an {@link NDArray}.
 */
import { compensatedSum } from "../core/numerics.js";
import { asArray, broadcastMap, broadcastShapes, NDArray, result, sizeOf } from "../core/array.js";
import type { ArrayInput } from "../core/array.js";
import { invalidParameter } from "../core/errors.js";

/** Smallest positive normal double (C's `DBL_MIN`). */
const MIN_NORMAL = 2.2250738585072014e-308;

// ---------------------------------------------------------------------------------------------
// Scalar kernels
// ---------------------------------------------------------------------------------------------

/** SciPy `entr(x)`: −x log x for x > 0, 0 at x = 0, −∞ for x < 0, NaN for NaN. */
function entrScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 0) return -x * Math.log(x);
  return x === 0 ? 0 : -Infinity;
}

/** SciPy `rel_entr(x, y)`, see {@link relEntr}. */
function relEntrScalar(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (!(x > 0 && y > 0)) {
    // Outside the open quadrant: 0 on the boundary x = 0 (y >= 0), +inf everywhere else.
    return x === 0 && y >= 0 ? 0 : Infinity;
  }
  const ratio = x / y;
  // Near the diagonal, x - y is exact (Sterbenz) and log1p keeps the relative accuracy.
  if (ratio > 0.5 && ratio < 2) return x * Math.log1p((x - y) / y);
  if (ratio > MIN_NORMAL && ratio < Infinity) return x * Math.log(ratio);
  // x / y overflowed, underflowed or went subnormal: take the logarithms separately.
  return x * (Math.log(x) - Math.log(y));
}

/**
 * (1 + r) log1p(r) − r for |r| < 0.1 by its alternating series Σ_{k≥2} (−r)^k / (k (k − 1)),
 * which avoids the cancellation of the closed form near r = 0.
 */
function klSeries(r: number): number {
  let term = r * r; // (-r)^k for k = 2
  let sum = 0;
  for (let k = 2; k < 40; k++) {
    const add = term / (k * (k - 1));
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
    term *= -r;
  }
  return sum;
}

/** SciPy `kl_div(x, y)`, see {@link klDiv}. */
function klDivScalar(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) {
    const ratio = x / y;
    if (ratio > 0.5 && ratio < 2) {
      // x - y is exact here; the value is y * g(r), g(r) = (1 + r) log1p(r) - r, r = (x - y) / y.
      const r = (x - y) / y;
      if (Math.abs(r) < 0.1) return y * klSeries(r);
      return x * Math.log1p(r) - (x - y);
    }
    return relEntrScalar(x, y) - x + y;
  }
  if (x === 0 && y >= 0) return y;
  return Infinity;
}

/** PyTorch `xlogy(x, y)`: NaN if y is NaN, else 0 if x == 0, else x log y. */
function xlogy(x: number, y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (x === 0) return 0;
  return x * Math.log(y);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Broadcasts the data of `a` to `shape` (a copy only when needed). */
function expandTo(a: NDArray, shape: readonly number[]): Float64Array {
  const map = broadcastMap(a.shape, shape);
  if (!map) return a.data;
  const out = new Float64Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = a.data[map[i]];
  return out;
}

/** Applies a scalar kernel elementwise to two broadcast inputs. */
function binaryElementwise(
  x: ArrayInput,
  y: ArrayInput,
  xName: string,
  yName: string,
  f: (a: number, b: number) => number,
): number | NDArray {
  const a = asArray(x, xName);
  const b = asArray(y, yName);
  const shape = broadcastShapes([a.shape, b.shape], [xName, yName]);
  const n = sizeOf(shape);
  const ma = broadcastMap(a.shape, shape);
  const mb = broadcastMap(b.shape, shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = f(a.data[ma ? ma[i] : i], b.data[mb ? mb[i] : i]);
  }
  return result(out, shape);
}

/** Normalises a (possibly negative) axis against `ndim`; NumPy's AxisError becomes InvalidParameter. */
function resolveAxis(axis: unknown, ndim: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) {
    throw invalidParameter("axis", "an integer", axis);
  }
  if (axis < -ndim || axis >= ndim) {
    throw invalidParameter(
      "axis",
      ndim === 0 ? "usable, but the input is 0-d (it has no axis to reduce)" : `in [${-ndim}, ${ndim - 1}]`,
      axis,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Validates `base` (positive, not 1) and returns the divisor log(base), or 1 for nats. */
function logBase(base: unknown): number {
  if (base === undefined) return 1;
  if (typeof base !== "number" || !(base > 0) || base === 1) {
    throw invalidParameter("base", "a positive number other than 1 (2 for bits, Math.E for nats)", base);
  }
  return Math.log(base);
}

/** Shape bookkeeping for a reduction along one axis of a row-major array. */
interface Lanes {
  outer: number;
  len: number;
  inner: number;
  outShape: number[];
}

function lanes(shape: readonly number[], axis: number, keepdims: boolean): Lanes {
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const outShape = keepdims ? shape.map((s, i) => (i === axis ? 1 : s)) : shape.filter((_, i) => i !== axis);
  return { outer, len: shape[axis], inner, outShape };
}

function checkKeepdims(keepdims: unknown): boolean {
  if (keepdims === undefined) return false;
  if (typeof keepdims !== "boolean") throw invalidParameter("keepdims", "a boolean", keepdims);
  return keepdims;
}

// ---------------------------------------------------------------------------------------------
// rel_entr / kl_div
// ---------------------------------------------------------------------------------------------

/**
 * Elementwise relative entropy, SciPy `scipy.special.rel_entr(x, y)` semantics.
 *
 * Formula: `x log(x / y)`, in nats. Direction: `x` plays the role of p and `y` of q, so
 * `sum(relEntr(p, q)) = KL(p ‖ q)` for normalised p and q.
 *
 * | x          | y          | result                   |
 * |------------|------------|--------------------------|
 * | NaN        | any        | NaN                      |
 * | any        | NaN        | NaN                      |
 * | > 0        | > 0        | x log(x / y)             |
 * | 0          | ≥ 0        | 0 (also for y = 0, +∞)   |
 * | otherwise  |            | +∞ (x < 0, or y < 0, or x > 0 with y = 0) |
 *
 * Within the open quadrant infinities follow IEEE: `relEntr(∞, 1) = ∞`, `relEntr(1, ∞) = −∞`,
 * `relEntr(∞, ∞) = NaN`. When x/y lies in (0.5, 2) the value is computed as
 * `x log1p((x − y)/y)` (as SciPy does) for full relative accuracy near x = y; when x/y
 * overflows or underflows, as `x (log x − log y)`.
 *
 * `x` and `y` broadcast (NumPy rules); shapes that do not broadcast raise `InvalidShape`.
 *
 * @example
 * relEntr([0.5, 0.5], [0.9, 0.1]); // NDArray [-0.2939, 0.8047]; their sum is KL = 0.5108 nats
 * relEntr(0, 0); // 0
 * relEntr(1, 0); // Infinity
 */
export function relEntr(x: ArrayInput, y: ArrayInput): number | NDArray {
  return binaryElementwise(x, y, "x", "y", relEntrScalar);
}

/**
 * Elementwise Kullback-Leibler function, SciPy `scipy.special.kl_div(x, y)` semantics.
 *
 * Formula: `x log(x / y) − x + y`, in nats. Direction: `x` ~ p, `y` ~ q. Each term is ≥ 0 and,
 * for normalised p and q, `sum(klDiv(p, q)) = sum(relEntr(p, q)) = KL(p ‖ q)` (the extra
 * `−x + y` terms sum to 0). Unlike {@link relEntr} it is also a proper divergence between
 * unnormalised positive measures.
 *
 * | x          | y          | result                   |
 * |------------|------------|--------------------------|
 * | NaN        | any        | NaN                      |
 * | any        | NaN        | NaN                      |
 * | > 0        | > 0        | x log(x / y) − x + y     |
 * | 0          | ≥ 0        | y                        |
 * | otherwise  |            | +∞                       |
 *
 * IEEE applies inside the quadrant: `klDiv(∞, 1)`, `klDiv(1, ∞)` and `klDiv(∞, ∞)` are NaN
 * (∞ − ∞). Near x = y the value is evaluated as `y g((x − y)/y)` with
 * `g(r) = (1 + r) log1p(r) − r` (a series for small r), so it never comes out as a tiny negative
 * number from cancellation, which the naive formula (used by SciPy) can.
 *
 * `x` and `y` broadcast (NumPy rules); shapes that do not broadcast raise `InvalidShape`.
 *
 * @example
 * klDiv([0.5, 0.5], [0.9, 0.1]); // NDArray [0.1061, 0.4047]; sum 0.5108 = KL(p ‖ q)
 * klDiv(0, 2); // 2
 * klDiv(1, 0); // Infinity
 */
export function klDiv(x: ArrayInput, y: ArrayInput): number | NDArray {
  return binaryElementwise(x, y, "x", "y", klDivScalar);
}

// ---------------------------------------------------------------------------------------------
// scipy.stats.entropy
// ---------------------------------------------------------------------------------------------

/** Options of {@link entropy}. */
export interface EntropyOptions {
  /** Logarithm base: omitted = nats (base e), `2` = bits, `10` = hartleys. Must be > 0 and ≠ 1. */
  base?: number;
  /** The axis holding the outcomes; negative counts from the end. Default 0, as in SciPy. */
  axis?: number;
  /** Keep the reduced axis with length 1 (default false). */
  keepdims?: boolean;
}

/**
 * Shannon entropy or relative entropy of discrete distributions, `scipy.stats.entropy` semantics.
 *
 * - Without `qk`: `H(p) = −Σ p_i log p_i` (SciPy `entr`, so a zero contributes 0, a negative
 *   entry gives `−∞` for the term).
 * - With `qk`: `D(p ‖ q) = Σ p_i log(p_i / q_i)` = KL(pk ‖ qk), summed {@link relEntr} terms
 *   (direction: the first argument is the "true" distribution p, the second the model q).
 *
 * Along `axis` (default **0**, as in SciPy — not the last axis!) `pk` and `qk` are first
 * normalised to sum to 1 (`pk / sum(pk)`), so counts or weights can be passed directly. The
 * result is divided by `log(base)` when `base` is given (`{ base: 2 }` gives bits).
 *
 * | situation                          | result |
 * |------------------------------------|--------|
 * | zero in pk                         | contributes 0 |
 * | qk_i = 0 where pk_i > 0            | +∞ |
 * | qk_i = 0 where pk_i = 0            | contributes 0 |
 * | pk (or qk) sums to 0 along the axis | NaN (0/0 normalisation) |
 * | NaN anywhere in a lane             | NaN |
 * | a single outcome                   | 0 |
 * | an axis of length 0                | NaN (as current SciPy) |
 *
 * No validation of the entries is done (SciPy does none): negative entries flow through the
 * `entr` / `rel_entr` tables above.
 *
 * Broadcasting: `pk` and `qk` are broadcast (NumPy rules) to a common shape first and then
 * normalised along `axis` of that shape, as SciPy ≥ 1.11 does (1.10 normalised `pk` before
 * broadcasting; the two agree unless an input is broadcast along the reduced axis itself).
 * Shapes that do not broadcast raise `InvalidShape`; an `axis` out of range (including any
 * axis of a 0-d input) or a `base` ≤ 0, NaN or = 1 raise `InvalidParameter` (SciPy returns
 * ±∞/NaN for base 1; we refuse it).
 *
 * @example
 * entropy([1, 1]); // 0.6931 (= log 2 nats)
 * entropy([1, 1], undefined, { base: 2 }); // 1 bit
 * entropy([0.5, 0.5], [0.9, 0.1], { base: 2 }); // 0.7370 bits = KL(p ‖ q)
 * entropy([[1, 3], [1, 1]], undefined, { axis: -1 }); // NDArray [0.5623, 0.6931] (one per row)
 */
export function entropy(pk: ArrayInput, qk?: ArrayInput, options: EntropyOptions = {}): number | NDArray {
  const p = asArray(pk, "pk");
  const q = qk === undefined || qk === null ? null : asArray(qk, "qk");
  const div = logBase(options.base);
  const keepdims = checkKeepdims(options.keepdims);
  const shape = q ? broadcastShapes([p.shape, q.shape], ["pk", "qk"]) : [...p.shape];
  const axis = resolveAxis(options.axis ?? 0, shape.length);
  const pd = expandTo(p, shape);
  const qd = q ? expandTo(q, shape) : null;
  const { outer, len, inner, outShape } = lanes(shape, axis, keepdims);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base0 = o * len * inner + i;
      let value: number;
      if (len === 0) {
        value = NaN;
      } else {
        const ps = compensatedSum(len, (k) => pd[base0 + k * inner]);
        if (qd) {
          const qs = compensatedSum(len, (k) => qd[base0 + k * inner]);
          value = compensatedSum(len, (k) =>
            relEntrScalar(pd[base0 + k * inner] / ps, qd[base0 + k * inner] / qs),
          );
        } else {
          value = compensatedSum(len, (k) => entrScalar(pd[base0 + k * inner] / ps));
        }
      }
      out[o * inner + i] = value / div;
    }
  }
  return result(out, outShape);
}

// ---------------------------------------------------------------------------------------------
// scipy.spatial.distance.jensenshannon
// ---------------------------------------------------------------------------------------------

/** Options of {@link jensenShannon} and {@link jensenShannonDistance}. */
export interface JensenShannonOptions {
  /** Logarithm base: omitted = nats, `2` = bits (the divergence is then in [0, 1]). > 0 and ≠ 1. */
  base?: number;
  /** The axis holding the outcomes; negative counts from the end. Default 0, as in SciPy. */
  axis?: number;
  /** Keep the reduced axis with length 1 (default false). */
  keepdims?: boolean;
}

/** JS divergence (nats, clamped at 0) along an axis, or NaN for an empty axis. */
function jsNats(
  p: ArrayInput,
  q: ArrayInput,
  options: JensenShannonOptions,
): { data: Float64Array; shape: number[]; div: number } {
  const a = asArray(p, "p");
  const b = asArray(q, "q");
  const div = logBase(options.base);
  const keepdims = checkKeepdims(options.keepdims);
  const shape = broadcastShapes([a.shape, b.shape], ["p", "q"]);
  const axis = resolveAxis(options.axis ?? 0, shape.length);
  const pd = expandTo(a, shape);
  const qd = expandTo(b, shape);
  const { outer, len, inner, outShape } = lanes(shape, axis, keepdims);
  const out = new Float64Array(outer * inner);
  const pn = new Float64Array(len);
  const qn = new Float64Array(len);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base0 = o * len * inner + i;
      if (len === 0) {
        out[o * inner + i] = NaN;
        continue;
      }
      const ps = compensatedSum(len, (k) => pd[base0 + k * inner]);
      const qs = compensatedSum(len, (k) => qd[base0 + k * inner]);
      for (let k = 0; k < len; k++) {
        pn[k] = pd[base0 + k * inner] / ps;
        qn[k] = qd[base0 + k * inner] / qs;
      }
      const left = compensatedSum(len, (k) => relEntrScalar(pn[k], (pn[k] + qn[k]) / 2));
      const right = compensatedSum(len, (k) => relEntrScalar(qn[k], (pn[k] + qn[k]) / 2));
      // Mathematically >= 0; rounding can leave a tiny negative. Math.max keeps NaN as NaN.
      out[o * inner + i] = Math.max(0, left + right) / 2;
    }
  }
  return { data: out, shape: outShape, div };
}

/**
 * Jensen-Shannon **divergence** `JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m)`, `m = (p + q)/2`: the
 * square of SciPy's `scipy.spatial.distance.jensenshannon` (see {@link jensenShannonDistance}).
 *
 * Symmetric in p and q, in [0, log 2] nats, or [0, 1] with `{ base: 2 }` (bits). `p` and `q`
 * are broadcast (NumPy rules), then each is normalised to sum 1 along `axis` (default **0**,
 * as in SciPy); the KL terms use the {@link relEntr} table, so zeros are handled exactly
 * (disjoint supports give exactly log 2 nats / 1 bit).
 *
 * | situation                          | result |
 * |------------------------------------|--------|
 * | p = q                              | exactly 0 |
 * | disjoint supports                  | log 2 nats (1 bit) |
 * | p or q sums to 0 along the axis    | NaN (0/0 normalisation) |
 * | a negative entry                   | +∞ (rel_entr of a negative) |
 * | NaN anywhere in a lane             | NaN |
 * | rounding leaves a tiny negative     | clamped to 0 |
 * | an axis of length 0                | NaN |
 *
 * Errors: shapes that do not broadcast → `InvalidShape`; `axis` out of range, `base` ≤ 0, NaN
 * or 1, non-boolean `keepdims` → `InvalidParameter`.
 *
 * @example
 * jensenShannon([1, 0], [0, 1], { base: 2 }); // 1
 * jensenShannon([1, 2, 3], [1, 2, 3]); // 0
 * jensenShannon([[1, 0], [1, 1]], [[0, 1], [1, 1]], { axis: 1 }); // NDArray [0.6931, 0]
 */
export function jensenShannon(
  p: ArrayInput,
  q: ArrayInput,
  options: JensenShannonOptions = {},
): number | NDArray {
  const { data, shape, div } = jsNats(p, q, options);
  for (let i = 0; i < data.length; i++) data[i] /= div;
  return result(data, shape);
}

/**
 * Jensen-Shannon **distance** (a metric): `sqrt(JS(p, q))`, exactly
 * `scipy.spatial.distance.jensenshannon(p, q, base, axis=axis, keepdims=keepdims)`.
 *
 * `sqrt((KL(p ‖ m) + KL(q ‖ m)) / 2)` with `m = (p + q)/2`, after normalising p and q along
 * `axis` (default **0**, as in SciPy). In [0, sqrt(log 2)] nats, [0, 1] with `{ base: 2 }`.
 * Never NaN from rounding: a tiny negative divergence is clamped to 0 before the square root
 * (SciPy would return NaN). Edge cases and errors as for {@link jensenShannon}.
 *
 * @example
 * jensenShannonDistance([1, 0], [0, 1], { base: 2 }); // 1
 * jensenShannonDistance([1, 0, 0], [1, 0, 0]); // 0
 * jensenShannonDistance([9, 1], [5, 5], { base: 2 }); // 0.3831
 */
export function jensenShannonDistance(
  p: ArrayInput,
  q: ArrayInput,
  options: JensenShannonOptions = {},
): number | NDArray {
  const { data, shape, div } = jsNats(p, q, options);
  for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(data[i] / div);
  return result(data, shape);
}

// ---------------------------------------------------------------------------------------------
// torch.nn.functional.kl_div
// ---------------------------------------------------------------------------------------------

/** Reductions of {@link klDivLoss}, as in PyTorch. */
export type KlDivLossReduction = "none" | "sum" | "mean" | "batchmean";

const REDUCTIONS: readonly KlDivLossReduction[] = ["none", "sum", "mean", "batchmean"];

/** Options of {@link klDivLoss}. */
export interface KlDivLossOptions {
  /**
   * `"none"`: the pointwise losses (broadcast shape); `"sum"`: their sum; `"mean"` (default, as
   * in PyTorch): sum / number of elements — NOT the KL divergence per sample;
   * `"batchmean"`: sum / input.shape[0] — the per-sample KL when rows are distributions
   * (for a 0-d input, the plain sum).
   */
  reduction?: KlDivLossReduction;
  /** Whether `target` holds log-probabilities rather than probabilities (default false). */
  logTarget?: boolean;
}

/**
 * PyTorch's `torch.nn.functional.kl_div(input, target, reduction, log_target)`, float64.
 *
 * **WARNING — ARGUMENT ORDER AND LOG-SPACE.** This is PyTorch's convention, the REVERSE of
 * `kl(p, q)`: the FIRST argument `input` is the MODEL q given as LOG-probabilities (e.g. the
 * output of a log-softmax), the SECOND argument `target` is the reference distribution p
 * (probabilities, or log-probabilities with `logTarget: true`). The loss is KL(target ‖ input):
 * `klDivLoss(log(q), p, { reduction: "batchmean" })` equals the mean over rows of KL(p ‖ q).
 * Passing probabilities (not their logs) as `input` silently gives a meaningless number.
 *
 * Pointwise loss (then reduced):
 * - `logTarget: false`: `xlogy(t, t) − t · input` = `t (log t − input)`, where `xlogy(0, ·) = 0`:
 *   a zero target contributes 0 whatever finite `input` is;
 * - `logTarget: true`: `exp(t) · (t − input)`.
 *
 * | input        | target t                | pointwise loss |
 * |--------------|-------------------------|----------------|
 * | finite       | t > 0                   | t (log t − input) |
 * | finite       | 0                       | 0 |
 * | −∞           | t > 0                   | +∞ |
 * | −∞ or NaN    | 0                       | NaN (0 · ∞, exactly as PyTorch) |
 * | any          | t < 0 (not log target)  | NaN (log of a negative) |
 * | any          | NaN                     | NaN |
 * | any          | −∞ (log target)         | NaN (exp(−∞) · (−∞) = 0 · ∞, as PyTorch) |
 * | −∞           | finite (log target)     | +∞ |
 *
 * `input` and `target` broadcast (NumPy rules). No normalisation and no validation of the
 * values, as in PyTorch. `"mean"` divides by the number of elements of the broadcast shape
 * (empty → NaN); `"batchmean"` divides by `input.shape[0]` (the input's, not the broadcast
 * shape's), and is the plain sum for a 0-d input. Reductions return a `number`.
 *
 * Errors: an unknown `reduction` → `InvalidParameter` (argument `reduction`); a non-boolean
 * `logTarget` → `InvalidParameter`; shapes that do not broadcast → `InvalidShape`.
 *
 * @example
 * const logQ = [Math.log(0.9), Math.log(0.1)];
 * klDivLoss(logQ, [0.5, 0.5], { reduction: "sum" }); // 0.5108 = KL(p ‖ q) with p = [0.5, 0.5]
 * klDivLoss([logQ, logQ], [[0.5, 0.5], [0.9, 0.1]], { reduction: "batchmean" }); // 0.2554
 */
export function klDivLoss(
  input: ArrayInput,
  target: ArrayInput,
  options: KlDivLossOptions = {},
): number | NDArray {
  const reduction = options.reduction ?? "mean";
  if (!REDUCTIONS.includes(reduction)) {
    throw invalidParameter("reduction", `one of ${REDUCTIONS.map((r) => `"${r}"`).join(", ")}`, reduction);
  }
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== "boolean") throw invalidParameter("logTarget", "a boolean", logTarget);
  const x = asArray(input, "input");
  const t = asArray(target, "target");
  const shape = broadcastShapes([x.shape, t.shape], ["input", "target"]);
  const n = sizeOf(shape);
  const mx = broadcastMap(x.shape, shape);
  const mt = broadcastMap(t.shape, shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x.data[mx ? mx[i] : i];
    const ti = t.data[mt ? mt[i] : i];
    out[i] = logTarget ? Math.exp(ti) * (ti - xi) : xlogy(ti, ti) - ti * xi;
  }
  switch (reduction) {
    case "none":
      return result(out, shape);
    case "sum":
      return compensatedSum(n, (k) => out[k]);
    case "mean":
      return compensatedSum(n, (k) => out[k]) / n;
    case "batchmean": {
      const total = compensatedSum(n, (k) => out[k]);
      return x.ndim === 0 ? total : total / x.shape[0];
    }
  }
}
