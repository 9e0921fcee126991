/** ScalarFamily: the shared parameter handling of the scalar families, built-in and user-defined. */
import { describe, expect, it } from "vitest";
import {
  Bernoulli,
  Beta,
  Binomial,
  ContinuousBernoulli,
  Exponential,
  Gamma,
  Geometric,
  KullbackError,
  Normal,
  NDArray,
  Pareto,
  Poisson,
  ScalarFamily,
  Uniform,
  Weibull,
  fromJSON,
  paramSpec,
  registerFamily,
  type ArrayInput,
  type DistributionOptions,
} from "../../src/index.js";
import { positiveParam } from "../../src/distributions/scalar-family.js";

/** The example of ScalarFamily's documentation, completed. */
class Rayleigh extends ScalarFamily {
  readonly family = "Rayleigh";
  readonly scale: Float64Array;
  constructor(scale: ArrayInput, options?: DistributionOptions) {
    super([scale], [positiveParam("scale")], options);
    [this.scale] = this.paramValues;
  }
  mean(): number | NDArray {
    return new NDArray(
      this.scale.map((s) => s * Math.sqrt(Math.PI / 2)),
      [...this.batchShape],
    );
  }
  logProb(): number {
    return NaN;
  }
  entropy(): number {
    return NaN;
  }
  sample(n: number): NDArray {
    return new NDArray(new Float64Array(n * this.scale.length), [n, ...this.batchShape]);
  }
}

/** Two parameters with their own checks, to see the order of checks and of JSON keys. */
class Pair extends ScalarFamily {
  readonly family = "Pair";
  constructor(b: ArrayInput, a: ArrayInput, options?: DistributionOptions) {
    super(
      [b, a],
      [paramSpec("b", "an integer", Number.isInteger), paramSpec("a", "below 10", (v) => v < 10)],
      options,
    );
  }
  mean(): number {
    return 0;
  }
  logProb(): number {
    return 0;
  }
  entropy(): number {
    return 0;
  }
  sample(n: number): NDArray {
    return new NDArray(new Float64Array(n), [n]);
  }
}

/** Expects `f` to throw an InvalidParameter KullbackError with these fields. */
function expectInvalid(f: () => unknown, fields: { argument?: string; index?: number[]; message?: string }) {
  expect(f).toThrow(KullbackError);
  expect(f).toThrow(expect.objectContaining({ code: "InvalidParameter", ...fields }));
}

describe("ScalarFamily", () => {
  it("broadcasts, copies and keeps the parameters; eventShape is []", () => {
    const input = new Float64Array([1, 2]);
    const d = new Rayleigh({ data: input, shape: [2] });
    input[0] = 5;
    expect(d.batchShape).toEqual([2]);
    expect(d.eventShape).toEqual([]);
    expect(Array.from(d.scale)).toEqual([1, 2]);
    const p = new Pair([[1], [2]], [3, 4, 5]);
    expect(p.batchShape).toEqual([2, 3]);
  });

  it("writes JSON in the specs' order, with special numbers as strings", () => {
    expect(new Rayleigh([1, 2]).toJSON()).toEqual({ family: "Rayleigh", scale: [1, 2] });
    const json = new Pair(1, [-Infinity, 2]).toJSON();
    expect(Object.keys(json)).toEqual(["family", "b", "a"]);
    expect(json).toEqual({ family: "Pair", b: [1, 1], a: ["-Infinity", 2] });
  });

  it("checks the parameters in order, naming the parameter and the batch index", () => {
    const batch = [
      [1, 2],
      [3, -1],
    ];
    expectInvalid(() => new Rayleigh(batch), {
      argument: "scale",
      index: [1, 1],
      message: "scale at batch index [1, 1] must be positive and finite; got -1",
    });
    expectInvalid(() => new Pair(0.5, 20), { argument: "b" });
    expectInvalid(() => new Pair(1, NaN), { argument: "a", message: "a must be below 10; got NaN" });
    expect(() => new Rayleigh(-1, { validate: false })).not.toThrow();
  });

  it("a registered user family round-trips through JSON", () => {
    registerFamily("Rayleigh", (o) => new Rayleigh(o.scale as ArrayInput));
    const d = fromJSON({ family: "Rayleigh", scale: [[0.5], [2]] }) as Rayleigh;
    expect(d).toBeInstanceOf(Rayleigh);
    expect(d.batchShape).toEqual([2, 1]);
    expect(d.toJSON()).toEqual({ family: "Rayleigh", scale: [[0.5], [2]] });
  });
});

describe("built-in scalar families on ScalarFamily", () => {
  it("keep their JSON keys and order", () => {
    const cases: [ScalarFamily, string[]][] = [
      [new Normal(0, 1), ["family", "loc", "scale"]],
      [new Beta(1, 2), ["family", "concentration1", "concentration0"]],
      [new Gamma(1, 2), ["family", "concentration", "rate"]],
      [new Pareto(1, 2), ["family", "scale", "alpha"]],
      [new Weibull(1, 2), ["family", "scale", "concentration"]],
      [new Uniform(1, 2), ["family", "low", "high"]],
      [new Exponential(1), ["family", "rate"]],
      [new Poisson(0), ["family", "rate"]],
      [new ContinuousBernoulli(0.3), ["family", "probs"]],
      [ContinuousBernoulli.fromLogits(1), ["family", "probs"]],
      [new Bernoulli({ logits: 1 }), ["family", "logits"]],
      [new Geometric({ probs: 0.5 }), ["family", "probs"]],
      [new Binomial({ totalCount: 3, logits: 0 }), ["family", "totalCount", "logits"]],
    ];
    for (const [d, keys] of cases) {
      expect(Object.keys(d.toJSON())).toEqual(keys);
      expect(fromJSON(d.toJSON()).toJSON()).toEqual(d.toJSON());
    }
  });

  it("keep their errors", () => {
    const cases: [() => unknown, string, string][] = [
      [
        () => new Beta([1, 2], [1, 0]),
        "concentration0",
        "at batch index [1] must be positive and finite; got 0",
      ],
      [() => new Uniform([0, 1], [1, 1]), "high", "at batch index [1] must be greater than low (1); got 1"],
      [() => new Uniform([NaN, 1], [0, 0]), "low", "at batch index [0] must be finite; got NaN"],
      [() => new Poisson(-1), "rate", "must be non-negative and finite; got -1"],
      [() => new ContinuousBernoulli(1), "probs", "must be in the open interval (0, 1); got 1"],
      [() => new Bernoulli({ logits: NaN }), "logits", "must be a number (not NaN); got NaN"],
      [() => new Geometric({ probs: 0 }), "probs", "must be in (0, 1]; got 0"],
      [
        () => new Geometric({ logits: -Infinity }),
        "logits",
        "must be a number > −∞ (not NaN); got -Infinity",
      ],
      [
        () => new Binomial({ totalCount: [1.5, 2], probs: 2 }),
        "totalCount",
        "at batch index [0] must be a non-negative integer; got 1.5",
      ],
      [
        () => new Binomial({ totalCount: 2, probs: [0, 2] }),
        "probs",
        "at batch index [1] must be in [0, 1]; got 2",
      ],
    ];
    for (const [f, argument, rest] of cases) expectInvalid(f, { argument, message: `${argument} ${rest}` });
  });
});
