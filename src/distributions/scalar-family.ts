/**
 * The shared parameter handling of the scalar (univariate) families: each parameter is one number
 * per batch element; the parameters are read, broadcast together to one batch shape, copied,
 * validated in order, and written back to JSON in the same order.
 */
import type { ArrayInput } from "../core/array.js";
import {
  Distribution,
  check,
  finite,
  nonNegative,
  paramJSON,
  positive,
  probability,
  readScalarParams,
  shouldValidate,
  type DistributionJSON,
  type DistributionOptions,
} from "./base.js";

/**
 * One scalar parameter of a family: its `name` (the JSON key and the argument named in errors),
 * the `requirement` an error states (`"<name> must be <requirement>; got …"`) and the check `ok`
 * every element must pass (NaN should fail it).
 */
export interface ParamSpec {
  readonly name: string;
  readonly requirement: string;
  readonly ok: (v: number) => boolean;
}

/**
 * A parameter of a user-defined `ScalarFamily`: its name, the requirement an error message
 * states, and the check.
 *
 * @example
 * const rate = paramSpec("rate", "positive and finite", (v) => v > 0 && Number.isFinite(v));
 */
export function paramSpec(name: string, requirement: string, ok: (v: number) => boolean): ParamSpec {
  return { name, requirement, ok };
}

/** A parameter that must be positive and finite (a scale, a rate, a concentration, …). */
export function positiveParam(name: string): ParamSpec {
  return paramSpec(name, "positive and finite", positive);
}

/** A parameter that must be finite (a location, an end of an interval). */
export function finiteParam(name: string): ParamSpec {
  return paramSpec(name, "finite", finite);
}

/** A parameter that must be non-negative and finite. */
export function nonNegativeParam(name: string): ParamSpec {
  return paramSpec(name, "non-negative and finite", nonNegative);
}

/** A probability, in [0, 1]. */
export function probabilityParam(name: string): ParamSpec {
  return paramSpec(name, "in [0, 1]", probability);
}

/**
 * Base class of the scalar families (scalar events, `eventShape` `[]`) whose parameters are one
 * number per batch element. The constructor takes the raw parameters and their {@link ParamSpec}s:
 * it broadcasts the parameters to one batch shape, copies them, checks them in the order given
 * (unless validation is off, see {@link DistributionOptions}) and keeps them in
 * {@link ScalarFamily.paramValues}; `toJSON` writes `{ family, <name>: value, … }` in that order.
 * A subclass names its parameters as public fields, sets `family`, and implements the moments,
 * `logProb`, `entropy` and `sample`.
 * @example
 * class Rayleigh extends ScalarFamily {
 *   readonly family = "Rayleigh";
 *   readonly scale: Float64Array;
 *   constructor(scale: ArrayInput, options?: DistributionOptions) {
 *     super([scale], [positiveParam("scale")], options);
 *     [this.scale] = this.paramValues;
 *   }
 *   mean(): number | NDArray {
 *     return new NDArray(this.scale.map((s) => s * Math.sqrt(Math.PI / 2)), [...this.batchShape]);
 *   }
 *   // logProb, entropy, sample …
 * }
 * new Rayleigh([1, 2]).toJSON(); // { family: "Rayleigh", scale: [1, 2] }
 * registerFamily("Rayleigh", (o) => new Rayleigh(o.scale as ArrayInput)); // fromJSON reads it too
 * new Rayleigh(-1); // throws InvalidParameter "scale must be positive and finite; got -1"
 */
export abstract class ScalarFamily extends Distribution {
  readonly batchShape: readonly number[];
  readonly eventShape: readonly number[] = [];
  /** The parameters' specs, in the order of the constructor's inputs. */
  protected readonly paramSpecs: readonly ParamSpec[];
  /** The parameters, one per spec, each flat over the batch (copies of the inputs). */
  protected readonly paramValues: readonly Float64Array[];

  /**
   * `inputs[i]` is the parameter described by `specs[i]`; the inputs broadcast to a batch. The
   * first element failing its check throws InvalidParameter (with the parameter's name and the
   * element's batch index).
   */
  constructor(inputs: readonly ArrayInput[], specs: readonly ParamSpec[], options?: DistributionOptions) {
    super();
    const { batchShape, values } = readScalarParams(
      inputs,
      specs.map((s) => s.name),
    );
    if (shouldValidate(options)) {
      specs.forEach((s, i) => check(values[i], batchShape, s.name, s.requirement, s.ok));
    }
    this.batchShape = batchShape;
    this.paramSpecs = specs;
    this.paramValues = values;
  }

  /** `{ family, <name>: value, … }`, the parameters in the specs' order. */
  toJSON(): DistributionJSON {
    const json: DistributionJSON = { family: this.family };
    this.paramSpecs.forEach((s, i) => {
      json[s.name] = paramJSON(this.paramValues[i], this.batchShape);
    });
    return json;
  }
}
