/**
 * The math of "fit": q's parameters θ = (m₁, m₂, log L₁₁, L₂₁, log L₂₂), the objective of each
 * direction and its gradient (analytic for a Gaussian p, central differences otherwise).
 */
import { MultivariateNormal, gmmKl, kl, klGradScaleTril, klMonteCarlo, type ScaleTrilParams } from "kullback";
import {
  type Component,
  FIT_SAMPLES,
  FIT_SEED,
  axesOf,
  covariance,
  scalar,
  state,
  toDistribution,
} from "./model.js";

export type Direction = "forward" | "reverse";

/** The lower-triangular scale L = [[e^θ₂, 0], [θ₃, e^θ₄]] of q. */
export const trilOf = (t: number[]): number[][] => [
  [Math.exp(t[2]), 0],
  [t[3], Math.exp(t[4])],
];

/** q = N(m, L Lᵀ) with L = [[e^θ₂, 0], [θ₃, e^θ₄]]. */
export function qFromTheta(t: number[]): MultivariateNormal {
  return MultivariateNormal.fromScaleTril([t[0], t[1]], trilOf(t));
}

export function thetaFromComponent(c: Component): number[] {
  const [[a, b], [, d]] = covariance(c);
  const l11 = Math.sqrt(a);
  const l21 = b / l11;
  const l22 = Math.sqrt(Math.max(d - l21 * l21, 1e-12));
  return [c.mx, c.my, Math.log(l11), l21, Math.log(l22)];
}

export function componentFromTheta(t: number[]): Component {
  const l11 = Math.exp(t[2]);
  const l21 = t[3];
  const l22 = Math.exp(t[4]);
  const ax = axesOf(l11 * l11, l11 * l21, l21 * l21 + l22 * l22);
  return { mx: t[0], my: t[1], ...ax };
}

export interface Objective {
  f: (t: number[]) => number;
  /** Analytic gradient in θ, when available. */
  grad?: (t: number[]) => number[];
  description: string;
  /** What the objective value is, shown next to it. */
  kind: string;
}

export function makeObjective(direction: Direction): Objective {
  const P = toDistribution(state.p);
  const gaussianP = state.p.comps.length === 1;
  if (gaussianP) {
    const f = (t: number[]) => {
      const Q = qFromTheta(t);
      return scalar(direction === "forward" ? kl(P, Q) : kl(Q, P));
    };
    const pt = thetaFromComponent(state.p.comps[0]);
    const pParams: ScaleTrilParams = { loc: [pt[0], pt[1]], scaleTril: trilOf(pt) };
    return {
      f,
      grad: (t) => {
        const qParams: ScaleTrilParams = { loc: [t[0], t[1]], scaleTril: trilOf(t) };
        const r =
          direction === "forward"
            ? klGradScaleTril(pParams, qParams).grad.q
            : klGradScaleTril(qParams, pParams).grad.p;
        const L = r.scaleTril.data; // row-major [[L11, 0], [L21, L22]]
        // Chain rule to θ = (m₁, m₂, log L₁₁, L₂₁, log L₂₂).
        return [r.loc.data[0], r.loc.data[1], L[0] * Math.exp(t[2]), L[2], L[3] * Math.exp(t[4])];
      },
      description:
        "objective: the library's closed-form kl (p is Gaussian); gradient: analytic, klGradScaleTril",
      kind: "closed form",
    };
  }
  if (direction === "forward") {
    // For a single Gaussian q, KL(p‖q) = −H(p) + Σ_a π_a (H(f_a) + KL(f_a‖q)), and gmmKl's
    // variational value is Σ_a π_a KL(f_a‖q) + Σ_a π_a log Σ_α π_α e^{−KL(f_a‖f_α)}: the two differ
    // by a constant that does not depend on q, so the variational value has the exact gradient.
    return {
      f: (t) => gmmKl(P, qFromTheta(t), { method: "variational" }).value,
      description:
        "objective: gmmKl's variational value (for a Gaussian q it differs from KL(p ‖ q) by a constant " +
        "independent of q, so its minimiser is the exact one); gradient: central finite differences of it",
      kind: "variational approximation",
    };
  }
  return {
    f: (t) => scalar(klMonteCarlo(qFromTheta(t), P, { samples: FIT_SAMPLES, seed: FIT_SEED }).estimate),
    description:
      `objective: klMonteCarlo with ${FIT_SAMPLES.toLocaleString("en")} draws of q and a fixed seed ` +
      "(draws m + L z with the same z: a smooth, deterministic function of q); " +
      "gradient: central finite differences of it",
    kind: "Monte Carlo, fixed seed",
  };
}

export function gradient(f: (t: number[]) => number, t: number[]): number[] {
  const h = 1e-5;
  return t.map((_, i) => {
    const a = t.slice();
    const b = t.slice();
    a[i] += h;
    b[i] -= h;
    return (f(a) - f(b)) / (2 * h);
  });
}
