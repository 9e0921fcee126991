/**
 * The one error class of kullback. Every failure carries a machine-readable `code`, the
 * argument at fault, the batch index (when the input was batched) and the offending value.
 */
export type ErrorCode =
  | "InvalidShape"
  | "InvalidParameter"
  | "NotPositiveDefinite"
  | "NotImplemented"
  /** A worker thread of the pool failed (src/parallel). */
  | "WorkerFailed";

export interface ErrorDetails {
  /** Name of the argument at fault, e.g. `"q.covariance"`. */
  argument?: string;
  /** Batch index (multi-index into the batch shape) of the element at fault. */
  index?: readonly number[];
  /** The offending value (a number, a shape, a pivot order...). */
  value?: unknown;
}

/**
 * Every error the library throws on bad input: a `code` (`InvalidShape`, `InvalidParameter`,
 * `NotPositiveDefinite`, `NotImplemented`, `WorkerFailed`), the `argument` at fault, the batch
 * `index` and the `value`, and a message that says what to do. Nothing is left half-changed.
 *
 * @example
 * try {
 *   new Normal(0, -2);
 * } catch (e) {
 *   (e as KullbackError).code; // "InvalidParameter"
 *   (e as KullbackError).argument; // "scale"
 * }
 */
export class KullbackError extends Error {
  readonly code: ErrorCode;
  readonly argument: string | undefined;
  readonly index: readonly number[] | undefined;
  readonly value: unknown;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = "KullbackError";
    this.code = code;
    this.argument = details.argument;
    this.index = details.index;
    this.value = details.value;
  }
}

function where(index: readonly number[] | undefined): string {
  return index && index.length > 0 ? ` at batch index [${index.join(", ")}]` : "";
}

/** A parameter outside its domain. */
export function invalidParameter(
  argument: string,
  requirement: string,
  value: unknown,
  index?: readonly number[],
): KullbackError {
  return new KullbackError(
    "InvalidParameter",
    `${argument}${where(index)} must be ${requirement}; got ${formatValue(value)}`,
    { argument, index, value },
  );
}

/** Shapes that do not fit or do not broadcast. */
export function invalidShape(argument: string, message: string, value?: unknown): KullbackError {
  return new KullbackError("InvalidShape", `${argument}: ${message}`, { argument, value });
}

export function notPositiveDefinite(
  argument: string,
  reason: string,
  index?: readonly number[],
  value?: unknown,
): KullbackError {
  return new KullbackError(
    "NotPositiveDefinite",
    `${argument}${where(index)} is not positive definite: ${reason}`,
    {
      argument,
      index,
      value,
    },
  );
}

export function notImplemented(message: string): KullbackError {
  return new KullbackError("NotImplemented", message);
}

export function formatValue(v: unknown): string {
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}
