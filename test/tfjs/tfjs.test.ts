import { describe, it, expect, beforeAll } from "vitest";
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs-core";
// the full package registers the CPU backend and the gradients of the built-in ops (which
// tfjs-core alone does not); kullback/tfjs itself only needs tfjs-core
import "@tensorflow/tfjs";
import {
  kl,
  Categorical,
  MultivariateNormal,
  MultivariateNormalDiag,
  NDArray,
  Random,
} from "../../src/index.js";
import { klGradDiag, klGradScaleTril } from "../../src/gradients/gaussian-grad.js";
import { klCategorical, klMultivariateNormalTril, klNormalDiag } from "../../src/tfjs/index.js";
import { runs } from "../helpers.js";

beforeAll(async () => {
  tf.env().set("PROD", true); // no "install tfjs-node" banner
  await tf.setBackend("cpu");
  await tf.ready();
});

/** Float32-rounded copy (what a float32 tensor holds). */
const f32 = (a: ArrayLike<number>): Float64Array => Float64Array.from(Float32Array.from(a));
/** A float32 tensor (tf.tensor takes Float32Array, not Float64Array). */
const tt = (a: ArrayLike<number>, shape: number[]): tf.Tensor =>
  tf.tensor(Float32Array.from(a), shape, "float32");
const host = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync() as Float32Array);
const data = (x: number | NDArray): Float64Array => (typeof x === "number" ? Float64Array.of(x) : x.data);

/** |a − e| ≤ atol + rtol·|e| elementwise, with the offending index in the message. */
function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok) throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

const vals = (n: number, lo: number, hi: number) =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n }).map(f32);

describe("klNormalDiag", () => {
  it("values equal kl() and tf.grads equal klGradDiag (general q, broadcast q)", () => {
    const B = 4;
    const d = 3;
    fc.assert(
      fc.property(
        vals(B * d, -2, 2),
        vals(B * d, -3, 3),
        vals(d, -2, 2),
        vals(d, -3, 3),
        (mp, vp, mq, vq) => {
          tf.tidy(() => {
            const tMp = tt(mp, [B, d]);
            const tVp = tt(vp, [B, d]);
            const tMq = tt(mq, [d]);
            const tVq = tt(vq, [d]);
            const value = klNormalDiag(tMp, tVp, tMq, tVq);
            expect(value.shape).toEqual([B]);
            const P = MultivariateNormalDiag.fromLogVariance(
              { data: mp, shape: [B, d] },
              { data: vp, shape: [B, d] },
            );
            const Q = MultivariateNormalDiag.fromLogVariance(mq, vq);
            const ref = data(kl(P, Q));
            expectClose(host(value), ref, 2e-5, 1e-6);
            const [gmp, gvp, gmq, gvq] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
              tf.sum(klNormalDiag(a, b, c, e)),
            )([tMp, tVp, tMq, tVq]);
            expect(gmq.shape).toEqual([d]);
            const g = klGradDiag(
              { loc: { data: mp, shape: [B, d] }, logVariance: { data: vp, shape: [B, d] } },
              { loc: mq, logVariance: vq },
              { reduce: "sum" },
            ).grad;
            const scale = 1e-5 * (1 + Math.max(...ref));
            expectClose(host(gmp), g.p.loc.data, 1e-4, scale);
            expectClose(host(gvp), g.p.logVariance.data, 1e-4, scale);
            expectClose(host(gmq), g.q.loc.data, 1e-4, scale);
            expectClose(host(gvq), g.q.logVariance.data, 1e-4, scale);
          });
        },
      ),
      { numRuns: runs(25) },
    );
  });

  it("defaults q to N(0, I), is exactly 0 with 0 gradient at p = q, and finite for logVar −700", () => {
    tf.tidy(() => {
      const mu = tf.tensor([
        [0, 0],
        [0.5, -1],
        [0, 0],
      ]);
      const lv = tf.tensor([
        [0, 0],
        [0.3, -0.2],
        [-700, -80],
      ]);
      const v = host(klNormalDiag(mu, lv));
      expect(v[0]).toBe(0);
      const ref = data(
        kl(
          MultivariateNormalDiag.fromLogVariance(host(mu).subarray(2, 4), f32([0.3, -0.2])),
          MultivariateNormalDiag.standard(2),
        ),
      );
      expect(Math.abs(v[1] - ref[0])).toBeLessThan(1e-6);
      // ½(φ(−700) + φ(−80)) = ½(699 + 79)
      expect(v[2]).toBeCloseTo(389, 3);
      const [gm, gv] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klNormalDiag(a, b)))([mu, lv]);
      const gvh = host(gv);
      expect(Array.from(host(gm).subarray(0, 2))).toEqual([0, 0]);
      expect(Array.from(gvh.subarray(0, 2))).toEqual([0, 0]);
      expect(gvh[4]).toBe(-0.5);
      expect(gvh.every(Number.isFinite)).toBe(true);
      // same with an explicit q = p
      const g2 = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
        tf.sum(klNormalDiag(a, b, c, e)),
      )([mu, lv, mu.clone(), lv.clone()]);
      for (const g of g2) expect(host(g).every((x) => x === 0)).toBe(true);
    });
  });

  it("rejects mismatched event axes and a half-given q", () => {
    expect(() => klNormalDiag(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/logVarP/);
    expect(() => klNormalDiag(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([3]))).toThrow(/muQ\/logVarQ/);
  });
});

describe("klMultivariateNormalTril", () => {
  it("values equal kl() and tf.grads equal klGradScaleTril and finite differences", () => {
    const d = 3;
    const rng = new Random(7);
    const tril = (): Float64Array => {
      const L = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let j = 0; j <= i; j++)
          L[i * d + j] = i === j ? Math.exp(0.5 * rng.normal()) : 0.5 * rng.normal();
      return f32(L);
    };
    const vec = (n: number) => f32(Array.from({ length: n }, () => rng.normal()));
    for (let trial = 0; trial < 5; trial++) {
      const B = 2;
      const mp = vec(B * d);
      const Lp = f32([...tril(), ...tril()]);
      const mq = vec(d);
      const Lq = tril();
      tf.tidy(() => {
        const ins = [tt(mp, [B, d]), tt(Lp, [B, d, d]), tt(mq, [d]), tt(Lq, [d, d])];
        const value = klMultivariateNormalTril(ins[0], ins[1], ins[2], ins[3]);
        const P = MultivariateNormal.fromScaleTril(
          { data: mp, shape: [B, d] },
          { data: Lp, shape: [B, d, d] },
        );
        const Q = MultivariateNormal.fromScaleTril(mq, { data: Lq, shape: [d, d] });
        const ref = data(kl(P, Q));
        expectClose(host(value), ref, 1e-6, 1e-7);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
          tf.sum(klMultivariateNormalTril(a, b, c, e)),
        )(ins);
        expect(grads.map((g) => g.shape)).toEqual([[B, d], [B, d, d], [d], [d, d]]);
        const g = klGradScaleTril(
          { loc: { data: mp, shape: [B, d] }, scaleTril: { data: Lp, shape: [B, d, d] } },
          { loc: mq, scaleTril: { data: Lq, shape: [d, d] } },
          { reduce: "sum" },
        ).grad;
        const expected = [g.p.loc.data, g.p.scaleTril.data, g.q.loc.data, g.q.scaleTril.data];
        grads.forEach((t, i) => expectClose(host(t), expected[i], 1e-6, 1e-6));
        // and a float64 central difference of Σ kl on one entry of Lq
        const sumKl = (lq: Float64Array) =>
          data(kl(P, MultivariateNormal.fromScaleTril(mq, { data: lq, shape: [d, d] }))).reduce(
            (s, x) => s + x,
            0,
          );
        const h = 1e-6;
        const a = Float64Array.from(Lq);
        const b = Float64Array.from(Lq);
        a[3] += h;
        b[3] -= h;
        expect(Math.abs((sumKl(a) - sumKl(b)) / (2 * h) - host(grads[3])[3])).toBeLessThan(
          1e-5 * (1 + Math.abs(host(grads[3])[3])),
        );
      });
    }
  });

  it("defaults q to N(0, I) and throws the main library's error for a non-triangular scale", () => {
    tf.tidy(() => {
      const mu = tf.tensor([0.5, -0.5]);
      const L = tf.tensor([
        [2, 0],
        [0.5, 1],
      ]);
      const v = host(klMultivariateNormalTril(mu, L))[0];
      const ref = kl(
        MultivariateNormal.fromScaleTril(
          [0.5, -0.5],
          [
            [2, 0],
            [0.5, 1],
          ],
        ),
        MultivariateNormal.fromScaleTril(
          [0, 0],
          [
            [1, 0],
            [0, 1],
          ],
        ),
      );
      expect(v).toBeCloseTo(ref as number, 6);
      const [, gL] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klMultivariateNormalTril(a, b))([mu, L]);
      expect(host(gL)[1]).toBe(0); // upper triangle is not a parameter
      expect(() =>
        klMultivariateNormalTril(
          mu,
          tf.tensor([
            [1, 0.1],
            [0, 1],
          ]),
        ),
      ).toThrow(/p\.scaleTril/);
    });
  });
});

describe("klCategorical", () => {
  it("values equal kl(Categorical) and gradients equal float64 finite differences", () => {
    const K = 5;
    fc.assert(
      fc.property(vals(2 * K, -4, 4), vals(K, -4, 4), (lp, lq) => {
        tf.tidy(() => {
          const tP = tt(lp, [2, K]);
          const tQ = tt(lq, [K]);
          const value = klCategorical(tP, tQ);
          const klRows = (a: ArrayLike<number>, b: ArrayLike<number>) =>
            data(kl(new Categorical({ logits: { data: a, shape: [2, K] } }), new Categorical({ logits: b })));
          const ref = klRows(lp, lq);
          expectClose(host(value), ref, 1e-4, 2e-6);
          const [gp, gq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klCategorical(a, b)))([tP, tQ]);
          expect(gq.shape).toEqual([K]);
          const fd = (x: Float64Array, i: number, f: (y: Float64Array) => number): number => {
            const h = 1e-6;
            const a = Float64Array.from(x);
            const b = Float64Array.from(x);
            a[i] += h;
            b[i] -= h;
            return (f(a) - f(b)) / (2 * h);
          };
          const sum = (v: Float64Array) => v.reduce((s, x) => s + x, 0);
          const ep = Array.from(lp, (_, i) => fd(lp, i, (y) => sum(klRows(y, lq))));
          const eq = Array.from(lq, (_, i) => fd(lq, i, (y) => sum(klRows(lp, y))));
          expectClose(host(gp), ep, 1e-3, 2e-6);
          expectClose(host(gq), eq, 1e-3, 2e-6);
        });
      }),
      { numRuns: runs(25) },
    );
  });

  it("is 0 with 0 gradient at p = q and handles a −Infinity logit in p", () => {
    tf.tidy(() => {
      const l = tf.tensor([1, 2, 3]);
      expect(host(klCategorical(l, l.clone()))[0]).toBe(0);
      const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klCategorical(a, b))([l, l.clone()]);
      expect(host(g1).every((x) => Math.abs(x) < 1e-7)).toBe(true);
      expect(host(g2).every((x) => Math.abs(x) < 1e-7)).toBe(true);
      const lp = tf.tensor([0, -Infinity, 1]);
      const lq = tf.tensor([0.5, 0, 0]);
      const v = host(klCategorical(lp, lq))[0];
      const ref = kl(
        new Categorical({ logits: [0, -Infinity, 1] }),
        new Categorical({ logits: [0.5, 0, 0] }),
      ) as number;
      expect(Math.abs(v - ref)).toBeLessThan(1e-6);
      const [gp, gq] = tf.grads((a: tf.Tensor, b: tf.Tensor) => klCategorical(a, b))([lp, lq]);
      expect(host(gp).every(Number.isFinite)).toBe(true);
      expect(host(gp)[1]).toBe(0);
      expect(host(gq).every(Number.isFinite)).toBe(true);
    });
  });
});

describe("tensor memory", () => {
  it("forward and backward passes leave no tensors behind", () => {
    const ins = [
      tf.tensor([
        [0.5, -1],
        [0.2, 0.3],
      ]),
      tf.tensor([
        [0.1, 0.2],
        [-0.4, 0],
      ]),
      tf.tensor([0.1, 0]),
      tf.tensor([0.3, -0.2]),
    ];
    const L = tf.tensor([
      [1, 0],
      [0.5, 2],
    ]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
          tf.sum(klNormalDiag(a, b, c, e)),
        )(ins);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klNormalDiag(a, b)))([ins[0], ins[1]]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klMultivariateNormalTril(a, b)))([ins[2], L]);
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klCategorical(a, b)))([ins[0], ins[3]]);
        klCategorical(ins[0], ins[1]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...ins, L]);
  });
});

describe("a VAE-like toy model trained with klNormalDiag", () => {
  it("lowers the ELBO loss substantially over 200 Adam steps; the KL term stays finite and ≥ 0", () => {
    // 2-D data on a noisy line: x = s·(2, −1) + 0.1·ε, s ~ N(0, 1)
    const rng = new Random(3);
    const N = 128;
    const xs = new Float32Array(N * 2);
    for (let i = 0; i < N; i++) {
      const s = rng.normal();
      xs[2 * i] = 2 * s + 0.1 * rng.normal();
      xs[2 * i + 1] = -s + 0.1 * rng.normal();
    }
    const x = tf.tensor(xs, [N, 2]);
    const init = (shape: number[], seed: number) =>
      tf.variable(tf.randomNormal(shape, 0, 0.1, "float32", seed));
    // encoder x → (μ, log σ²) in a 1-D latent, decoder z → x̂; Gaussian likelihood with σ² = 0.1
    const wMu = init([2, 1], 1);
    const bMu = tf.variable(tf.zeros([1]));
    const wLv = init([2, 1], 2);
    const bLv = tf.variable(tf.zeros([1]));
    const wDec = init([1, 2], 3);
    const bDec = tf.variable(tf.zeros([2]));
    const opt = tf.train.adam(0.05);
    const losses: number[] = [];
    const kls: number[] = [];
    for (let step = 0; step < 200; step++) {
      const eps = tf.randomNormal([N, 1], 0, 1, "float32", 1000 + step);
      const cost = opt.minimize(() => {
        const mu = tf.add(tf.matMul(x, wMu), bMu);
        const logVar = tf.add(tf.matMul(x, wLv), bLv);
        const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps));
        const xHat = tf.add(tf.matMul(z, wDec), bDec);
        const recon = tf.sum(tf.div(tf.square(tf.sub(x, xHat)), 2 * 0.1), -1);
        const klTerm = klNormalDiag(mu, logVar);
        const kv = klTerm.dataSync();
        kls.push(Math.min(...kv), Math.max(...kv));
        return tf.mean(tf.add(recon, klTerm)) as tf.Scalar;
      }, true);
      losses.push(cost!.dataSync()[0]);
      cost!.dispose();
      eps.dispose();
    }
    const first = losses.slice(0, 10).reduce((s, v) => s + v, 0) / 10;
    const last = losses.slice(-10).reduce((s, v) => s + v, 0) / 10;
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(last).toBeLessThan(0.25 * first);
    expect(kls.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    // the posterior moved away from the prior: the KL term carries information about x
    expect(kls[kls.length - 1]).toBeGreaterThan(0.5);
  });
});
