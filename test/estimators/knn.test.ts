import { describe, it, expect } from "vitest";
import fc from "fast-check";
import fs from "node:fs";
import { KullbackError } from "../../src/core/errors.js";
import { KDTree } from "../../src/linalg/kdtree.js";
import { Random } from "../../src/core/random.js";
import {
  kthNeighbourDistances,
  knnKl,
  knnKlAdaptive,
  knnKlOneSample,
  knnKlPerezCruz,
  logUnitBallVolume,
} from "../../src/estimators/knn.js";
import { digamma } from "../../src/core/special.js";
import { sampleOps } from "../../src/conformance/sample-ops.js";
import { runs } from "../helpers.js";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function reviveSpecials(_key: string, v: unknown): unknown {
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (v === "NaN") return NaN;
  return v;
}

interface KnnCase {
  id: string;
  op: string;
  x: number[][];
  y: number[][];
  k: number;
  expected: number;
  rtol: number;
  atol: number;
}

const cases: KnnCase[] = fs
  .readFileSync(new URL("../fixtures/vectors/knn.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l, reviveSpecials) as KnnCase);

function passes(r: number, c: KnnCase): boolean {
  const e = c.expected;
  if (!Number.isFinite(e)) return Object.is(r, e);
  return Math.abs(r - e) <= c.atol + c.rtol * Math.abs(e);
}

/** n × d standard normals as a {data, shape} matrix. */
function normals(rng: Random, n: number, d: number): { data: Float64Array; shape: number[] } {
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, shape: [n, d] };
}

/** Samples of N(mu, L Lᵀ) in 2-D. */
function gaussian2(rng: Random, n: number, mu: [number, number], L: [number, number, number]) {
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const z0 = rng.normal();
    const z1 = rng.normal();
    data[2 * i] = mu[0] + L[0] * z0;
    data[2 * i + 1] = mu[1] + L[1] * z0 + L[2] * z1;
  }
  return { data, shape: [n, 2] };
}

/** Closed-form KL between 2-D Gaussians: ½(tr(Σq⁻¹Σp) + δᵀΣq⁻¹δ − d + ln det Σq / det Σp). */
function gaussKl2(muP: number[], Sp: number[], muQ: number[], Sq: number[]): number {
  const detQ = Sq[0] * Sq[3] - Sq[1] * Sq[2];
  const detP = Sp[0] * Sp[3] - Sp[1] * Sp[2];
  const inv = [Sq[3] / detQ, -Sq[1] / detQ, -Sq[2] / detQ, Sq[0] / detQ];
  const tr = inv[0] * Sp[0] + inv[1] * Sp[2] + inv[2] * Sp[1] + inv[3] * Sp[3];
  const dl = [muQ[0] - muP[0], muQ[1] - muP[1]];
  const quad = dl[0] * (inv[0] * dl[0] + inv[1] * dl[1]) + dl[1] * (inv[2] * dl[0] + inv[3] * dl[1]);
  return 0.5 * (tr + quad - 2 + Math.log(detQ / detP));
}

function catchError(f: () => unknown): KullbackError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KullbackError);
    return e as KullbackError;
  }
  throw new Error("expected a KullbackError");
}

// P = N(0, I), Q = N((1, −0.5), [[2, 0.5], [0.5, 1]])
const MU_Q: [number, number] = [1, -0.5];
const SIGMA_Q = [2, 0.5, 0.5, 1];
const L_Q: [number, number, number] = [Math.sqrt(2), 0.5 / Math.sqrt(2), Math.sqrt(1 - 0.25 / 2)];
const KL_PQ = gaussKl2([0, 0], [1, 0, 0, 1], MU_Q, SIGMA_Q);

// ---------------------------------------------------------------------------------------------
// Reference vectors
// ---------------------------------------------------------------------------------------------

describe("knn.jsonl reference vectors", () => {
  it("has the expected cases", () => {
    expect(cases.length).toBe(20);
    expect(cases.every((c) => c.op === "knnKl")).toBe(true);
  });

  it.each(cases.map((c) => [c.id, c] as const))("%s via sampleOps.knnKl", (_id, c) => {
    const r = sampleOps.knnKl(c as unknown as Record<string, unknown>) as number;
    expect(passes(r, c), `${c.id}: got ${r}, expected ${c.expected}`).toBe(true);
  });

  it.each(cases.map((c) => [c.id, c] as const))(
    "%s: k-d tree and brute force agree bit for bit",
    (_id, c) => {
      const a = knnKl(c.x, c.y, { k: c.k, method: "kdtree", onDuplicates: "infinity" });
      const b = knnKl(c.x, c.y, { k: c.k, method: "brute", onDuplicates: "infinity" });
      expect(a.method).toBe("kdtree");
      expect(b.method).toBe("brute");
      expect(passes(a.estimate, c), `kdtree ${a.estimate} vs ${c.expected}`).toBe(true);
      expect(passes(b.estimate, c), `brute ${b.estimate} vs ${c.expected}`).toBe(true);
      expect(Object.is(a.estimate, b.estimate)).toBe(true);
      expect(a.duplicates).toBe(b.duplicates);
      expect(a.n).toBe(c.x.length);
      expect(a.m).toBe(c.y.length);
      expect(a.d).toBe(c.x[0].length);
      expect(a.kind).toBe("estimate");
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Neighbour search back-ends
// ---------------------------------------------------------------------------------------------

describe("exact neighbour search", () => {
  it("k-d tree and brute force return identical k-th distances (random data, ties, offsets)", () => {
    const rng = new Random(7);
    for (const d of [1, 2, 3, 5, 9, 13]) {
      for (const k of [1, 2, 6]) {
        const n = 150;
        const m = 120;
        const off = d % 2 === 0 ? 1e4 : 0; // large offset stresses the ‖a‖²+‖b‖²−2a·b ranking
        const ref = new Float64Array(n * d);
        for (let i = 0; i < ref.length; i++) ref[i] = off + Math.round(rng.normal() * 8) / 4; // many ties
        const qry = new Float64Array(m * d);
        for (let i = 0; i < qry.length; i++) qry[i] = off + Math.round(rng.normal() * 8) / 4;
        const R = { data: ref, shape: [n, d] };
        const Q = { data: qry, shape: [m, d] };
        const a = kthNeighbourDistances(R, Q, k, { method: "kdtree" });
        const b = kthNeighbourDistances(R, Q, k, { method: "brute" });
        expect(Array.from(a)).toEqual(Array.from(b));
        const s1 = kthNeighbourDistances(R, null, k, { method: "kdtree" });
        const s2 = kthNeighbourDistances(R, null, k, { method: "brute" });
        expect(Array.from(s1)).toEqual(Array.from(s2));
        // against a naive sort
        for (let i = 0; i < m; i += 17) {
          const ds: number[] = [];
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let t = 0; t < d; t++) s += (qry[i * d + t] - ref[j * d + t]) ** 2;
            ds.push(Math.sqrt(s));
          }
          ds.sort((u, v) => u - v);
          expect(a[i]).toBe(ds[k - 1]);
        }
      }
    }
  });

  it("property: tree and scan agree on arbitrary small point sets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), {
          minLength: 8,
          maxLength: 120,
        }),
        (d, k, vals) => {
          const n = Math.floor(vals.length / d);
          if (n < k + 1) return;
          const data = Float64Array.from(vals.slice(0, n * d));
          const M = { data, shape: [n, d] };
          const a = kthNeighbourDistances(M, null, k, { method: "kdtree" });
          const b = kthNeighbourDistances(M, null, k, { method: "brute" });
          expect(Array.from(a)).toEqual(Array.from(b));
        },
      ),
      { numRuns: runs(150), seed: 12345 },
    );
  });

  it("KDTree radius queries count exactly (Euclidean and Chebyshev)", () => {
    const rng = new Random(3);
    const n = 300;
    const d = 3;
    const pts = Float64Array.from({ length: n * d }, () => rng.normal());
    const te = new KDTree(pts, n, d);
    const tc = new KDTree(pts, n, d, { metric: "chebyshev" });
    for (let i = 0; i < n; i += 23) {
      const r = 0.7;
      let ce = 0;
      let cc = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let s = 0;
        let mx = 0;
        for (let t = 0; t < d; t++) {
          const g = pts[i * d + t] - pts[j * d + t];
          s += g * g;
          mx = Math.max(mx, Math.abs(g));
        }
        if (s <= r * r) ce++;
        if (mx < r) cc++;
      }
      expect(te.radiusRaw(pts, i * d, r * r, i).count).toBe(ce);
      expect(tc.radiusRaw(pts, i * d, r, i, true).count).toBe(cc);
    }
  });

  it("does not mutate its inputs", () => {
    const x = [
      [0, 1],
      [2, 3],
      [4, 7],
    ];
    const y = { data: Float64Array.of(1, 1, 5, 5), shape: [2, 2] };
    const xCopy = JSON.stringify(x);
    const yCopy = Array.from(y.data);
    knnKl(x, y, { method: "brute" });
    knnKl(x, y, { method: "kdtree" });
    expect(JSON.stringify(x)).toBe(xCopy);
    expect(Array.from(y.data)).toEqual(yCopy);
  });
});

// ---------------------------------------------------------------------------------------------
// Duplicates policy
// ---------------------------------------------------------------------------------------------

describe("duplicate policy", () => {
  const dup1 = cases.find((c) => c.id === "knn-duplicates-001")!;
  const dup2 = cases.find((c) => c.id === "knn-duplicates-002")!;
  const dup3 = cases.find((c) => c.id === "knn-duplicates-003")!;

  it('default "error" throws InvalidParameter naming x, the first row and the count', () => {
    const e = catchError(() => knnKl(dup1.x, dup1.y, { k: 1 }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("x");
    const count = e.value as number;
    expect(count).toBeGreaterThan(0);
    expect(e.message).toContain(`duplicates: ${count}`);
    const row = e.index![0];
    // that row really has an exact copy elsewhere in x
    expect(dup1.x.some((r, j) => j !== row && r.every((v, t) => v === dup1.x[row][t]))).toBe(true);
    expect(() => knnKl(dup3.x, dup3.y, { k: 2 })).toThrow(KullbackError);
  });

  it('"infinity" evaluates the formula literally and reports the count', () => {
    const r = knnKl(dup1.x, dup1.y, { k: 1, onDuplicates: "infinity" });
    expect(r.estimate).toBe(Infinity);
    const e = catchError(() => knnKl(dup1.x, dup1.y, { k: 1 }));
    expect(r.duplicates).toBe(e.value);
  });

  it('"skip" drops degenerate points and reports how many', () => {
    const r = knnKl(dup1.x, dup1.y, { k: 1, onDuplicates: "skip" });
    expect(Number.isFinite(r.estimate)).toBe(true);
    expect(r.duplicates).toBeGreaterThan(0);
    // equals the estimate over the non-duplicated points with the full-sample constants
    const n = dup1.x.length;
    const d = dup1.x[0].length;
    const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0));
    let sum = 0;
    let used = 0;
    for (let i = 0; i < n; i++) {
      const rho = Math.min(...dup1.x.filter((_, j) => j !== i).map((r2) => dist(dup1.x[i], r2)));
      const nu = Math.min(...dup1.y.map((r2) => dist(dup1.x[i], r2)));
      if (rho === 0) continue;
      sum += Math.log(nu / rho);
      used++;
    }
    expect(used).toBe(n - r.duplicates);
    expect(r.estimate).toBeCloseTo((d / used) * sum + Math.log(dup1.y.length / (n - 1)), 12);
  });

  it("duplicated pairs with k = 3 are resolved: finite estimate, no degenerate points", () => {
    const r = knnKl(dup2.x, dup2.y, { k: 3 });
    expect(r.duplicates).toBe(0);
    expect(passes(r.estimate, dup2)).toBe(true);
  });

  it("x points coinciding with y points (nu = 0) name y; infinity mode gives -Infinity", () => {
    const x = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0.5, 0.5],
    ];
    const y = [
      [3, 3],
      [1, 1],
      [2, 2],
    ];
    const e = catchError(() => knnKl(x, y));
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("y");
    expect(e.index).toEqual([3]);
    expect(e.value).toBe(1);
    const r = knnKl(x, y, { onDuplicates: "infinity" });
    expect(r.estimate).toBe(-Infinity);
    expect(r.duplicates).toBe(1);
    expect(knnKl(x, y, { k: 2 }).duplicates).toBe(0); // one copy in y, k = 2: nu_2 > 0
  });

  it("skip with every point degenerate throws", () => {
    const x = [[1], [1], [1]];
    expect(() => knnKl(x, [[0], [2]], { onDuplicates: "skip" })).toThrow(KullbackError);
  });
});

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

describe("validation", () => {
  const x = [[0], [1], [2]];
  const y = [[0.5], [1.5]];

  it("shapes", () => {
    expect(catchError(() => knnKl([0, 1, 2], y)).code).toBe("InvalidShape");
    expect(catchError(() => knnKl(x, [[[1]]])).code).toBe("InvalidShape");
    const e = catchError(() =>
      knnKl(x, [
        [0, 1],
        [1, 2],
      ]),
    );
    expect(e.code).toBe("InvalidShape");
    expect(e.message).toContain("d = 1");
  });

  it("sample sizes and k", () => {
    let e = catchError(() => knnKl(x, y, { k: 3 }));
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("x");
    e = catchError(() => knnKl([[0], [1], [2], [3]], y, { k: 3 }));
    expect(e.argument).toBe("y");
    for (const k of [0, 1.5, -1, NaN]) expect(catchError(() => knnKl(x, y, { k })).argument).toBe("k");
  });

  it("non-finite entries name the argument, row and value", () => {
    let e = catchError(() =>
      knnKl(
        [
          [0, 0],
          [1, NaN],
          [2, 2],
        ],
        [[0, 1]],
      ),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.argument).toBe("x");
    expect(e.index).toEqual([1, 1]);
    expect(e.message).toContain("row 1");
    expect(e.message).toContain("NaN");
    e = catchError(() => knnKl(x, [[0.5], [Infinity]]));
    expect(e.argument).toBe("y");
    expect(e.index).toEqual([1, 0]);
    expect(e.value).toBe(Infinity);
  });

  it("options", () => {
    expect(catchError(() => knnKl(x, y, { ci: 1.5 })).argument).toBe("ci");
    expect(catchError(() => knnKl(x, y, { ci: 0.9, bootstrap: 1 })).argument).toBe("bootstrap");
    expect(catchError(() => knnKl(x, y, { onDuplicates: "nope" as never })).argument).toBe("onDuplicates");
    expect(catchError(() => knnKl(x, y, { method: "ball" as never })).argument).toBe("method");
    expect(catchError(() => knnKl(x, y, { ci: 0.9, seed: 0.5 })).argument).toBe("seed");
  });
});

// ---------------------------------------------------------------------------------------------
// Statistical behaviour
// ---------------------------------------------------------------------------------------------

describe("convergence to the Gaussian closed form", () => {
  it("closed form of the test pair", () => {
    // ½(tr Σq⁻¹ + δᵀΣq⁻¹δ − 2 + ln det Σq) with det Σq = 1.75, tr = 3/1.75, quad = 2/1.75
    expect(KL_PQ).toBeCloseTo(0.5 * (3 / 1.75 + 2 / 1.75 - 2 + Math.log(1.75)), 14);
  });

  it("error at n = 10⁴ is well under the error at n = 10³ (RMSE over 6 seeded replicates)", () => {
    const rmse = (n: number, seedBase: number): { rmse: number; bias: number } => {
      let ss = 0;
      let sb = 0;
      const R = 6;
      for (let r = 0; r < R; r++) {
        const rng = new Random(seedBase + r);
        const x = normals(rng, n, 2);
        const y = gaussian2(rng, n, MU_Q, L_Q);
        const err = knnKl(x, y, { k: 5 }).estimate - KL_PQ;
        ss += err * err;
        sb += err;
      }
      return { rmse: Math.sqrt(ss / R), bias: sb / R };
    };
    const small = rmse(1000, 100);
    const large = rmse(10000, 200);
    // Var ~ 1/n: the RMSE ratio should be ≈ 1/√10 ≈ 0.32; 0.6 leaves room for the spread of an
    // RMSE estimated from 6 replicates.
    expect(large.rmse).toBeLessThan(0.6 * small.rmse);
    // Absolute accuracy at n = 10⁴: for this pair and k = 5 a probe over 8 other seeds gave a
    // per-replicate sd ≈ 0.02 and a bias ≈ −0.02 (RMSE 0.028; at n = 10³: RMSE 0.074).
    expect(large.rmse).toBeLessThan(0.05);
    expect(Math.abs(large.bias)).toBeLessThan(0.04);
  });

  it("adaptive and one-sample estimators approach the closed form", () => {
    const rng = new Random(99);
    const n = 5000;
    const x = normals(rng, n, 2);
    const y = gaussian2(rng, n, MU_Q, L_Q);
    const ad = knnKlAdaptive(x, y);
    expect(Math.abs(ad.estimate - KL_PQ)).toBeLessThan(0.06);
    expect(ad.meanL).toBeGreaterThanOrEqual(1);
    expect(ad.meanK).toBeGreaterThanOrEqual(1);
    // one-sample: log density of Q
    const det = 1.75;
    const inv = [SIGMA_Q[3] / det, -SIGMA_Q[1] / det, -SIGMA_Q[2] / det, SIGMA_Q[0] / det];
    const logq = (r: Float64Array): number => {
      const a = r[0] - MU_Q[0];
      const b = r[1] - MU_Q[1];
      return (
        -Math.log(2 * Math.PI) -
        0.5 * Math.log(det) -
        0.5 * (a * (inv[0] * a + inv[1] * b) + b * (inv[2] * a + inv[3] * b))
      );
    };
    const os = knnKlOneSample(x, logq, { k: 3 });
    expect(Math.abs(os.estimate - KL_PQ)).toBeLessThan(0.05);
    // The entropy part estimates H(N(0, I₂)) = ln(2πe). Tolerance: the Kozachenko–Leonenko
    // estimate has sd ≈ 0.012 and bias ≈ −0.01 at n = 5000, k = 3, and this particular sample is
    // itself atypical (its Gaussian plug-in entropy is 0.020 below ln(2πe)); SciPy's cKDTree on the
    // same rows gives the same value (−0.0507 from ln(2πe)) to 1e-15.
    expect(Math.abs(os.entropy - Math.log(2 * Math.PI * Math.E))).toBeLessThan(0.07);
  });
});

describe("knnKlAdaptive", () => {
  it("matches a direct implementation of the rule on a small sample, on both back-ends", () => {
    const rng = new Random(5);
    const n = 40;
    const m = 30;
    const d = 3;
    const X = normals(rng, n, d);
    const Y = normals(rng, m, d);
    const row = (A: Float64Array, i: number) => Array.from(A.subarray(i * d, i * d + d));
    const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, t) => s + (v - b[t]) ** 2, 0));
    let logs = 0;
    let psis = 0;
    for (let i = 0; i < n; i++) {
      const xi = row(X.data, i);
      const dx = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .map((j) => dist(xi, row(X.data, j)))
        .sort((a, b) => a - b);
      const dy = Array.from({ length: m }, (_, j) => dist(xi, row(Y.data, j))).sort((a, b) => a - b);
      const eps = Math.max(dx[0], dy[0]);
      const l = dx.filter((v) => v <= eps).length;
      const kk = dy.filter((v) => v <= eps).length;
      logs += Math.log(dy[kk - 1] / dx[l - 1]);
      psis += digamma(l) - digamma(kk);
    }
    const expected = (d / n) * logs + psis / n + Math.log(m / (n - 1));
    const a = knnKlAdaptive(X, Y, { method: "kdtree" }).estimate;
    const b = knnKlAdaptive(X, Y, { method: "brute" }).estimate;
    expect(a).toBeCloseTo(expected, 12);
    expect(Object.is(a, b)).toBe(true);
  });
});

describe("knnKlPerezCruz", () => {
  it("is the 1-NN estimator", () => {
    for (const c of cases.slice(0, 6)) {
      expect(knnKlPerezCruz(c.x, c.y).estimate).toBe(knnKl(c.x, c.y, { k: 1 }).estimate);
      expect(knnKlPerezCruz(c.x, c.y).k).toBe(1);
    }
  });
});

describe("knnKlOneSample", () => {
  it("rejects bad log densities and allows -Infinity (P not << Q)", () => {
    const x = [[0], [1], [2], [3]];
    const e = catchError(() => knnKlOneSample(x, () => NaN));
    expect(e.argument).toBe("logDensityQ");
    expect(e.index).toEqual([0]);
    expect(knnKlOneSample(x, (r) => (r[0] > 2 ? -Infinity : 0)).estimate).toBe(Infinity);
  });

  it("is invariant to the power-of-two rescaling used internally", () => {
    const rng = new Random(8);
    const x = normals(rng, 200, 2);
    const big = { data: x.data.map((v) => v * 1e200), shape: x.shape };
    const a = knnKlOneSample(x, () => 0).entropy;
    const b = knnKlOneSample(big, () => 0).entropy;
    expect(b - a).toBeCloseTo(2 * Math.log(1e200), 9);
  });
});

describe("confidence intervals (subsampling)", () => {
  it("are reproducible, bracket the estimate and scale like 1/sqrt(n)", () => {
    const rng = new Random(21);
    const n = 2000;
    const x = normals(rng, n, 2);
    const y = gaussian2(rng, n, MU_Q, L_Q);
    const a = knnKl(x, y, { k: 3, ci: 0.95, bootstrap: 100, seed: 4 });
    const b = knnKl(x, y, { k: 3, ci: 0.95, bootstrap: 100, seed: 4 });
    const c = knnKl(x, y, { k: 3, ci: 0.95, bootstrap: 100, seed: 5 });
    expect(a.ci).toEqual(b.ci);
    expect(a.standardError).toBe(b.standardError);
    expect(c.ci).not.toEqual(a.ci);
    const [lo, hi] = a.ci!;
    expect(lo).toBeLessThan(a.estimate);
    expect(hi).toBeGreaterThan(a.estimate);
    expect(a.standardError!).toBeGreaterThan(0.005);
    expect(a.standardError!).toBeLessThan(0.1);
    expect(hi - lo).toBeGreaterThan(2 * a.standardError!);
    expect(hi - lo).toBeLessThan(8 * a.standardError!);
    expect(lo).toBeLessThan(KL_PQ);
    expect(hi).toBeGreaterThan(KL_PQ);
    expect(knnKl(x, y, { k: 3 }).ci).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Utilities
// ---------------------------------------------------------------------------------------------

describe("special functions and PRNG", () => {
  it("digamma", () => {
    const g = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-g, 15);
    expect(digamma(0.5)).toBeCloseTo(-g - 2 * Math.LN2, 14);
    let h = 0;
    for (let j = 1; j < 30; j++) h += 1 / j;
    expect(digamma(30)).toBeCloseTo(h - g, 14);
    expect(Math.abs(digamma(1e6) - (Math.log(1e6) - 0.5e-6))).toBeLessThan(1e-12);
    expect(digamma(-0.5)).toBeCloseTo(0.03648997397857652, 13);
    expect(Number.isFinite(digamma(0))).toBe(false);
    expect(digamma(-2)).toBeNaN();
  });

  it("unit-ball volumes", () => {
    expect(Math.exp(logUnitBallVolume(1))).toBeCloseTo(2, 14);
    expect(Math.exp(logUnitBallVolume(2))).toBeCloseTo(Math.PI, 14);
    expect(Math.exp(logUnitBallVolume(3))).toBeCloseTo((4 / 3) * Math.PI, 14);
    expect(Math.exp(logUnitBallVolume(4))).toBeCloseTo((Math.PI * Math.PI) / 2, 14);
  });

  it("Random is reproducible and well distributed", () => {
    const a = new Random(123);
    const b = new Random(123);
    for (let i = 0; i < 10; i++) expect(a.nextU32()).toBe(b.nextU32());
    expect(new Random(1).nextU32()).not.toBe(new Random(2).nextU32());
    expect(new Random(2 ** 40).nextU32()).not.toBe(new Random(0).nextU32());
    const r = new Random(9);
    let s = 0;
    let s2 = 0;
    const N = 100000;
    for (let i = 0; i < N; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.015);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.02);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    for (let i = 0; i < 1000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });
});
