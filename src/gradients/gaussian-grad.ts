/**
 * Analytic gradients of KL(p ‖ q) between Gaussians with respect to the parameters of both
 * sides, for training code (VAE posteriors, variational inference, distillation) that wants the
 * derivative without an autodiff framework, or as the backward pass of one (see `kullback/tfjs`).
 *
 * With δ = μp − μq, KL = ½ [tr(Σq⁻¹Σp) − d + log det Σq − log det Σp + δᵀΣq⁻¹δ] and the matrix
 * derivatives (Petersen & Pedersen, "The Matrix Cookbook", 2012, eqs. 57, 61, 63, 100)
 *
 *   ∂KL/∂μp = Σq⁻¹δ = −∂KL/∂μq,
 *   ∂KL/∂Σp = ½(Σq⁻¹ − Σp⁻¹),
 *   ∂KL/∂Σq = ½(Σq⁻¹ − Σq⁻¹(Σp + δδᵀ)Σq⁻¹).
 *
 * Every gradient is written so that it is a difference of quantities that coincide exactly when
 * p = q (expm1 of a log-variance difference, I − MMᵀ with M = Lq⁻¹Lp), so it is exactly 0 there
 * and accurate near it, and never forms exp(logVariance) of p alone (log-variances down to −700
 * give finite gradients).
 *
 * Shapes: by default (`reduce: "none"`) every gradient has the broadcast batch shape of the KL
 * value followed by the parameter's event shape; entry b is ∂KL_b/∂θ_b, the derivative of the
 * b-th KL value with respect to the parameter as it is used in batch element b (a broadcast
 * parameter counts as replicated). With `reduce: "sum"` each gradient is that of Σ_b KL_b with
 * respect to the parameter as given (summed over the axes it was broadcast along), i.e. the
 * gradient an autodiff framework would return for `sum(kl)`.
 */
import {
  NDArray,
  asArray,
  broadcastMap,
  broadcastShapes,
  result,
  sizeOf,
  type ArrayInput,
} from "../core/array.js";
import { KullbackError } from "../core/errors.js";
import type { DistributionOptions } from "../distributions/base.js";
import type { GaussianForm } from "../distributions/gaussian-form.js";
import { MultivariateNormal } from "../distributions/multivariate-normal.js";
import { MultivariateNormalDiag } from "../distributions/multivariate-normal-diag.js";
import { Normal } from "../distributions/normal.js";
import { klGaussianForms } from "../kl/gaussian.js";
import { kernels } from "../linalg/kernels.js";

/** How batched gradients are returned (see the module comment). */
export type GradReduce = "none" | "sum";

export interface KlGradOptions extends DistributionOptions {
  /**
   * `"none"` (default): per-batch-element gradients ∂KL_b/∂θ_b at the broadcast batch shape.
   * `"sum"`: the gradient of Σ_b KL_b, each with the shape of its parameter as given.
   */
  reduce?: GradReduce;
}

/** A diagonal Gaussian N(loc, diag(exp(logVariance))), both `[..., d]` (batch axes broadcast). */
export interface DiagParams {
  loc: ArrayInput;
  logVariance: ArrayInput;
}

/** A univariate normal N(loc, scale²) (batch axes broadcast). */
export interface NormalParams {
  loc: ArrayInput;
  scale: ArrayInput;
}

/** A full-covariance Gaussian N(loc, L Lᵀ): loc `[..., d]`, scaleTril `[..., d, d]` lower triangular. */
export interface ScaleTrilParams {
  loc: ArrayInput;
  scaleTril: ArrayInput;
}

/** The value KL(p ‖ q) (as `kl` returns it) and the gradients for both sides, named after the parameters. */
export interface KlGradResult<G> {
  value: number | NDArray;
  grad: { p: G; q: G };
}

export interface DiagGrad {
  loc: NDArray;
  logVariance: NDArray;
}

export interface NormalGrad {
  loc: number | NDArray;
  scale: number | NDArray;
}

export interface ScaleTrilGrad {
  loc: NDArray;
  /** Lower triangular (the strict upper triangle is 0: those entries are not parameters). */
  scaleTril: NDArray;
}

/** Runs a family constructor, prefixing any error's argument with the side (`p.loc`, `q.scale`...). */
function onSide<T>(side: "p" | "q", make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof KullbackError) {
      const argument = e.argument === undefined ? side : `${side}.${e.argument}`;
      const message =
        e.argument !== undefined && e.message.startsWith(e.argument)
          ? `${side}.${e.message}`
          : `${side}: ${e.message}`;
      throw new KullbackError(e.code, message, { argument, index: e.index, value: e.value });
    }
    throw e;
  }
}

/** Sums `data` (of shape `full`) over the axes along which `target` was broadcast to `full`. */
function sumTo(data: Float64Array, full: readonly number[], target: readonly number[]): NDArray {
  const map = broadcastMap(target, full);
  if (!map) return new NDArray(data, full);
  const out = new Float64Array(sizeOf(target));
  for (let i = 0; i < map.length; i++) out[map[i]] += data[i];
  return new NDArray(out, target);
}

/** +0 for ±0 (so that "exactly zero" gradients compare equal with Object.is as well). */
const pos0 = (x: number): number => x + 0;

/**
 * KL(p ‖ q) between diagonal Gaussians given by (loc, logVariance) — the (mu, logVar) of a VAE
 * encoder — and its gradients. With t = lvp − lvq and δ = μp − μq, per coordinate
 *
 *   KL = ½ Σ_i [expm1(t_i) − t_i + δ_i² e^{−lvq_i}],
 *   ∂KL/∂μp = δ e^{−lvq} = −∂KL/∂μq,
 *   ∂KL/∂lvp = ½ expm1(t),
 *   ∂KL/∂lvq = −½ (expm1(t) + δ² e^{−lvq}),
 *
 * (the diagonal case of the matrix derivatives in the module comment with Σ = diag(e^{lv})).
 * All four are exactly 0 at p = q and finite for p log-variances down to −700 (and beyond).
 * `q` defaults to the standard normal N(0, I_d). Parameters are validated as by
 * `MultivariateNormalDiag.fromLogVariance`; errors name the side (`p.logVariance`, ...).
 * @example klGradDiag({ loc: [0.5], logVariance: [0] }).grad.p.loc; // NDArray [0.5]
 */
export function klGradDiag(
  p: DiagParams,
  q?: DiagParams,
  options: KlGradOptions = {},
): KlGradResult<DiagGrad> {
  const shapes = {
    pl: asArray(p.loc, "p.loc").shape,
    pv: asArray(p.logVariance, "p.logVariance").shape,
  };
  const P = onSide("p", () => MultivariateNormalDiag.fromLogVariance(p.loc, p.logVariance, options));
  const fp = P.toGaussianForm();
  const d = fp.d;
  const qp: DiagParams = q ?? { loc: new Float64Array(d), logVariance: new Float64Array(d) };
  const ql = asArray(qp.loc, "q.loc").shape;
  const qv = asArray(qp.logVariance, "q.logVariance").shape;
  const Q = onSide("q", () => MultivariateNormalDiag.fromLogVariance(qp.loc, qp.logVariance, options));
  const fq = Q.toGaussianForm();
  const value = klGaussianForms(fp, fq);
  const shape = broadcastShapes([fp.batchShape, fq.batchShape], ["p", "q"]);
  const n = sizeOf(shape);
  const m = maps(fp, fq, shape);
  const lvP = (fp.cov as { logVar: Float64Array }).logVar;
  const lvQ = (fq.cov as { logVar: Float64Array }).logVar;
  const gmp = new Float64Array(n * d);
  const gmq = new Float64Array(n * d);
  const gvp = new Float64Array(n * d);
  const gvq = new Float64Array(n * d);
  for (let b = 0; b < n; b++) {
    const lp = m.lp(b) * d;
    const lq = m.lq(b) * d;
    const cp = m.cp(b) * d;
    const cq = m.cq(b) * d;
    for (let i = 0; i < d; i++) {
      const o = b * d + i;
      const delta = fp.loc[lp + i] - fq.loc[lq + i];
      const vq = lvQ[cq + i];
      const em = Math.expm1(lvP[cp + i] - vq);
      // δ / σq² as (δ e^{−lvq/2}) e^{−lvq/2}: finite whenever the result is (e^{−lvq} alone
      // overflows for σq < 1e-154); δ = 0 contributes nothing
      const h = Math.exp(-0.5 * vq);
      const g = delta === 0 ? 0 : delta * h * h;
      gmp[o] = pos0(g);
      gmq[o] = pos0(-g);
      gvp[o] = pos0(0.5 * em);
      gvq[o] = pos0(-0.5 * (em + delta * g));
    }
  }
  const full = [...shape, d];
  const sum = options.reduce === "sum";
  const out = (data: Float64Array, target: readonly number[]): NDArray =>
    sum ? sumTo(data, full, target) : new NDArray(data, full);
  return {
    value,
    grad: {
      p: { loc: out(gmp, shapes.pl), logVariance: out(gvp, shapes.pv) },
      q: { loc: out(gmq, ql), logVariance: out(gvq, qv) },
    },
  };
}

/**
 * KL(p ‖ q) between univariate normals N(μ, σ²) and its gradients. With δ = μp − μq and
 * ρ = log σp − log σq,
 *
 *   KL = log(σq/σp) + (σp² + δ²)/(2σq²) − ½,
 *   ∂KL/∂μp = δ/σq² = −∂KL/∂μq,
 *   ∂KL/∂σp = (σp²/σq² − 1)/σp = expm1(2ρ)/σp,
 *   ∂KL/∂σq = −(expm1(2ρ) + δ²/σq²)/σq,
 *
 * exactly 0 at p = q. `q` defaults to N(0, 1). Parameters are validated as by `new Normal`.
 * Gradients are `number` for a scalar batch, else NDArray (like `kl`).
 * @example klGradNormal({ loc: 0, scale: 2 }, { loc: 0, scale: 1 }).grad.p.scale; // 1.5
 */
export function klGradNormal(
  p: NormalParams,
  q: NormalParams = { loc: 0, scale: 1 },
  options: KlGradOptions = {},
): KlGradResult<NormalGrad> {
  const target = {
    pl: asArray(p.loc, "p.loc").shape,
    ps: asArray(p.scale, "p.scale").shape,
    ql: asArray(q.loc, "q.loc").shape,
    qs: asArray(q.scale, "q.scale").shape,
  };
  const P = onSide("p", () => new Normal(p.loc, p.scale, options));
  const Q = onSide("q", () => new Normal(q.loc, q.scale, options));
  const value = klGaussianForms(P.toGaussianForm(), Q.toGaussianForm());
  const shape = broadcastShapes([P.batchShape, Q.batchShape], ["p", "q"]);
  const n = sizeOf(shape);
  const mp = broadcastMap(P.batchShape, shape);
  const mq = broadcastMap(Q.batchShape, shape);
  const gmp = new Float64Array(n);
  const gmq = new Float64Array(n);
  const gsp = new Float64Array(n);
  const gsq = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    const ip = mp ? mp[b] : b;
    const iq = mq ? mq[b] : b;
    const sp = P.scale[ip];
    const sq = Q.scale[iq];
    const delta = P.loc[ip] - Q.loc[iq];
    const em = Math.expm1(2 * (Math.log(sp) - Math.log(sq)));
    const z = delta / sq;
    const g = z / sq;
    gmp[b] = pos0(g);
    gmq[b] = pos0(-g);
    gsp[b] = pos0(em / sp);
    gsq[b] = pos0(-(em + z * z) / sq);
  }
  const out = (data: Float64Array, t: readonly number[]): number | NDArray => {
    if (options.reduce !== "sum") return result(data, shape);
    const r = sumTo(data, shape, t);
    return result(r.data, r.shape);
  };
  return {
    value,
    grad: {
      p: { loc: out(gmp, target.pl), scale: out(gsp, target.ps) },
      q: { loc: out(gmq, target.ql), scale: out(gsq, target.qs) },
    },
  };
}

/** Index maps from the broadcast batch to each side's loc and covariance batches. */
function maps(fp: GaussianForm, fq: GaussianForm, shape: readonly number[]) {
  const f = (m: Int32Array | null) => (b: number) => (m ? m[b] : b);
  return {
    lp: f(broadcastMap(fp.locBatch, shape)),
    lq: f(broadcastMap(fq.locBatch, shape)),
    cp: f(broadcastMap(fp.covBatch, shape)),
    cq: f(broadcastMap(fq.covBatch, shape)),
  };
}

/**
 * KL(p ‖ q) between full-covariance Gaussians N(μ, L Lᵀ) given by lower-triangular scales, and its
 * gradients. With Gp = ∂KL/∂Σp and Gq = ∂KL/∂Σq symmetric (module comment), Σ = L Lᵀ gives
 * dKL = tr(G dΣ) = 2 tr(Lᵀ G dL), so ∂KL/∂L = tril(2 G L) (only the lower triangle of L is free).
 * With M = Lq⁻¹Lp (lower triangular) and z = Lq⁻¹δ this is
 *
 *   ∂KL/∂μp = Lq⁻ᵀ z = −∂KL/∂μq,
 *   ∂KL/∂Lp = tril(Lq⁻ᵀ M) − diag(1/Lp_ii)      (tril(Lp⁻ᵀ) is its diagonal),
 *   ∂KL/∂Lq = tril(Lq⁻ᵀ (I − M Mᵀ − z zᵀ)),
 *
 * computed with triangular solves only (no inverse is formed), O(d³) per batch element. At p = q,
 * M = I exactly and all gradients are exactly 0. `q` defaults to N(0, I_d). Parameters are
 * validated as by `MultivariateNormal.fromScaleTril` (positive diagonal, zero upper triangle).
 * @example klGradScaleTril({ loc: [0, 0], scaleTril: [[2, 0], [0, 1]] }).grad.p.scaleTril; // [[1.5, 0], [0, 0]]
 */
export function klGradScaleTril(
  p: ScaleTrilParams,
  q?: ScaleTrilParams,
  options: KlGradOptions = {},
): KlGradResult<ScaleTrilGrad> {
  const pl = asArray(p.loc, "p.loc").shape;
  const pL = asArray(p.scaleTril, "p.scaleTril").shape;
  const P = onSide("p", () => MultivariateNormal.fromScaleTril(p.loc, p.scaleTril, options));
  const fp = P.toGaussianForm();
  const d = fp.d;
  let qp = q;
  if (!qp) {
    const eye = new Float64Array(d * d);
    for (let i = 0; i < d; i++) eye[i * d + i] = 1;
    qp = { loc: new Float64Array(d), scaleTril: { data: eye, shape: [d, d] } };
  }
  const ql = asArray(qp.loc, "q.loc").shape;
  const qL = asArray(qp.scaleTril, "q.scaleTril").shape;
  const Q = onSide("q", () => MultivariateNormal.fromScaleTril(qp.loc, qp.scaleTril, options));
  const fq = Q.toGaussianForm();
  const value = klGaussianForms(fp, fq);
  const shape = broadcastShapes([fp.batchShape, fq.batchShape], ["p", "q"]);
  const n = sizeOf(shape);
  const m = maps(fp, fq, shape);
  const LP = (fp.cov as { L: Float64Array }).L;
  const LQ = (fq.cov as { L: Float64Array }).L;
  const dd = d * d;
  const gmp = new Float64Array(n * d);
  const gmq = new Float64Array(n * d);
  const glp = new Float64Array(n * dd);
  const glq = new Float64Array(n * dd);
  const M = new Float64Array(dd);
  const A = new Float64Array(dd);
  const z = new Float64Array(d);
  const w = new Float64Array(d);
  const k = kernels();
  for (let b = 0; b < n; b++) {
    const lp = m.lp(b) * d;
    const lq = m.lq(b) * d;
    const op = m.cp(b) * dd;
    const oq = m.cq(b) * dd;
    for (let i = 0; i < d; i++) z[i] = fp.loc[lp + i] - fq.loc[lq + i];
    k.trsvLower(d, LQ, oq, z, 0); // z = Lq⁻¹δ
    w.set(z);
    k.trsmLowerTrans(d, 1, LQ, oq, w, 0); // w = Lq⁻ᵀz = Σq⁻¹δ
    for (let i = 0; i < d; i++) {
      gmp[b * d + i] = pos0(w[i]);
      gmq[b * d + i] = pos0(-w[i]);
    }
    k.trilSolveTril(d, LQ, oq, LP, op, M); // M = Lq⁻¹Lp
    // A = I − M Mᵀ − z zᵀ (symmetric); M row i is zero past column i
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let c = 0; c <= j; c++) s += M[i * d + c] * M[j * d + c];
        const v = (i === j ? 1 : 0) - s - z[i] * z[j];
        A[i * d + j] = v;
        A[j * d + i] = v;
      }
    }
    k.trsmLowerTrans(d, d, LQ, oq, A, 0); // Lq⁻ᵀ A
    k.trsmLowerTrans(d, d, LQ, oq, M, 0); // Lq⁻ᵀ M
    const go = b * dd;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        glq[go + i * d + j] = pos0(A[i * d + j]);
        const y = M[i * d + j];
        glp[go + i * d + j] = pos0(i === j ? y - 1 / LP[op + i * d + i] : y);
      }
    }
  }
  const sum = options.reduce === "sum";
  const out = (data: Float64Array, full: readonly number[], t: readonly number[]): NDArray =>
    sum ? sumTo(data, full, t) : new NDArray(data, full);
  const fl = [...shape, d];
  const fL = [...shape, d, d];
  return {
    value,
    grad: {
      p: { loc: out(gmp, fl, pl), scaleTril: out(glp, fL, pL) },
      q: { loc: out(gmq, fl, ql), scaleTril: out(glq, fL, qL) },
    },
  };
}
