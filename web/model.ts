/**
 * The playground's state and its numbers: components, geometry, formatting and the readouts,
 * all from the library's public API (no DOM here).
 */
import {
  GaussianMixture,
  KullbackError,
  MultivariateNormal,
  bhattacharyya,
  fDivergenceMonteCarlo,
  gmmKl,
  hellinger,
  js,
  jsMonteCarlo,
  kl,
  klMonteCarlo,
  wasserstein2,
  type Distribution,
  type NDArray,
} from "kullback";

// ───────────────────────────── state ─────────────────────────────

/** One Gaussian component: mean and the covariance R(angle) diag(s1², s2²) R(angle)ᵀ. */
export interface Component {
  mx: number;
  my: number;
  /** Standard deviation along the first principal axis. */
  s1: number;
  /** Standard deviation along the second principal axis (perpendicular to the first). */
  s2: number;
  /** Direction of the first principal axis, radians, counter-clockwise from +x. */
  angle: number;
}

export type Name = "p" | "q";

export interface DistState {
  name: Name;
  comps: Component[];
}

export const state: Record<Name, DistState> = {
  p: { name: "p", comps: [{ mx: -1.2, my: 0.4, s1: 1.3, s2: 0.6, angle: 0.5 }] },
  q: { name: "q", comps: [{ mx: 1.6, my: -0.6, s1: 1.0, s2: 0.75, angle: -0.35 }] },
};

export const COLORS: Record<Name, string> = { p: "#2563eb", q: "#ea580c" };
/** Seed and draw count of every Monte Carlo readout (fixed: the numbers do not flicker). */
export const MC_SEED = 20240611;
export const MC_SAMPLES = 10000;
/** Draws of the Monte Carlo fit objective (fixed seed: a deterministic function of q). */
export const FIT_SAMPLES = 4000;
export const FIT_SEED = 7;
export const MIN_STD = 0.08;

// ───────────────────────────── geometry ─────────────────────────────

export const W = 720;
export const H = 540;
/** Pixels per unit: the plot shows x ∈ [−6, 6], y ∈ [−4.5, 4.5]. */
export const S = 60;
export const toPx = (x: number, y: number): [number, number] => [W / 2 + x * S, H / 2 - y * S];
export const clampX = (x: number) => Math.max(-5.9, Math.min(5.9, x));
export const clampY = (y: number) => Math.max(-4.4, Math.min(4.4, y));

export function covariance(c: Component): [[number, number], [number, number]] {
  const cs = Math.cos(c.angle);
  const sn = Math.sin(c.angle);
  const v1 = c.s1 * c.s1;
  const v2 = c.s2 * c.s2;
  const a = cs * cs * v1 + sn * sn * v2;
  const d = sn * sn * v1 + cs * cs * v2;
  const b = cs * sn * (v1 - v2);
  return [
    [a, b],
    [b, d],
  ];
}

/** Principal axes of a symmetric 2×2 matrix [[a, b], [b, d]] as (s1, s2, angle), s1 ≥ s2. */
export function axesOf(a: number, b: number, d: number): { s1: number; s2: number; angle: number } {
  const mid = 0.5 * (a + d);
  const rad = Math.hypot(0.5 * (a - d), b);
  return {
    s1: Math.sqrt(Math.max(mid + rad, 0)),
    s2: Math.sqrt(Math.max(mid - rad, 1e-300)),
    angle: 0.5 * Math.atan2(2 * b, a - d),
  };
}

export function toDistribution(d: DistState): Distribution {
  if (d.comps.length === 1) {
    const c = d.comps[0];
    return MultivariateNormal.fromCovariance([c.mx, c.my], covariance(c));
  }
  const K = d.comps.length;
  return GaussianMixture.fromCovariance(
    d.comps.map(() => 1 / K),
    d.comps.map((c) => [c.mx, c.my]),
    d.comps.map(covariance),
  );
}

export const scalar = (x: number | NDArray): number => (typeof x === "number" ? x : x.data[0]);

// ───────────────────────────── number formatting ─────────────────────────────

/** 4 significant digits; exponent notation for very small or large magnitudes. */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "-∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(3) : v.toPrecision(4);
}

// ───────────────────────────── readouts ─────────────────────────────

export interface Readout {
  key: string;
  label: string;
  /** NaN when not available for this pair. */
  value: number;
  /** Standard error, for Monte Carlo values. */
  se?: number;
  unit: string;
  /** How the value was obtained. */
  method: string;
  /** Bounds, cross-checks. */
  extra?: string;
  /** What the number is. */
  explain: string;
  /** A Monte Carlo value not recomputed yet (fast pass while dragging); the card shows the old value greyed. */
  pending?: boolean;
}

export const EXPLAIN = {
  klpq: "Forward KL = E_p[log p/q], nats. Large where p has mass that q lacks, so minimising it makes q cover all of p. Not symmetric.",
  klqp: "Reverse KL = E_q[log q/p], nats. Large where q puts mass that p lacks, so minimising it lets q settle on one mode of p.",
  js: "Jensen–Shannon = ½ KL(p‖m) + ½ KL(q‖m) with m = ½(p + q); symmetric, nats, between 0 and log 2 ≈ 0.693.",
  bhattacharyya: "D_B = −log ∫ √(p q); symmetric, nats; 0 iff p = q (not a metric).",
  hellinger: "H = √(1 − ∫ √(p q)); a symmetric metric, unitless, between 0 and 1.",
  w2: "2-Wasserstein = √(min E‖X − Y‖²) over couplings of p and q; a symmetric metric in plot units (not nats).",
};

export const pending = (key: string, label: string, unit: string, explain: string): Readout => ({
  key,
  label,
  value: NaN,
  unit,
  explain,
  method: "Monte Carlo updating…",
  pending: true,
});

export const isNotImplemented = (e: unknown) => e instanceof KullbackError && e.code === "NotImplemented";

export function klReadout(
  a: Distribution,
  b: Distribution,
  gaussians: boolean,
  full: boolean,
  key: string,
  label: string,
  explain: string,
): Readout {
  if (gaussians) {
    return {
      key,
      label,
      value: scalar(kl(a, b)),
      unit: "nats",
      method: "closed form (both Gaussian)",
      explain,
    };
  }
  const approx = gmmKl(a, b, { method: "variational" });
  const upper = gmmKl(a, b, { method: "variationalUpperBound" });
  const lower = gmmKl(a, b, { method: "durrieuLowerBound" });
  const mc = full ? klMonteCarlo(a, b, { samples: MC_SAMPLES, seed: MC_SEED }) : undefined;
  return {
    key,
    label,
    value: approx.value,
    unit: "nats",
    method: "variational approximation (gmmKl, Hershey & Olsen 2007)",
    extra:
      `bounds: ${fmt(lower.value)} ≤ KL ≤ ${fmt(upper.value)} (Durrieu lower, variational upper)\n` +
      (mc
        ? `Monte Carlo check: ${fmt(scalar(mc.estimate))} ± ${fmt(scalar(mc.standardError))} (${MC_SAMPLES.toLocaleString("en")} draws)`
        : "Monte Carlo check: updating…"),
    explain,
  };
}

/**
 * All readouts. With `full` false (the fast pass run on every animation frame while dragging),
 * the Monte Carlo values are skipped and marked pending; the full pass runs once the state has
 * been still for a moment.
 */
export function computeReadouts(full: boolean): Readout[] {
  const P = toDistribution(state.p);
  const Q = toDistribution(state.q);
  const gaussians = state.p.comps.length === 1 && state.q.comps.length === 1;
  const out: Readout[] = [];
  const guard = (key: string, label: string, unit: string, explain: string, f: () => Readout) => {
    try {
      out.push(f());
    } catch (e) {
      out.push({ key, label, unit, explain, value: NaN, method: `error: ${(e as Error).message}` });
    }
  };

  guard("kl-pq", "KL(p ‖ q)", "nats", EXPLAIN.klpq, () =>
    klReadout(P, Q, gaussians, full, "kl-pq", "KL(p ‖ q)", EXPLAIN.klpq),
  );
  guard("kl-qp", "KL(q ‖ p)", "nats", EXPLAIN.klqp, () =>
    klReadout(Q, P, gaussians, full, "kl-qp", "KL(q ‖ p)", EXPLAIN.klqp),
  );

  guard("js", "JS(p, q)", "nats", EXPLAIN.js, () => {
    try {
      return {
        key: "js",
        label: "JS(p, q)",
        value: scalar(js(P, Q)),
        unit: "nats",
        method: "closed form",
        explain: EXPLAIN.js,
      };
    } catch (e) {
      if (!isNotImplemented(e)) throw e;
      if (!full) return pending("js", "JS(p, q)", "nats", EXPLAIN.js);
      const mc = jsMonteCarlo(P, Q, { samples: MC_SAMPLES, seed: MC_SEED });
      return {
        key: "js",
        label: "JS(p, q)",
        value: scalar(mc.estimate),
        se: scalar(mc.standardError),
        unit: "nats",
        method: `Monte Carlo, ${MC_SAMPLES.toLocaleString("en")} draws per side (no closed form${gaussians ? " for Gaussians" : ""})`,
        explain: EXPLAIN.js,
      };
    }
  });

  // Bhattacharyya and Hellinger: closed forms for Gaussians; for mixtures a Monte Carlo estimate
  // of 1 − BC = E_q[1 − √(p/q)] (the f-divergence with f(u) = 1 − √u), BC = ∫ √(p q).
  let oneMinusBc: { value: number; se: number } | undefined;
  const bcMonteCarlo = () => {
    if (!oneMinusBc) {
      const r = fDivergenceMonteCarlo(P, Q, (t) => -Math.expm1(t / 2), {
        samples: MC_SAMPLES,
        seed: MC_SEED,
      });
      oneMinusBc = {
        value: Math.min(Math.max(scalar(r.estimate), 0), 1 - 1e-16),
        se: scalar(r.standardError),
      };
    }
    return oneMinusBc;
  };
  const mcNote = `Monte Carlo via fDivergenceMonteCarlo (f(u) = 1 − √u), ${MC_SAMPLES.toLocaleString("en")} draws of q`;

  guard("bhattacharyya", "Bhattacharyya", "nats", EXPLAIN.bhattacharyya, () => {
    try {
      const v = scalar(bhattacharyya(P, Q));
      return {
        key: "bhattacharyya",
        label: "Bhattacharyya",
        value: v,
        unit: "nats",
        method: "closed form (both Gaussian)",
        explain: EXPLAIN.bhattacharyya,
      };
    } catch (e) {
      if (!isNotImplemented(e)) throw e;
      if (!full) return pending("bhattacharyya", "Bhattacharyya", "nats", EXPLAIN.bhattacharyya);
      const h2 = bcMonteCarlo();
      // D_B = −log(1 − h²); standard error by the delta method.
      return {
        key: "bhattacharyya",
        label: "Bhattacharyya",
        value: -Math.log1p(-h2.value),
        se: h2.se / (1 - h2.value),
        unit: "nats",
        method: mcNote,
        explain: EXPLAIN.bhattacharyya,
      };
    }
  });

  guard("hellinger", "Hellinger", "", EXPLAIN.hellinger, () => {
    try {
      const v = scalar(hellinger(P, Q));
      return {
        key: "hellinger",
        label: "Hellinger",
        value: v,
        unit: "",
        method: "closed form (both Gaussian)",
        explain: EXPLAIN.hellinger,
      };
    } catch (e) {
      if (!isNotImplemented(e)) throw e;
      if (!full) return pending("hellinger", "Hellinger", "", EXPLAIN.hellinger);
      const h2 = bcMonteCarlo();
      const h = Math.sqrt(h2.value);
      return {
        key: "hellinger",
        label: "Hellinger",
        value: h,
        se: h > 0 ? h2.se / (2 * h) : h2.se,
        unit: "",
        method: mcNote,
        explain: EXPLAIN.hellinger,
      };
    }
  });

  guard("w2", "W₂", "units", EXPLAIN.w2, () => {
    if (!gaussians) {
      return {
        key: "w2",
        label: "W₂",
        value: NaN,
        unit: "units",
        method: "not available: the library has W₂ in closed form only between Gaussians",
        explain: EXPLAIN.w2,
      };
    }
    return {
      key: "w2",
      label: "W₂",
      value: scalar(wasserstein2(P, Q)),
      unit: "units",
      method: "closed form (both Gaussian)",
      explain: EXPLAIN.w2,
    };
  });
  return out;
}
