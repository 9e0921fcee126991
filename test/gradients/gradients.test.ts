import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  NDArray,
  KullbackError,
  kl,
  Normal,
  MultivariateNormal,
  MultivariateNormalDiag,
} from "../../src/index.js";
import { klGradDiag, klGradNormal, klGradScaleTril } from "../../src/gradients/gaussian-grad.js";
import { runs } from "../helpers.js";

const arr = (x: number | NDArray): Float64Array => (typeof x === "number" ? Float64Array.of(x) : x.data);

/**
 * Central difference of `f` along coordinate `i` of `x` with step 1e-6·max(0.1, |x_i|) (relative,
 * with a floor so that coordinates near 0 keep the round-off small); returns the derivative
 * estimate. `x` is copied, never mutated.
 */
function fd(f: (x: Float64Array) => number, x: Float64Array, i: number): number {
  const h = 1e-6 * Math.max(0.1, Math.abs(x[i]));
  const a = Float64Array.from(x);
  const b = Float64Array.from(x);
  a[i] += h;
  b[i] -= h;
  return (f(a) - f(b)) / (a[i] - b[i]);
}

/**
 * Finite differences of a float64 function carry round-off ≈ ε·|KL|/h ≈ 2e-10·|KL| besides the
 * O(h²) truncation; the bound is 1e-6 relative to the gradient with that round-off as a floor.
 */
function close(numeric: number, analytic: number, value: number): boolean {
  return Math.abs(numeric - analytic) <= 1e-6 * Math.abs(analytic) + 1e-8 * (1 + Math.abs(value));
}

const small = (n: number, lo = -2, hi = 2) =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }), {
    minLength: n,
    maxLength: n,
  });

const allZero = (a: Float64Array): boolean => a.every((v) => Object.is(v, 0));

describe("klGradDiag", () => {
  const klDiag = (mp: Float64Array, vp: Float64Array, mq: Float64Array, vq: Float64Array): number =>
    kl(
      MultivariateNormalDiag.fromLogVariance(mp, vp),
      MultivariateNormalDiag.fromLogVariance(mq, vq),
    ) as number;

  it("agrees with central finite differences of kl() on random inputs", () => {
    const d = 3;
    fc.assert(
      fc.property(small(d), small(d), small(d), small(d), (mp, vp, mq, vq) => {
        const [MP, VP, MQ, VQ] = [mp, vp, mq, vq].map((x) => Float64Array.from(x));
        const { value, grad } = klGradDiag({ loc: MP, logVariance: VP }, { loc: MQ, logVariance: VQ });
        const v = value as number;
        expect(v).toBeCloseTo(klDiag(MP, VP, MQ, VQ), 14);
        for (let i = 0; i < d; i++) {
          const checks: [number, number][] = [
            [fd((x) => klDiag(x, VP, MQ, VQ), MP, i), grad.p.loc.data[i]],
            [fd((x) => klDiag(MP, x, MQ, VQ), VP, i), grad.p.logVariance.data[i]],
            [fd((x) => klDiag(MP, VP, x, VQ), MQ, i), grad.q.loc.data[i]],
            [fd((x) => klDiag(MP, VP, MQ, x), VQ, i), grad.q.logVariance.data[i]],
          ];
          for (const [num, ana] of checks) {
            if (!close(num, ana, v)) throw new Error(`fd ${num} vs analytic ${ana} (KL ${v})`);
          }
        }
      }),
      { numRuns: runs(60) },
    );
  });

  it("is exactly 0 at p = q", () => {
    fc.assert(
      fc.property(small(4, -5, 5), small(4, -700, 700), (m, v) => {
        const p = { loc: m, logVariance: v };
        const { value, grad } = klGradDiag(p, { loc: [...m], logVariance: [...v] });
        expect(value).toBe(0);
        for (const g of [grad.p.loc, grad.p.logVariance, grad.q.loc, grad.q.logVariance])
          expect(allZero(g.data)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("is finite for p log-variances down to −700", () => {
    const { value, grad } = klGradDiag(
      { loc: [0.3, -1, 0], logVariance: [-700, -650, -700] },
      { loc: [0, 0, 0], logVariance: [0, 2, -3] },
    );
    expect(Number.isFinite(value)).toBe(true);
    for (const g of [grad.p.loc, grad.p.logVariance, grad.q.loc, grad.q.logVariance])
      expect(g.data.every(Number.isFinite)).toBe(true);
    // ∂/∂lvp = ½ expm1(lvp − lvq) → −½; ∂/∂lvq = ½(1 − e^{t} − δ² e^{−lvq})
    expect(grad.p.logVariance.data[0]).toBe(-0.5);
    expect(grad.q.logVariance.data[0]).toBeCloseTo(0.5 * (1 - 0.09), 15);
    expect(grad.q.logVariance.data[2]).toBeCloseTo(0.5, 15);
  });

  it("defaults q to N(0, I) and broadcasts; reduce: 'sum' sums over broadcast axes", () => {
    const loc = [
      [0.5, -1],
      [2, 0],
      [0, 0.1],
    ];
    const logVariance = [0.2, -0.3]; // shared by the 3 rows
    const r = klGradDiag({ loc, logVariance });
    expect(r.grad.p.loc.shape).toEqual([3, 2]);
    expect(r.grad.p.logVariance.shape).toEqual([3, 2]);
    expect(r.grad.q.loc.shape).toEqual([3, 2]);
    // q = N(0, I): ∂/∂μp = μp, ∂/∂lvp = ½ expm1(lvp)
    expect(Array.from(r.grad.p.loc.data)).toEqual(loc.flat());
    expect(r.grad.p.logVariance.data[3]).toBeCloseTo(0.5 * Math.expm1(-0.3), 15);
    const s = klGradDiag({ loc, logVariance }, undefined, { reduce: "sum" });
    expect(s.grad.p.logVariance.shape).toEqual([2]);
    expect(s.grad.p.logVariance.data[1]).toBeCloseTo(1.5 * Math.expm1(-0.3), 14);
    expect(s.grad.q.loc.shape).toEqual([2]);
    expect(s.grad.q.loc.data[0]).toBeCloseTo(-2.5, 14);
    expect(s.grad.p.loc.shape).toEqual([3, 2]);
  });

  it("validates like the family, naming the side", () => {
    let err: unknown;
    try {
      klGradDiag({ loc: [0, 0], logVariance: [0, 0] }, { loc: [0, 0], logVariance: [0, NaN] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KullbackError);
    expect((err as KullbackError).code).toBe("InvalidParameter");
    expect((err as KullbackError).argument).toBe("q.logVariance");
    expect((err as KullbackError).message).toMatch(/^q\.logVariance/);
    expect(() => klGradDiag({ loc: [0, 0], logVariance: [0, 0, 0] })).toThrow(/p\.logVariance/);
  });

  it("does not mutate its inputs", () => {
    const loc = Float64Array.of(1, 2);
    const logVariance = Float64Array.of(0.5, -0.5);
    klGradDiag({ loc, logVariance }, { loc: [0, 1], logVariance: [1, 1] });
    expect(Array.from(loc)).toEqual([1, 2]);
    expect(Array.from(logVariance)).toEqual([0.5, -0.5]);
  });
});

describe("klGradNormal", () => {
  const klN = (mp: number, sp: number, mq: number, sq: number): number =>
    kl(new Normal(mp, sp), new Normal(mq, sq)) as number;

  it("agrees with central finite differences on random inputs", () => {
    const num = fc.double({ min: -3, max: 3, noNaN: true });
    const sc = fc.double({ min: 0.05, max: 5, noNaN: true });
    fc.assert(
      fc.property(num, sc, num, sc, (mp, sp, mq, sq) => {
        const { value, grad } = klGradNormal({ loc: mp, scale: sp }, { loc: mq, scale: sq });
        const v = value as number;
        const x = Float64Array.of(mp, sp, mq, sq);
        const f = (y: Float64Array) => klN(y[0], y[1], y[2], y[3]);
        const g = [grad.p.loc, grad.p.scale, grad.q.loc, grad.q.scale] as number[];
        for (let i = 0; i < 4; i++) {
          const n = fd(f, x, i);
          if (!close(n, g[i], v)) throw new Error(`param ${i}: fd ${n} vs analytic ${g[i]}`);
        }
      }),
      { numRuns: runs(200) },
    );
  });

  it("is exactly 0 at p = q, number for scalars, NDArray for batches", () => {
    const r = klGradNormal({ loc: 1.25, scale: 0.3 }, { loc: 1.25, scale: 0.3 });
    expect(r.value).toBe(0);
    for (const g of [r.grad.p.loc, r.grad.p.scale, r.grad.q.loc, r.grad.q.scale])
      expect(Object.is(g, 0)).toBe(true);
    const b = klGradNormal({ loc: [0, 1, 2], scale: 2 });
    expect(b.grad.p.scale).toBeInstanceOf(NDArray);
    expect(arr(b.grad.p.scale)).toEqual(Float64Array.of(1.5, 1.5, 1.5));
    expect(arr(b.grad.p.loc)).toEqual(Float64Array.of(0, 1, 2));
    const s = klGradNormal({ loc: [0, 1, 2], scale: 2 }, undefined, { reduce: "sum" });
    expect(s.grad.p.scale).toBeCloseTo(4.5, 15);
    expect(s.grad.q.loc).toBeCloseTo(-3, 15);
  });

  it("validates scale > 0", () => {
    expect(() => klGradNormal({ loc: 0, scale: -1 })).toThrow(/p\.scale/);
  });
});

describe("klGradScaleTril", () => {
  /** A random lower-triangular factor with positive diagonal from d(d+1)/2 numbers. */
  function tril(d: number, v: number[]): Float64Array {
    const L = new Float64Array(d * d);
    let k = 0;
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) L[i * d + j] = i === j ? Math.exp(v[k++]) : v[k++];
    return L;
  }
  const klT = (d: number, mp: Float64Array, Lp: Float64Array, mq: Float64Array, Lq: Float64Array): number =>
    kl(
      MultivariateNormal.fromScaleTril(mp, { data: Lp, shape: [d, d] }),
      MultivariateNormal.fromScaleTril(mq, { data: Lq, shape: [d, d] }),
    ) as number;

  it("agrees with central finite differences on random inputs (lower-triangular entries)", () => {
    const d = 3;
    const t = (d * (d + 1)) / 2;
    fc.assert(
      fc.property(small(d), small(t, -1, 1), small(d), small(t, -1, 1), (mp, vp, mq, vq) => {
        const MP = Float64Array.from(mp);
        const MQ = Float64Array.from(mq);
        const LP = tril(d, vp);
        const LQ = tril(d, vq);
        const sh = { shape: [d, d] };
        const { value, grad } = klGradScaleTril(
          { loc: MP, scaleTril: { data: LP, ...sh } },
          { loc: MQ, scaleTril: { data: LQ, ...sh } },
        );
        const v = value as number;
        expect(v).toBe(klT(d, MP, LP, MQ, LQ));
        for (let i = 0; i < d; i++) {
          const a = fd((x) => klT(d, x, LP, MQ, LQ), MP, i);
          const b = fd((x) => klT(d, MP, LP, x, LQ), MQ, i);
          if (!close(a, grad.p.loc.data[i], v) || !close(b, grad.q.loc.data[i], v))
            throw new Error(`loc ${i}: ${a}/${grad.p.loc.data[i]}, ${b}/${grad.q.loc.data[i]}`);
        }
        for (let i = 0; i < d; i++) {
          for (let j = 0; j < d; j++) {
            const o = i * d + j;
            if (j > i) {
              expect(grad.p.scaleTril.data[o]).toBe(0);
              expect(grad.q.scaleTril.data[o]).toBe(0);
              continue;
            }
            const a = fd((x) => klT(d, MP, x, MQ, LQ), LP, o);
            const b = fd((x) => klT(d, MP, LP, MQ, x), LQ, o);
            if (!close(a, grad.p.scaleTril.data[o], v) || !close(b, grad.q.scaleTril.data[o], v))
              throw new Error(
                `L[${i},${j}]: ${a}/${grad.p.scaleTril.data[o]}, ${b}/${grad.q.scaleTril.data[o]}`,
              );
          }
        }
      }),
      { numRuns: runs(40) },
    );
  });

  it("is exactly 0 at p = q", () => {
    const d = 4;
    fc.assert(
      fc.property(small(d), small(10, -3, 3), (m, v) => {
        const L = tril(d, v);
        const p = { loc: m, scaleTril: { data: L, shape: [d, d] } };
        const { value, grad } = klGradScaleTril(p, {
          loc: [...m],
          scaleTril: { data: Float64Array.from(L), shape: [d, d] },
        });
        expect(value).toBe(0);
        for (const g of [grad.p.loc, grad.p.scaleTril, grad.q.loc, grad.q.scaleTril])
          expect(allZero(g.data)).toBe(true);
      }),
      { numRuns: runs(100) },
    );
  });

  it("matches klGradDiag for diagonal factors, broadcasts and defaults q to N(0, I)", () => {
    const lvp = [0.4, -1.2];
    const lvq = [-0.3, 0.8];
    const diag = (lv: number[]) => [
      [Math.exp(lv[0] / 2), 0],
      [0, Math.exp(lv[1] / 2)],
    ];
    const locs = [
      [1, 2],
      [-0.5, 0],
    ];
    const t = klGradScaleTril(
      { loc: locs, scaleTril: diag(lvp) },
      { loc: [0.2, -0.1], scaleTril: diag(lvq) },
    );
    const g = klGradDiag({ loc: locs, logVariance: lvp }, { loc: [0.2, -0.1], logVariance: lvq });
    expect(t.grad.p.scaleTril.shape).toEqual([2, 2, 2]);
    for (let b = 0; b < 2; b++) {
      expect((t.value as NDArray).data[b]).toBeCloseTo((g.value as NDArray).data[b], 13);
      for (let i = 0; i < 2; i++) {
        expect(t.grad.p.loc.data[b * 2 + i]).toBeCloseTo(g.grad.p.loc.data[b * 2 + i], 13);
        expect(t.grad.q.loc.data[b * 2 + i]).toBeCloseTo(g.grad.q.loc.data[b * 2 + i], 13);
        // ∂/∂L_ii = ∂/∂lv_i · dlv/dL_ii = ∂/∂lv_i · 2/L_ii
        const Lp = Math.exp(lvp[i] / 2);
        const Lq = Math.exp(lvq[i] / 2);
        expect(t.grad.p.scaleTril.data[b * 4 + i * 3]).toBeCloseTo(
          (2 / Lp) * g.grad.p.logVariance.data[b * 2 + i],
          12,
        );
        expect(t.grad.q.scaleTril.data[b * 4 + i * 3]).toBeCloseTo(
          (2 / Lq) * g.grad.q.logVariance.data[b * 2 + i],
          12,
        );
      }
    }
    const s = klGradScaleTril({ loc: locs, scaleTril: diag(lvp) }, undefined, { reduce: "sum" });
    expect(s.grad.p.scaleTril.shape).toEqual([2, 2]);
    expect(s.grad.q.scaleTril.shape).toEqual([2, 2]);
    expect(s.grad.q.loc.data[0]).toBeCloseTo(-0.5, 14);
  });

  it("validates like MultivariateNormal.fromScaleTril", () => {
    expect(() =>
      klGradScaleTril({
        loc: [0, 0],
        scaleTril: [
          [1, 0.5],
          [0, 1],
        ],
      }),
    ).toThrow(/p\.scaleTril/);
    expect(() =>
      klGradScaleTril(
        {
          loc: [0, 0],
          scaleTril: [
            [1, 0],
            [0, 1],
          ],
        },
        {
          loc: [0, 0],
          scaleTril: [
            [1, 0],
            [0, -1],
          ],
        },
      ),
    ).toThrow(/q\.scaleTril.*not positive definite/);
  });
});

describe("klGradDiag at the ends of float64", () => {
  it("scales 1e-200 and 1e150: log-variance gradients unchanged, location gradients scaled by 1/c", () => {
    const mp = [0.3, -1];
    const mq = [-0.2, 0.5];
    const lvp = [0.4, -0.3];
    const lvq = [-0.1, 1.2];
    const g1 = klGradDiag({ loc: mp, logVariance: lvp }, { loc: mq, logVariance: lvq });
    for (const c of [1e-200, 1e150]) {
      const lc = 2 * Math.log(c);
      const g = klGradDiag(
        { loc: mp.map((x) => x * c), logVariance: lvp.map((x) => x + lc) },
        { loc: mq.map((x) => x * c), logVariance: lvq.map((x) => x + lc) },
      );
      expect(g.value as number).toBeCloseTo(g1.value as number, 10);
      for (let i = 0; i < 2; i++) {
        expect(g.grad.p.loc.data[i] * c).toBeCloseTo(g1.grad.p.loc.data[i], 10);
        expect(g.grad.q.loc.data[i] * c).toBeCloseTo(g1.grad.q.loc.data[i], 10);
        expect(g.grad.p.logVariance.data[i]).toBeCloseTo(g1.grad.p.logVariance.data[i], 10);
        expect(g.grad.q.logVariance.data[i]).toBeCloseTo(g1.grad.q.logVariance.data[i], 10);
      }
    }
  });
});
