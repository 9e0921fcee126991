import { describe, it, expect } from "vitest";
import fc from "fast-check";
import fs from "node:fs";
import { NDArray } from "../../src/core/array.js";
import type { Nested } from "../../src/core/array.js";
import { KullbackError } from "../../src/core/errors.js";
import {
  entropy,
  jensenShannon,
  jensenShannonDistance,
  klDiv,
  klDivLoss,
  relEntr,
} from "../../src/divergences/elementwise.js";
import type { KlDivLossReduction } from "../../src/divergences/elementwise.js";
import { elementwiseOps } from "../../src/conformance/elementwise-ops.js";
import { runs } from "../helpers.js";

// ---------------------------------------------------------------------------------------------
// Fixture helpers
// ---------------------------------------------------------------------------------------------

/** Replaces the strings "Infinity", "-Infinity", "NaN" anywhere in parsed JSON by numbers. */
function reviveSpecials(v: unknown): unknown {
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (v === "NaN") return NaN;
  if (Array.isArray(v)) return v.map(reviveSpecials);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = reviveSpecials(x);
    return out;
  }
  return v;
}

type Case = Record<string, unknown> & {
  id: string;
  op: string;
  expected: unknown;
  rtol: number;
  atol: number;
};

function loadCases(file: string): Case[] {
  const text = fs.readFileSync(new URL(`../fixtures/vectors/${file}`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => reviveSpecials(JSON.parse(line)) as Case);
}

/** Scalar pass rule: |r - e| <= atol + rtol |e|, with infinities and NaN matching exactly. */
function closeScalar(r: number, e: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(r);
  if (!Number.isFinite(e)) return r === e;
  if (!Number.isFinite(r)) return false;
  return Math.abs(r - e) <= atol + rtol * Math.abs(e);
}

/** Returns null when `actual` passes against `expected`, else a description of the first mismatch. */
function mismatch(actual: unknown, expected: unknown, rtol: number, atol: number, path = ""): string | null {
  const a = actual instanceof NDArray ? actual.toNested() : actual;
  if (typeof expected === "number") {
    if (typeof a !== "number") return `${path || "result"}: expected a number, got ${JSON.stringify(a)}`;
    return closeScalar(a, expected, rtol, atol)
      ? null
      : `${path || "result"}: got ${a}, expected ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(a) || a.length !== expected.length) {
      return `${path || "result"}: expected an array of length ${expected.length}, got ${JSON.stringify(a)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = mismatch(a[i], expected[i], rtol, atol, `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  return `unsupported expected value ${JSON.stringify(expected)}`;
}

function runCase(c: Case): void {
  const handler = elementwiseOps[c.op];
  expect(handler, `no handler for op ${c.op}`).toBeDefined();
  const exp = c.expected;
  if (typeof exp === "object" && exp !== null && !Array.isArray(exp) && "error" in exp) {
    let caught: unknown;
    try {
      handler(c);
    } catch (e) {
      caught = e;
    }
    expect(caught, `${c.id}: expected a ${String(exp.error)} error`).toBeInstanceOf(KullbackError);
    expect((caught as KullbackError).code).toBe(exp.error);
    return;
  }
  const m = mismatch(handler(c), exp, c.rtol, c.atol);
  expect(m, `${c.id}: ${m}`).toBeNull();
}

const MY_OPS = new Set(["relEntr", "klDiv", "scipyEntropy", "jensenShannonDistance", "klDivLoss"]);

describe("reference vectors", () => {
  for (const file of ["scipy-discrete.jsonl", "torch-kldivloss.jsonl"]) {
    const cases = loadCases(file);
    describe(file, () => {
      it("has cases", () => expect(cases.length).toBeGreaterThan(0));
      for (const c of cases) it(c.id, () => runCase(c));
    });
  }
  describe("errors.jsonl (elementwise ops only)", () => {
    const cases = loadCases("errors.jsonl").filter((c) => MY_OPS.has(c.op));
    it("has cases", () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) it(c.id, () => runCase(c));
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases
// ---------------------------------------------------------------------------------------------

function nested(v: number | NDArray): Nested {
  return v instanceof NDArray ? v.toNested() : v;
}

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof KullbackError) return e.code;
    throw e;
  }
  return undefined;
}

function errorOf(f: () => unknown): KullbackError {
  try {
    f();
  } catch (e) {
    if (e instanceof KullbackError) return e;
    throw e;
  }
  throw new Error("expected a KullbackError");
}

describe("relEntr", () => {
  it("follows the SciPy corner table", () => {
    const rows: [number, number, number][] = [
      [0, 0, 0],
      [0, 3, 0],
      [0, Infinity, 0],
      [-0, 1, 0],
      [1, 0, Infinity],
      [-1, 1, Infinity],
      [1, -1, Infinity],
      [0, -1, Infinity],
      [-1, -1, Infinity],
      [NaN, 1, NaN],
      [1, NaN, NaN],
      [NaN, 0, NaN],
      [0, NaN, NaN],
      [Infinity, 1, Infinity],
      [1, Infinity, -Infinity],
      [Infinity, Infinity, NaN],
      [2, 2, 0],
    ];
    for (const [x, y, e] of rows) expect(relEntr(x, y), `relEntr(${x}, ${y})`).toBe(e);
  });

  it("is accurate near x = y (log1p form)", () => {
    const x = 0.7000000000001;
    const y = 0.7;
    // x - y is exact; x log(1 + r) = x r (1 - r/2 + ...) with r ~ 1.4e-13
    const r = (x - y) / y;
    const ref = x * r * (1 - r / 2);
    const v = relEntr(x, y) as number;
    expect(Math.abs(v - ref) / ref).toBeLessThan(1e-14);
    // the naive x * log(x / y) loses ~3 digits here (rounding of x / y)
    expect(Math.abs(x * Math.log(x / y) - ref) / ref).toBeGreaterThan(1e-6);
  });

  it("handles ratios that overflow or underflow", () => {
    const r1 = relEntr(1e300, 1e-300) as number;
    expect(r1).toBeCloseTo(1e300 * (Math.log(1e300) - Math.log(1e-300)), -290);
    expect(Number.isFinite(r1)).toBe(true);
    const r2 = relEntr(1e-300, 1e300) as number;
    expect(r2).toBe(1e-300 * (Math.log(1e-300) - Math.log(1e300)));
    expect(r2).toBeLessThan(0);
  });

  it("broadcasts like NumPy", () => {
    const out = relEntr([[1], [2]], [1, 2, 4]);
    expect(out).toBeInstanceOf(NDArray);
    expect((out as NDArray).shape).toEqual([2, 3]);
    const n = nested(out) as number[][];
    expect(n[0][0]).toBe(0);
    expect(n[1][1]).toBe(0);
    expect(n[1][2]).toBeCloseTo(2 * Math.log(0.5), 15);
    expect(n[0][2]).toBeCloseTo(Math.log(0.25), 15);
  });

  it("accepts typed arrays and {data, shape}", () => {
    const a = relEntr(new Float64Array([1, 2]), { data: [2, 2], shape: [2] });
    expect(nested(a)).toEqual([Math.log(0.5), 0]);
    expect(relEntr(2, 1)).toBe(2 * Math.log(2));
  });

  it("rejects shapes that do not broadcast", () => {
    expect(errorCode(() => relEntr([1, 2, 3], [1, 2]))).toBe("InvalidShape");
  });
});

describe("klDiv", () => {
  it("follows the SciPy corner table", () => {
    const rows: [number, number, number][] = [
      [0, 0, 0],
      [0, 3, 3],
      [0, Infinity, Infinity],
      [1, 0, Infinity],
      [-1, 1, Infinity],
      [1, -1, Infinity],
      [0, -1, Infinity],
      [NaN, 1, NaN],
      [1, NaN, NaN],
      [Infinity, 1, NaN],
      [1, Infinity, NaN],
      [Infinity, Infinity, NaN],
      [2, 2, 0],
    ];
    for (const [x, y, e] of rows) expect(klDiv(x, y), `klDiv(${x}, ${y})`).toBe(e);
  });

  it("equals x log(x/y) - x + y away from the diagonal", () => {
    for (const [x, y] of [
      [3, 0.2],
      [0.01, 5],
      [1, 1.9],
      [1, 1.05],
      [2e-5, 1e-5],
    ]) {
      const naive = x * Math.log(x / y) - x + y;
      expect(klDiv(x, y) as number).toBeCloseTo(naive, 12);
    }
  });

  it("is non-negative and second-order accurate near x = y", () => {
    const y = 0.3;
    const x = y * (1 + 1e-6);
    // y * r^2 / 2 (1 - r/3 + ...) with r = 1e-6
    const v = klDiv(x, y) as number;
    expect(v).toBeGreaterThan(0);
    const r = (x - y) / y;
    expect(Math.abs(v - (y * r * r) / 2) / v).toBeLessThan(1e-5);
  });

  it("rejects shapes that do not broadcast", () => {
    expect(errorCode(() => klDiv([[1, 2, 3]], [[1, 2]]))).toBe("InvalidShape");
  });
});

describe("entropy (scipy.stats.entropy)", () => {
  it("normalises and computes Shannon entropy in nats / bits", () => {
    expect(entropy([1, 1])).toBeCloseTo(Math.log(2), 15);
    expect(entropy([3, 3, 3, 3], undefined, { base: 2 })).toBeCloseTo(2, 15);
    expect(entropy([5])).toBe(0);
  });

  it("computes relative entropy KL(pk || qk)", () => {
    const v = entropy([0.5, 0.5], [0.9, 0.1], { base: 2 }) as number;
    expect(v).toBeCloseTo(0.5 * Math.log2(0.5 / 0.9) + 0.5 * Math.log2(0.5 / 0.1), 14);
    expect(entropy([1, 0], [0, 1])).toBe(Infinity);
    expect(entropy([0, 1], [0, 1])).toBe(0);
  });

  it("zero-sum and NaN lanes give NaN", () => {
    expect(entropy([0, 0])).toBeNaN();
    expect(entropy([1, NaN])).toBeNaN();
    expect(entropy([1, 1], [0, 0])).toBeNaN();
  });

  it("reduces along axis 0 by default and supports negative axes", () => {
    const pk = [
      [1, 2, 3],
      [1, 2, 1],
    ];
    const a0 = nested(entropy(pk)) as number[];
    expect(a0).toHaveLength(3);
    expect(a0[0]).toBeCloseTo(Math.log(2), 15);
    expect(a0[1]).toBeCloseTo(Math.log(2), 15);
    expect(a0[2]).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 15);
    const a1 = nested(entropy(pk, undefined, { axis: -1 })) as number[];
    expect(a1).toEqual(nested(entropy(pk, undefined, { axis: 1 })));
    expect(a1[0]).toBeCloseTo(entropy([1, 2, 3]) as number, 15);
    expect(nested(entropy(pk, undefined, { axis: 1, keepdims: true }))).toEqual(a1.map((v) => [v]));
  });

  it("reduces along a middle axis of a 3-d array", () => {
    const pk = [
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [1, 1],
        [1, 1],
        [2, 2],
      ],
    ];
    const out = entropy(pk, undefined, { axis: 1 }) as NDArray;
    expect(out.shape).toEqual([2, 2]);
    expect(out.get(0, 1)).toBeCloseTo(entropy([2, 4, 6]) as number, 15);
    expect(out.get(1, 0)).toBeCloseTo(entropy([1, 1, 2]) as number, 15);
  });

  it("broadcasts pk and qk before normalising", () => {
    const qk = [
      [1, 2, 3],
      [3, 2, 1],
    ];
    const out = nested(entropy([1, 1, 1], qk, { axis: -1 })) as number[];
    expect(out[0]).toBeCloseTo(entropy([1, 1, 1], [1, 2, 3]) as number, 15);
    expect(out[1]).toBeCloseTo(entropy([1, 1, 1], [3, 2, 1]) as number, 15);
  });

  it("raises the documented errors", () => {
    expect(errorCode(() => entropy([1, 2, 3], [1, 2]))).toBe("InvalidShape");
    expect(errorCode(() => entropy([1, 2], undefined, { axis: 1 }))).toBe("InvalidParameter");
    expect(errorCode(() => entropy([1, 2], undefined, { axis: -2 }))).toBe("InvalidParameter");
    expect(errorCode(() => entropy([1, 2], undefined, { axis: 0.5 }))).toBe("InvalidParameter");
    expect(errorCode(() => entropy(3))).toBe("InvalidParameter");
    expect(errorCode(() => entropy([1, 2], undefined, { base: 0 }))).toBe("InvalidParameter");
    expect(errorCode(() => entropy([1, 2], undefined, { base: -2 }))).toBe("InvalidParameter");
    expect(errorCode(() => entropy([1, 2], undefined, { base: 1 }))).toBe("InvalidParameter");
    expect(errorOf(() => entropy([1, 2], undefined, { base: NaN })).argument).toBe("base");
  });

  it("an empty axis gives NaN", () => {
    expect(entropy([])).toBeNaN();
  });
});

describe("Jensen-Shannon", () => {
  it("disjoint supports give log 2 nats, 1 bit", () => {
    expect(jensenShannon([1, 0], [0, 1])).toBeCloseTo(Math.log(2), 15);
    expect(jensenShannon([1, 0], [0, 1], { base: 2 })).toBeCloseTo(1, 15);
    expect(jensenShannonDistance([1, 0], [0, 1], { base: 2 })).toBeCloseTo(1, 15);
  });

  it("identical inputs give exactly 0 (no NaN)", () => {
    expect(jensenShannonDistance([0.1, 0.2, 0.7], [1, 2, 7])).toBe(0);
    expect(jensenShannon([3, 0, 1], [3, 0, 1])).toBe(0);
  });

  it("distance is the square root of the divergence", () => {
    const p = [0.2, 0.5, 0.3];
    const q = [0.6, 0.1, 0.3];
    const d = jensenShannon(p, q, { base: 2 }) as number;
    expect(jensenShannonDistance(p, q, { base: 2 })).toBeCloseTo(Math.sqrt(d), 15);
    const m = p.map((v, i) => (v + q[i]) / 2);
    const kl = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * Math.log(v / b[i]), 0);
    expect(jensenShannon(p, q)).toBeCloseTo(0.5 * kl(p, m) + 0.5 * kl(q, m), 15);
  });

  it("axis, negative axis and keepdims", () => {
    const p = [
      [1, 0],
      [1, 1],
    ];
    const q = [
      [0, 1],
      [1, 1],
    ];
    const rows = nested(jensenShannon(p, q, { axis: 1 })) as number[];
    expect(rows[0]).toBeCloseTo(Math.log(2), 15);
    expect(rows[1]).toBe(0);
    expect(nested(jensenShannon(p, q, { axis: -1 }))).toEqual(rows);
    expect(nested(jensenShannon(p, q, { axis: 1, keepdims: true }))).toEqual(rows.map((v) => [v]));
    const cols = nested(jensenShannonDistance(p, q)) as number[];
    expect(cols[0]).toBeCloseTo(Math.sqrt(jensenShannon([1, 1], [0, 1]) as number), 15);
    const kept = jensenShannonDistance([1, 2], [2, 1], { keepdims: true }) as NDArray;
    expect(kept.shape).toEqual([1]);
  });

  it("raises the documented errors", () => {
    expect(errorCode(() => jensenShannonDistance([1, 2, 3], [1, 2, 3, 4]))).toBe("InvalidShape");
    expect(errorCode(() => jensenShannon([1, 2], [2, 1], { axis: 2 }))).toBe("InvalidParameter");
    expect(errorCode(() => jensenShannon([1, 2], [2, 1], { base: 0 }))).toBe("InvalidParameter");
    expect(errorCode(() => jensenShannon(1, 2))).toBe("InvalidParameter");
  });

  it("zero-sum inputs and negative entries", () => {
    expect(jensenShannonDistance([0, 0], [1, 1])).toBeNaN();
    expect(jensenShannon([2, -1], [1, 1])).toBe(Infinity);
  });
});

describe("klDivLoss (torch.nn.functional.kl_div)", () => {
  const logQ = [Math.log(0.9), Math.log(0.1)];
  const p = [0.5, 0.5];
  const klPQ = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);

  it("input is log q, target is p: the sum is KL(p || q)", () => {
    expect(klDivLoss(logQ, p, { reduction: "sum" })).toBeCloseTo(klPQ, 15);
    expect(klDivLoss(logQ, p.map(Math.log), { reduction: "sum", logTarget: true })).toBeCloseTo(klPQ, 15);
  });

  it("reductions none / sum / mean / batchmean", () => {
    const input = [logQ, logQ, logQ];
    const target = [p, [0.9, 0.1], p];
    const none = klDivLoss(input, target, { reduction: "none" }) as NDArray;
    expect(none.shape).toEqual([3, 2]);
    const total = Array.from(none.data).reduce((a, b) => a + b, 0);
    expect(klDivLoss(input, target, { reduction: "sum" })).toBeCloseTo(total, 15);
    expect(klDivLoss(input, target)).toBeCloseTo(total / 6, 15); // default reduction "mean"
    expect(klDivLoss(input, target, { reduction: "mean" })).toBeCloseTo(total / 6, 15);
    expect(klDivLoss(input, target, { reduction: "batchmean" })).toBeCloseTo(total / 3, 15);
    expect(klDivLoss(input, target, { reduction: "batchmean" })).toBeCloseTo((2 * klPQ) / 3, 15);
  });

  it("batchmean divides by input.shape[0], and is the plain sum for 0-d input", () => {
    // input [2] against target [3, 2]: 6 elements, divided by input.shape[0] = 2
    const target = [p, p, p];
    const sum = klDivLoss(logQ, target, { reduction: "sum" }) as number;
    expect(klDivLoss(logQ, target, { reduction: "batchmean" })).toBeCloseTo(sum / 2, 15);
    expect(klDivLoss(logQ, target, { reduction: "mean" })).toBeCloseTo(sum / 6, 15);
    const s = klDivLoss(-1.5, 0.4, { reduction: "sum" });
    expect(klDivLoss(-1.5, 0.4, { reduction: "batchmean" })).toBe(s);
    expect(klDivLoss(-1.5, 0.4, { reduction: "none" })).toBe(s);
  });

  it("pointwise corner table (xlogy semantics)", () => {
    const none = (x: number, t: number, logTarget = false) =>
      klDivLoss(x, t, { reduction: "none", logTarget }) as number;
    expect(none(-3, 0)).toBe(0);
    expect(none(5, 0)).toBe(0);
    expect(none(-Infinity, 0)).toBeNaN(); // 0 * -inf, as PyTorch
    expect(none(-Infinity, 0.3)).toBe(Infinity);
    expect(none(-1, NaN)).toBeNaN();
    expect(none(NaN, 0.5)).toBeNaN();
    expect(none(-1, -0.5)).toBeNaN();
    expect(none(-1, -Infinity, true)).toBeNaN(); // exp(-inf) * (-inf) = 0 * inf, as PyTorch
    expect(none(-1, -700, true)).toBeCloseTo(Math.exp(-700) * -699, 320);
    expect(none(-1, 0.25)).toBeCloseTo(0.25 * (Math.log(0.25) + 1), 15);
    expect(none(-1, Math.log(0.25), true)).toBeCloseTo(0.25 * (Math.log(0.25) + 1), 15);
  });

  it("empty input: sum 0, mean NaN", () => {
    expect(klDivLoss([], [], { reduction: "sum" })).toBe(0);
    expect(klDivLoss([], [], { reduction: "mean" })).toBeNaN();
  });

  it("rejects an unknown reduction naming `reduction`", () => {
    const e = errorOf(() => klDivLoss(logQ, p, { reduction: "avg" as KlDivLossReduction }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("reduction");
    expect(e.message).toContain("reduction");
    expect(errorOf(() => klDivLoss(logQ, p, { logTarget: "yes" as unknown as boolean })).argument).toBe(
      "logTarget",
    );
  });

  it("rejects shapes that do not broadcast", () => {
    expect(errorCode(() => klDivLoss([[-1, -2, -3]], [[0.5, 0.5]]))).toBe("InvalidShape");
  });
});

describe("inputs are never mutated", () => {
  it("leaves nested arrays, typed arrays and {data, shape} untouched", () => {
    const a = [
      [0.1, 0.2, 0.7],
      [0.3, 0.3, 0.4],
    ];
    const b = new Float64Array([0.5, 0.25, 0.25]);
    const c = { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] };
    const snapshot = JSON.stringify([a, Array.from(b), c]);
    relEntr(a, b);
    klDiv(c, b);
    entropy(a, c, { axis: 1 });
    entropy(c);
    jensenShannon(a, b, { axis: -1 });
    jensenShannonDistance(c, a);
    klDivLoss(a, c, { reduction: "batchmean" });
    klDivLoss(c, b, { reduction: "none", logTarget: true });
    expect(JSON.stringify([a, Array.from(b), c])).toBe(snapshot);
  });

  it("the result does not alias an NDArray input", () => {
    const x = new NDArray(new Float64Array([1, 2]), [2]);
    const out = relEntr(x, 1) as NDArray;
    expect(out.data).not.toBe(x.data);
    expect(Array.from(x.data)).toEqual([1, 2]);
  });
});

describe("ops table", () => {
  it("reads the case fields by name, null meaning absent", () => {
    expect(elementwiseOps.scipyEntropy({ pk: [1, 1], qk: null, base: null, axis: null })).toBeCloseTo(
      Math.log(2),
      15,
    );
    expect(elementwiseOps.jensenShannonDistance({ p: [1, 0], q: [0, 1], base: 2 })).toBeCloseTo(1, 15);
    expect(elementwiseOps.klDivLoss({ input: [-1], target: [0.5] })).toBeCloseTo(
      0.5 * (Math.log(0.5) + 1),
      15,
    );
    expect(errorCode(() => elementwiseOps.relEntr({ x: [1] }))).toBe("InvalidParameter");
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const weight = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.double({ min: 1e-6, max: 1e3, noNaN: true }) },
);

const pair = fc.integer({ min: 1, max: 16 }).chain((n) =>
  fc.tuple(
    fc.array(weight, { minLength: n, maxLength: n }).filter((a) => a.some((v) => v > 0)),
    fc.array(weight, { minLength: n, maxLength: n }).filter((a) => a.some((v) => v > 0)),
  ),
);

const normalise = (a: number[]): number[] => {
  const s = a.reduce((x, y) => x + y, 0);
  return a.map((v) => v / s);
};

describe("properties", () => {
  it("sum of relEntr over normalised p, q is >= 0 (Gibbs)", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const p = normalise(a);
        const q = normalise(b);
        const r = nested(relEntr(p, q)) as number[];
        const s = r.reduce((x, y) => x + y, 0);
        return Number.isNaN(s) ? false : s >= -1e-12;
      }),
      { numRuns: runs(300) },
    );
  });

  it("entropy(pk, qk) equals the sum of relEntr of the normalised inputs", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const r = nested(relEntr(normalise(a), normalise(b))) as number[];
        const s = r.reduce((x, y) => x + y, 0);
        const e = entropy(a, b) as number;
        return s === Infinity ? e === Infinity : Math.abs(e - s) <= 1e-12 + 1e-9 * Math.abs(s);
      }),
      { numRuns: runs(300) },
    );
  });

  it("klDiv is >= 0 elementwise for x, y >= 0", () => {
    fc.assert(
      fc.property(weight, weight, (x, y) => (klDiv(x, y) as number) >= 0),
      { numRuns: runs(500) },
    );
  });

  it("Jensen-Shannon is symmetric, in [0, log 2], and the distance is its square root", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const d1 = jensenShannon(a, b) as number;
        const d2 = jensenShannon(b, a) as number;
        const dist = jensenShannonDistance(a, b) as number;
        return (
          d1 === d2 &&
          d1 >= 0 &&
          d1 <= Math.LN2 * (1 + 1e-12) &&
          !Number.isNaN(dist) &&
          Math.abs(dist - Math.sqrt(d1)) <= 1e-15
        );
      }),
      { numRuns: runs(300) },
    );
  });

  it("Jensen-Shannon in bits is within [0, 1]", () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const d = jensenShannon(a, b, { base: 2 }) as number;
        return d >= 0 && d <= 1 + 1e-12;
      }),
      { numRuns: runs(200) },
    );
  });
});
