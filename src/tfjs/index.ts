/**
 * `kullback/tfjs` — KL divergences as differentiable TensorFlow.js ops, for training losses
 * (the KL term of a VAE's ELBO, a KL-regularised policy, distillation between categoricals).
 *
 * TensorFlow.js is a peer dependency used only by this entry point (`@tensorflow/tfjs-core` ≥ 4,
 * or `@tensorflow/tfjs`, which contains it); the main `kullback` entry never imports it. Every op
 * is a `tf.customGrad` whose backward pass is the closed-form gradient, so gradients keep the
 * accurate forms of the main library (expm1 of log-variance differences, exactly 0 at p = q)
 * instead of differentiating through cancelling expressions.
 *
 * Conventions: the last axis is the event (d coordinates or K categories), leading axes are the
 * batch and broadcast (NumPy rules) between p and q; each op returns one KL value per batch
 * element (shape = broadcast batch shape). Gradients are reduced to each input's own shape, as
 * for any broadcasting tf op. TensorFlow.js computes in float32, so values agree with the
 * float64 main library to float32 round-off (relative ~1e-6).
 */
import * as tf from "@tensorflow/tfjs-core";
import { KullbackError, klGradScaleTril } from "../index.js";

type T = tf.Tensor;

// errors in the library's own form (code, argument, value), built on the public KullbackError
function invalidParameter(argument: string, requirement: string, got: string): KullbackError {
  return new KullbackError(
    "InvalidParameter",
    `${argument} must be ${requirement}; got ${JSON.stringify(got)}`,
    {
      argument,
      value: got,
    },
  );
}
function invalidShape(argument: string, message: string, value?: unknown): KullbackError {
  return new KullbackError("InvalidShape", `${argument}: ${message}`, { argument, value });
}
/** The forward function `tf.customGrad` takes (its type is not exported by tfjs-core). */
type CustomGradientFunc = Parameters<typeof tf.customGrad<T>>[0];

/** Sums a gradient computed at a broadcast shape back to the shape of the input it belongs to. */
function sumTo(g: T, shape: readonly number[]): T {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length > 0 ? tf.sum(g, axes) : g;
  return tf.reshape(s, [...shape]);
}

/** dy of shape [...batch] as [...batch, 1, ...] for `trailing` event axes. */
function expandTrailing(dy: T, trailing: number): T {
  let e = dy;
  for (let i = 0; i < trailing; i++) e = tf.expandDims(e, -1);
  return e;
}

function checkEvent(tensors: readonly (T | undefined)[], names: readonly string[], eventNdim = 1): void {
  const first = tensors[0]!;
  if (first.rank < eventNdim) {
    throw invalidShape(
      names[0],
      `must have at least ${eventNdim} axis (the event); got shape [${first.shape.join(", ")}]`,
    );
  }
  const d = first.shape[first.rank - 1];
  tensors.forEach((t, i) => {
    if (!t) return;
    if (!(t instanceof tf.Tensor)) throw invalidParameter(names[i], "a tf.Tensor", typeof t);
    if (t.rank < eventNdim || t.shape[t.rank - 1] !== d) {
      throw invalidShape(
        names[i],
        `last axis must have length ${d} to match ${names[0]}; got shape [${t.shape.join(", ")}]`,
        t.shape,
      );
    }
  });
}

/**
 * φ(t) = eᵗ − 1 − t ≥ 0: a Taylor polynomial for |t| < ½ (where expm1(t) − t loses bits to
 * cancellation in float32; truncation < t⁹/9!, relative < 1e-8) and expm1(t) − t elsewhere.
 */
function expm1MinusX(t: T): T {
  const series = tf.mul(
    tf.square(t),
    tf.add(
      1 / 2,
      tf.mul(
        t,
        tf.add(
          1 / 6,
          tf.mul(
            t,
            tf.add(1 / 24, tf.mul(t, tf.add(1 / 120, tf.mul(t, tf.add(1 / 720, tf.mul(t, 1 / 5040)))))),
          ),
        ),
      ),
    ),
  );
  return tf.where(tf.less(tf.abs(t), 0.5), series, tf.sub(tf.expm1(t), t));
}

const klDiagStandard = tf.customGrad(((mu: T, lv: T, save: tf.GradSaveFunc) => {
  save([mu, lv]);
  // KL(N(μ, e^{lv}) ‖ N(0, I)) = ½ Σ (φ(lv) + μ²)
  const value = tf.mul(0.5, tf.sum(tf.add(expm1MinusX(lv), tf.square(mu)), -1));
  return {
    value,
    gradFunc: (dy: T, saved: T[]) => {
      const [m, v] = saved;
      const e = expandTrailing(dy, 1);
      return [sumTo(tf.mul(e, m), m.shape), sumTo(tf.mul(e, tf.mul(0.5, tf.expm1(v))), v.shape)];
    },
  };
}) as unknown as CustomGradientFunc);

/** δ e^{−lvq}, and 0 where δ = 0 even if e^{−lvq} overflows float32 (lvq < −88). */
function scaledDelta(delta: T, lvQ: T): T {
  const g = tf.mul(delta, tf.exp(tf.neg(lvQ)));
  return tf.where(tf.equal(delta, 0), tf.zerosLike(g), g);
}

const klDiagGeneral = tf.customGrad(((muP: T, lvP: T, muQ: T, lvQ: T, save: tf.GradSaveFunc) => {
  save([muP, lvP, muQ, lvQ]);
  const delta = tf.sub(muP, muQ);
  const t = tf.sub(lvP, lvQ);
  // ½ Σ [φ(lvp − lvq) + δ² e^{−lvq}]
  const value = tf.mul(0.5, tf.sum(tf.add(expm1MinusX(t), tf.mul(delta, scaledDelta(delta, lvQ))), -1));
  return {
    value,
    gradFunc: (dy: T, saved: T[]) => {
      const [mp, vp, mq, vq] = saved;
      const e = expandTrailing(dy, 1);
      const d = tf.sub(mp, mq);
      const em = tf.expm1(tf.sub(vp, vq));
      const g = scaledDelta(d, vq); // ∂/∂μp = δ e^{−lvq}
      const gvq = tf.mul(-0.5, tf.add(em, tf.mul(d, g))); // −½(expm1(t) + δ² e^{−lvq})
      return [
        sumTo(tf.mul(e, g), mp.shape),
        sumTo(tf.mul(e, tf.mul(0.5, em)), vp.shape),
        sumTo(tf.neg(tf.mul(e, g)), mq.shape),
        sumTo(tf.mul(e, gvq), vq.shape),
      ];
    },
  };
}) as unknown as CustomGradientFunc);

/**
 * KL(p ‖ q) between diagonal Gaussians p = N(muP, diag(exp(logVarP))) and
 * q = N(muQ, diag(exp(logVarQ))) — q defaults to N(0, I) — per batch row:
 *
 *   KL = ½ Σ_i [expm1(t_i) − t_i + (μp_i − μq_i)² e^{−lvq_i}],  t = lvp − lvq,
 *
 * (the TFP/`kullback` expm1 form: a sum of non-negative terms, exactly 0 at p = q). Gradients are
 * the closed forms ∂/∂μp = δe^{−lvq} = −∂/∂μq, ∂/∂lvp = ½expm1(t), ∂/∂lvq = −½(expm1(t) + δ²e^{−lvq})
 * (see `klGradDiag`). Inputs are `[..., d]` float tensors; returns shape `[...batch]`. Values are
 * not validated (that would need a device sync): NaN in, NaN out. In float32, e^{−lvq} overflows
 * for lvq < −88 (variances below 1e−38): the value is then +Infinity where μp ≠ μq (as it
 * should be) and finite where μp = μq.
 * @example const klTerm = klNormalDiag(mu, logVar); // [batch] tensor, q = N(0, I)
 */
export function klNormalDiag(muP: T, logVarP: T, muQ?: T, logVarQ?: T): T {
  if ((muQ === undefined) !== (logVarQ === undefined)) {
    throw invalidParameter(
      "muQ/logVarQ",
      "given together (or both omitted for q = N(0, I))",
      muQ === undefined ? "logVarQ only" : "muQ only",
    );
  }
  checkEvent([muP, logVarP, muQ, logVarQ], ["muP", "logVarP", "muQ", "logVarQ"]);
  if (muQ === undefined || logVarQ === undefined) return klDiagStandard(muP, logVarP);
  return klDiagGeneral(muP, logVarP, muQ, logVarQ);
}

function hostData(t: T): { data: Float64Array; shape: number[] } {
  return { data: Float64Array.from(t.dataSync() as Float32Array), shape: [...t.shape] };
}

/**
 * KL(p ‖ q) between full-covariance Gaussians p = N(muP, Lp Lpᵀ) and q = N(muQ, Lq Lqᵀ) given by
 * lower-triangular scales (`[..., d]` and `[..., d, d]`; q defaults to N(0, I)), per batch element.
 * TensorFlow.js has no triangular solve, so the value and the gradients
 * (∂/∂μ, and lower-triangular ∂/∂L, from `klGradScaleTril`) are computed in float64 by the main
 * library on the host: the op reads its inputs with `dataSync()` (a device sync on WebGL/WebGPU)
 * and costs O(batch·d³). Parameters are validated as by `MultivariateNormal.fromScaleTril`: a
 * non-zero upper triangle or a non-positive diagonal throws (build L with
 * `tf.linalg.bandPart(raw, -1, 0)` and a positive transform of the diagonal).
 * @example const k = klMultivariateNormalTril(mu, scaleTril); // q = N(0, I)
 */
export function klMultivariateNormalTril(muP: T, scaleTrilP: T, muQ?: T, scaleTrilQ?: T): T {
  if ((muQ === undefined) !== (scaleTrilQ === undefined)) {
    throw invalidParameter(
      "muQ/scaleTrilQ",
      "given together (or both omitted for q = N(0, I))",
      muQ === undefined ? "scaleTrilQ only" : "muQ only",
    );
  }
  checkEvent([muP, scaleTrilP, muQ, scaleTrilQ], ["muP", "scaleTrilP", "muQ", "scaleTrilQ"]);
  const inputs = muQ && scaleTrilQ ? [muP, scaleTrilP, muQ, scaleTrilQ] : [muP, scaleTrilP];
  const op = tf.customGrad(((...args: unknown[]) => {
    const ts = args.slice(0, inputs.length) as T[];
    const [mp, lp, mq, lq] = ts.map(hostData);
    const r = klGradScaleTril({ loc: mp, scaleTril: lp }, mq && lq ? { loc: mq, scaleTril: lq } : undefined);
    const v = r.value;
    const value =
      typeof v === "number"
        ? tf.scalar(v, "float32")
        : tf.tensor(Float32Array.from(v.data), [...v.shape], "float32");
    const g = r.grad;
    return {
      value,
      gradFunc: (dy: T) => {
        const e1 = expandTrailing(dy, 1);
        const e2 = expandTrailing(dy, 2);
        const t = (a: { data: Float64Array; shape: readonly number[] }) =>
          tf.tensor(Float32Array.from(a.data), [...a.shape], "float32");
        const out = [
          sumTo(tf.mul(e1, t(g.p.loc)), ts[0].shape),
          sumTo(tf.mul(e2, t(g.p.scaleTril)), ts[1].shape),
        ];
        if (ts.length === 4) {
          out.push(
            sumTo(tf.mul(e1, t(g.q.loc)), ts[2].shape),
            sumTo(tf.mul(e2, t(g.q.scaleTril)), ts[3].shape),
          );
        }
        return out;
      },
    };
  }) as unknown as CustomGradientFunc);
  return op(...inputs);
}

const klCategoricalOp = tf.customGrad(((lp: T, lq: T, save: tf.GradSaveFunc) => {
  const logP = tf.logSoftmax(lp, -1);
  const logQ = tf.logSoftmax(lq, -1);
  const p = tf.exp(logP);
  const q = tf.exp(logQ);
  const support = tf.greater(p, 0);
  // Σ p (log p − log q), with 0·log 0 = 0 where p has no mass
  const terms = tf.where(support, tf.mul(p, tf.sub(logP, logQ)), tf.zerosLike(p));
  const value = tf.maximum(tf.sum(terms, -1), 0);
  save([p, q, logP, logQ, value, support]);
  return {
    value,
    gradFunc: (dy: T, saved: T[]) => {
      const [sp, sq, slp, slq, sv, ss] = saved;
      const e = expandTrailing(dy, 1);
      // ∂KL/∂logitsP_j = p_j (log p_j − log q_j − KL);  ∂KL/∂logitsQ_j = q_j − p_j
      const gp = tf.where(ss, tf.mul(sp, tf.sub(tf.sub(slp, slq), tf.expandDims(sv, -1))), tf.zerosLike(sp));
      return [sumTo(tf.mul(e, gp), lp.shape), sumTo(tf.mul(e, tf.sub(sq, sp)), lq.shape)];
    },
  };
}) as unknown as CustomGradientFunc);

/**
 * KL(p ‖ q) = Σ_k p_k (log p_k − log q_k) between categoricals given by unnormalised logits
 * `[..., K]` (batch axes broadcast), per batch element, through log-softmax (no probabilities are
 * divided or logged). Finite wherever q has no zero probabilities; a p logit of −Infinity is a
 * category without mass and contributes 0 (value and gradient). Gradients are the closed forms
 * ∂/∂logitsP = p ⊙ (log p − log q − KL) and ∂/∂logitsQ = q − p. Clamped at 0 against float32
 * round-off.
 * @example klCategorical(studentLogits, teacherLogits); // [batch]
 */
export function klCategorical(logitsP: T, logitsQ: T): T {
  checkEvent([logitsP, logitsQ], ["logitsP", "logitsQ"]);
  return klCategoricalOp(logitsP, logitsQ);
}
