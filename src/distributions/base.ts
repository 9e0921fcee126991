/**
 * The distribution protocol shared by every family, and the small helpers families use to read,
 * broadcast and validate their parameters.
 */
import {
  NDArray,
  asArray,
  broadcastShapes,
  broadcastMap,
  sizeOf,
  unravel,
  result,
  type ArrayInput,
} from "../core/array.js";
import { invalidParameter } from "../core/errors.js";

/** Options every constructor accepts. */
export interface DistributionOptions {
  /**
   * Check parameters on construction (default: on, see `configure`). Turning it off
   * saves a pass over the parameters; invalid parameters then give undefined results.
   */
  validate?: boolean;
}

export interface SampleOptions {
  /** Seed of the generator (see `Random`); the same seed gives the same draws on every platform. */
  seed?: number;
}

/** A distribution as a plain JSON object: `family` plus that family's parameters. */
export interface DistributionJSON {
  family: string;
  [param: string]: unknown;
}

const settings = { validate: true };

/** Sets the library-wide validation default (the public form is `configure({ validate })`). */
export function configureValidation(validate: boolean): void {
  settings.validate = validate;
}

/** The library-wide validation default. */
export function validationEnabled(): boolean {
  return settings.validate;
}

export function shouldValidate(options?: DistributionOptions): boolean {
  return options?.validate ?? settings.validate;
}

/**
 * A batch of independent distributions of one family: `batchShape` (the batch), `eventShape`
 * (one draw), `mean()`, `logProb(x)`, `entropy()`, seeded `sample(n, { seed })` and `toJSON()`.
 * A scalar batch gives numbers, otherwise NDArrays of the batch shape. `kl(p, q)` dispatches on
 * the (p, q) classes through the registry.
 *
 * @example
 * const p = new Normal([0, 1], 1); // batchShape [2]
 * p.entropy(); // NDArray [1.4189…, 1.4189…]
 */
export abstract class Distribution {
  /** The family name used in JSON (`"Normal"`, `"MultivariateNormal"`, ...). */
  abstract readonly family: string;
  /** Shape of the batch of independent distributions this object holds. */
  abstract readonly batchShape: readonly number[];
  /** Shape of one draw (`[]` for scalar families, `[d]` for vector ones). */
  abstract readonly eventShape: readonly number[];
  /** Mean, shape batchShape + eventShape. */
  abstract mean(): number | NDArray;
  /** Log density (or log mass) of `x`, whose trailing axes are the event; batch axes broadcast. */
  abstract logProb(x: ArrayInput): number | NDArray;
  /** Differential (or Shannon) entropy in nats, shape batchShape. */
  abstract entropy(): number | NDArray;
  /** `n` independent draws, shape [n, ...batchShape, ...eventShape]. */
  abstract sample(n: number, options?: SampleOptions): NDArray;
  /** The JSON interchange object of FORMAT.md. */
  abstract toJSON(): DistributionJSON;
}

/** Parameters read and broadcast to one batch shape (all copies of the caller's data). */
export interface ScalarParams {
  batchShape: number[];
  values: Float64Array[];
}

/**
 * Reads scalar-per-batch-element parameters, broadcasts them together and returns flat arrays of
 * the common batch shape. `names` label error messages (e.g. `"scale"`).
 */
export function readScalarParams(inputs: readonly ArrayInput[], names: readonly string[]): ScalarParams {
  const arrays = inputs.map((x, i) => asArray(x, names[i]));
  const batchShape = broadcastShapes(
    arrays.map((a) => a.shape),
    names,
  );
  const n = sizeOf(batchShape);
  const values = arrays.map((a) => {
    const map = broadcastMap(a.shape, batchShape);
    if (!map) return a.data;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a.data[map[i]];
    return out;
  });
  return { batchShape, values };
}

/** Throws InvalidParameter at the first element failing `ok` (NaN fails every check). */
export function check(
  values: Float64Array,
  shape: readonly number[],
  name: string,
  requirement: string,
  ok: (v: number) => boolean,
): void {
  for (let i = 0; i < values.length; i++) {
    if (!ok(values[i])) throw invalidParameter(name, requirement, values[i], unravel(i, shape));
  }
}

export const positive = (v: number): boolean => v > 0 && v < Infinity;
export const finite = (v: number): boolean => Number.isFinite(v);
export const nonNegative = (v: number): boolean => v >= 0 && v < Infinity;
export const probability = (v: number): boolean => v >= 0 && v <= 1;

/**
 * Evaluates `f(x, i)` for a value array `x` whose shape broadcasts against `batchShape`
 * (scalar events); `i` is the flat batch index. Returns a number for 0-d results.
 */
export function mapScalarEvent(
  x: ArrayInput,
  batchShape: readonly number[],
  f: (x: number, i: number) => number,
): number | NDArray {
  const xa = asArray(x, "x");
  const shape = broadcastShapes([xa.shape, batchShape], ["x", "batch"]);
  const mx = broadcastMap(xa.shape, shape);
  const mb = broadcastMap(batchShape, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = f(xa.data[mx ? mx[k] : k], mb ? mb[k] : k);
  return result(out, shape);
}

/** Evaluates a per-batch-element function over the broadcast of two batch shapes. */
export function mapPair(
  shapeP: readonly number[],
  shapeQ: readonly number[],
  f: (ip: number, iq: number) => number,
): number | NDArray {
  const shape = broadcastShapes([shapeP, shapeQ], ["p", "q"]);
  const mp = broadcastMap(shapeP, shape);
  const mq = broadcastMap(shapeQ, shape);
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = f(mp ? mp[k] : k, mq ? mq[k] : k);
  return result(out, shape);
}

/** Evaluates `f(i)` for each element of a batch. */
export function mapBatch(shape: readonly number[], f: (i: number) => number): number | NDArray {
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return result(out, shape);
}

/** Checks a sample count. */
export function checkSampleCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw invalidParameter("n", "a non-negative integer", n);
}

/** Parameters as JSON: a number for 0-d, nested arrays otherwise, special numbers as strings. */
export function paramJSON(data: Float64Array, shape: readonly number[]): unknown {
  return encodeSpecial(new NDArray(data, shape).toNested());
}

export function encodeSpecial(v: unknown): unknown {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return v;
  }
  if (Array.isArray(v)) return v.map(encodeSpecial);
  if (v instanceof NDArray) return encodeSpecial(v.toNested());
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeSpecial(x);
    return out;
  }
  return v;
}
