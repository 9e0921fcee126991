/**
 * kullback playground: two 2-D distributions p and q (a Gaussian or an equal-weight mixture of
 * 2–3 Gaussians each), drawn as 1σ/2σ covariance ellipses with draggable means and axis handles,
 * and live divergences computed by the library's public API (imported as `kullback`, which the
 * Vite config aliases to ../src/index.ts).
 *
 * Every number shown comes from the library: closed forms (`kl`, `bhattacharyya`, `hellinger`,
 * `wasserstein2`) when both sides are Gaussian, otherwise `gmmKl` (variational approximation with
 * its bounds) and the Monte Carlo estimators (`klMonteCarlo`, `jsMonteCarlo`,
 * `fDivergenceMonteCarlo`) with a fixed seed, so the readouts do not flicker while dragging.
 *
 * "Fit" moves a single-Gaussian q toward p by gradient descent on KL(p‖q) or KL(q‖p). The
 * objective is the library's value: the closed-form `kl` when p is Gaussian; for a mixture p,
 * `gmmKl`'s variational value for KL(p‖q) (which for a Gaussian q differs from the true KL by a
 * q-independent constant, so it has the exact gradient) and `klMonteCarlo` with a fixed seed for
 * KL(q‖p) (with the seed fixed, the draws are x = m + L z for the same z, so the estimate is a
 * smooth deterministic function of q's parameters). The parameters are
 * θ = (m₁, m₂, log L₁₁, L₂₁, log L₂₂), L the lower-triangular scale of q. The gradient is the
 * library's analytic `klGradScaleTril` (chain rule to θ) when p is Gaussian, and central finite
 * differences of the objective otherwise. Steps use an Armijo backtracking line search,
 * so every accepted step strictly decreases the objective.
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
  klGradScaleTril,
  klMonteCarlo,
  wasserstein2,
  type Distribution,
  type NDArray,
  type ScaleTrilParams,
} from "kullback";

// ───────────────────────────── state ─────────────────────────────

/** One Gaussian component: mean and the covariance R(angle) diag(s1², s2²) R(angle)ᵀ. */
interface Component {
  mx: number;
  my: number;
  /** Standard deviation along the first principal axis. */
  s1: number;
  /** Standard deviation along the second principal axis (perpendicular to the first). */
  s2: number;
  /** Direction of the first principal axis, radians, counter-clockwise from +x. */
  angle: number;
}

type Name = "p" | "q";

interface DistState {
  name: Name;
  comps: Component[];
}

const state: Record<Name, DistState> = {
  p: { name: "p", comps: [{ mx: -1.2, my: 0.4, s1: 1.3, s2: 0.6, angle: 0.5 }] },
  q: { name: "q", comps: [{ mx: 1.6, my: -0.6, s1: 1.0, s2: 0.75, angle: -0.35 }] },
};

const COLORS: Record<Name, string> = { p: "#2563eb", q: "#ea580c" };
/** Seed and draw count of every Monte Carlo readout (fixed: the numbers do not flicker). */
const MC_SEED = 20240611;
const MC_SAMPLES = 10000;
/** Draws of the Monte Carlo fit objective (fixed seed: a deterministic function of q). */
const FIT_SAMPLES = 4000;
const FIT_SEED = 7;
const MIN_STD = 0.08;

// ───────────────────────────── geometry ─────────────────────────────

const W = 720;
const H = 540;
/** Pixels per unit: the plot shows x ∈ [−6, 6], y ∈ [−4.5, 4.5]. */
const S = 60;
const toPx = (x: number, y: number): [number, number] => [W / 2 + x * S, H / 2 - y * S];
const clampX = (x: number) => Math.max(-5.9, Math.min(5.9, x));
const clampY = (y: number) => Math.max(-4.4, Math.min(4.4, y));

function covariance(c: Component): [[number, number], [number, number]] {
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
function axesOf(a: number, b: number, d: number): { s1: number; s2: number; angle: number } {
  const mid = 0.5 * (a + d);
  const rad = Math.hypot(0.5 * (a - d), b);
  return {
    s1: Math.sqrt(Math.max(mid + rad, 0)),
    s2: Math.sqrt(Math.max(mid - rad, 1e-300)),
    angle: 0.5 * Math.atan2(2 * b, a - d),
  };
}

function toDistribution(d: DistState): Distribution {
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

const scalar = (x: number | NDArray): number => (typeof x === "number" ? x : x.data[0]);

// ───────────────────────────── number formatting ─────────────────────────────

/** 4 significant digits; exponent notation for very small or large magnitudes. */
function fmt(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "-∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(3) : v.toPrecision(4);
}

// ───────────────────────────── readouts ─────────────────────────────

interface Readout {
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

const EXPLAIN = {
  klpq: "Forward KL = E_p[log p/q], nats. Large where p has mass that q lacks, so minimising it makes q cover all of p. Not symmetric.",
  klqp: "Reverse KL = E_q[log q/p], nats. Large where q puts mass that p lacks, so minimising it lets q settle on one mode of p.",
  js: "Jensen–Shannon = ½ KL(p‖m) + ½ KL(q‖m) with m = ½(p + q); symmetric, nats, between 0 and log 2 ≈ 0.693.",
  bhattacharyya: "D_B = −log ∫ √(p q); symmetric, nats; 0 iff p = q (not a metric).",
  hellinger: "H = √(1 − ∫ √(p q)); a symmetric metric, unitless, between 0 and 1.",
  w2: "2-Wasserstein = √(min E‖X − Y‖²) over couplings of p and q; a symmetric metric in plot units (not nats).",
};

const pending = (key: string, label: string, unit: string, explain: string): Readout => ({
  key,
  label,
  value: NaN,
  unit,
  explain,
  method: "Monte Carlo updating…",
  pending: true,
});

const isNotImplemented = (e: unknown) => e instanceof KullbackError && e.code === "NotImplemented";

function klReadout(
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
function computeReadouts(full: boolean): Readout[] {
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

// ───────────────────────────── DOM: readouts ─────────────────────────────

const $ = <T extends Element = HTMLElement>(sel: string) => document.querySelector(sel) as T;

function renderReadouts(list: Readout[]): void {
  const root = $("#readouts");
  for (const r of list) {
    let card = root.querySelector<HTMLElement>(`[data-card="${r.key}"]`);
    if (!card) {
      card = document.createElement("div");
      card.className = "card";
      card.dataset.card = r.key;
      card.innerHTML =
        `<div class="label"></div><div class="value" data-testid="${r.key}"></div>` +
        `<div class="method"></div><div class="extra"></div><div class="explain"></div>`;
      root.appendChild(card);
    }
    const value = card.querySelector<HTMLElement>(".value")!;
    card.querySelector(".label")!.textContent = r.label;
    card.classList.toggle("stale", r.pending === true);
    if (r.pending) {
      // Keep the previous number (greyed) until the Monte Carlo pass has run.
      value.dataset.value = "";
      if (!value.textContent) value.textContent = "…";
      card.querySelector(".method")!.textContent = r.method;
      card.querySelector(".explain")!.textContent = r.explain;
      continue;
    }
    const available = !Number.isNaN(r.value);
    value.dataset.value = available ? String(r.value) : "";
    value.dataset.method = r.method;
    if (r.se !== undefined) value.dataset.se = String(r.se);
    else delete value.dataset.se;
    value.innerHTML = "";
    value.append(available ? fmt(r.value) : "—");
    if (available && r.se !== undefined) {
      const se = document.createElement("span");
      se.className = "se";
      se.textContent = ` ± ${fmt(r.se)}`;
      value.append(se);
    }
    if (available && r.unit) {
      const u = document.createElement("span");
      u.className = "unit";
      u.textContent = ` ${r.unit}`;
      value.append(u);
    }
    card.querySelector(".method")!.textContent = r.method;
    card.querySelector(".extra")!.textContent = r.extra ?? "";
    card.querySelector(".explain")!.textContent = r.explain;
  }
}

// ───────────────────────────── DOM: plot ─────────────────────────────

const SVG_NS = "http://www.w3.org/2000/svg";
const svg = $<SVGSVGElement>("#plot");

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function drawGrid(): void {
  const g = el("g", { class: "grid" }, svg);
  for (let x = -6; x <= 6; x++) {
    const [px] = toPx(x, 0);
    el("line", { x1: px, y1: 0, x2: px, y2: H, class: x === 0 ? "axis" : "minor" }, g);
    if (x !== 0 && Math.abs(x) < 6)
      el("text", { x: px, y: H / 2 + 14, class: "tick", "text-anchor": "middle" }, g).textContent = String(x);
  }
  for (let y = -4; y <= 4; y++) {
    const [, py] = toPx(0, y);
    el("line", { x1: 0, y1: py, x2: W, y2: py, class: y === 0 ? "axis" : "minor" }, g);
    if (y !== 0)
      el("text", { x: W / 2 - 6, y: py + 4, class: "tick", "text-anchor": "end" }, g).textContent = String(y);
  }
}

const layers: Record<Name | "trail", SVGGElement> = {} as Record<Name | "trail", SVGGElement>;

/** Rebuild the SVG elements of a distribution (only when its component count changes). */
function buildLayer(name: Name): void {
  const g = layers[name];
  g.innerHTML = "";
  state[name].comps.forEach((_, k) => {
    const cg = el("g", { "data-component": k }, g);
    el("ellipse", { class: "sigma2", stroke: COLORS[name], fill: "none" }, cg);
    el("ellipse", { class: "sigma1", stroke: COLORS[name], fill: COLORS[name] }, cg);
    el("line", { class: "axisline axis1", stroke: COLORS[name] }, cg);
    el("line", { class: "axisline axis2", stroke: COLORS[name] }, cg);
    for (const kind of ["axis1", "axis2"] as const) {
      el(
        "rect",
        {
          class: `handle ${kind}`,
          width: 10,
          height: 10,
          fill: "#fff",
          stroke: COLORS[name],
          "data-testid": `${name}-${kind}-${k}`,
          "data-dist": name,
          "data-component": k,
          "data-kind": kind,
        },
        cg,
      );
    }
    el(
      "circle",
      {
        class: "handle mean",
        r: 8,
        fill: COLORS[name],
        stroke: "#fff",
        "data-testid": `${name}-mean-${k}`,
        "data-dist": name,
        "data-component": k,
        "data-kind": "mean",
      },
      cg,
    );
    const label = el("text", { class: "complabel", fill: COLORS[name] }, cg);
    label.textContent = state[name].comps.length === 1 ? name : `${name}${subscript(k + 1)}`;
  });
}

const subscript = (n: number) => String.fromCharCode(0x2080 + n);

function renderPlot(): void {
  for (const name of ["p", "q"] as const) {
    const g = layers[name];
    state[name].comps.forEach((c, k) => {
      const cg = g.querySelector<SVGGElement>(`g[data-component="${k}"]`)!;
      const [cx, cy] = toPx(c.mx, c.my);
      const deg = (-c.angle * 180) / Math.PI;
      for (const [cls, m] of [
        ["sigma1", 1],
        ["sigma2", 2],
      ] as const) {
        const e = cg.querySelector(`ellipse.${cls}`)!;
        e.setAttribute("cx", String(cx));
        e.setAttribute("cy", String(cy));
        e.setAttribute("rx", String(m * c.s1 * S));
        e.setAttribute("ry", String(m * c.s2 * S));
        e.setAttribute("transform", `rotate(${deg} ${cx} ${cy})`);
      }
      const ends = {
        axis1: toPx(c.mx + c.s1 * Math.cos(c.angle), c.my + c.s1 * Math.sin(c.angle)),
        axis2: toPx(c.mx - c.s2 * Math.sin(c.angle), c.my + c.s2 * Math.cos(c.angle)),
      };
      for (const kind of ["axis1", "axis2"] as const) {
        const [hx, hy] = ends[kind];
        const line = cg.querySelector(`line.${kind}`)!;
        line.setAttribute("x1", String(cx));
        line.setAttribute("y1", String(cy));
        line.setAttribute("x2", String(hx));
        line.setAttribute("y2", String(hy));
        const h = cg.querySelector(`rect.${kind}`)!;
        h.setAttribute("x", String(hx - 5));
        h.setAttribute("y", String(hy - 5));
        h.setAttribute("transform", `rotate(${deg} ${hx} ${hy})`);
      }
      const mean = cg.querySelector<SVGCircleElement>("circle.mean")!;
      mean.setAttribute("cx", String(cx));
      mean.setAttribute("cy", String(cy));
      // Positions for tests and scripts: world coordinates and the covariance of this component.
      const cov = covariance(c);
      mean.dataset.x = String(c.mx);
      mean.dataset.y = String(c.my);
      mean.dataset.cov = JSON.stringify(cov);
      mean.dataset.weight = String(1 / state[name].comps.length);
      const label = cg.querySelector("text.complabel")!;
      // Label just outside the 2σ ellipse along the second axis (p on one side, q on the other).
      const side = name === "p" ? 1 : -1;
      const r = side * (2 * c.s2 + 0.28);
      const [lx, ly] = toPx(c.mx - r * Math.sin(c.angle), c.my + r * Math.cos(c.angle));
      label.setAttribute("x", String(Math.max(12, Math.min(W - 12, lx))));
      label.setAttribute("y", String(Math.max(16, Math.min(H - 6, ly + 5))));
    });
  }
}

// ───────────────────────────── dragging ─────────────────────────────

interface Drag {
  name: Name;
  k: number;
  kind: "mean" | "axis1" | "axis2";
  dx: number;
  dy: number;
  pointerId: number;
  target: Element;
}
let drag: Drag | undefined;

function worldOf(ev: PointerEvent): [number, number] {
  const m = svg.getScreenCTM()!.inverse();
  const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m);
  return [(pt.x - W / 2) / S, (H / 2 - pt.y) / S];
}

svg.addEventListener("pointerdown", (ev) => {
  const t = ev.target as SVGElement;
  if (!t.classList.contains("handle")) return;
  ev.preventDefault();
  stopFit();
  const name = t.dataset.dist as Name;
  const k = Number(t.dataset.component);
  const kind = t.dataset.kind as Drag["kind"];
  const c = state[name].comps[k];
  const [wx, wy] = worldOf(ev);
  drag = { name, k, kind, dx: c.mx - wx, dy: c.my - wy, pointerId: ev.pointerId, target: t };
  t.setPointerCapture(ev.pointerId);
  svg.classList.add("dragging");
});

svg.addEventListener("pointermove", (ev) => {
  if (!drag || ev.pointerId !== drag.pointerId) return;
  const c = state[drag.name].comps[drag.k];
  const [wx, wy] = worldOf(ev);
  if (drag.kind === "mean") {
    c.mx = clampX(wx + drag.dx);
    c.my = clampY(wy + drag.dy);
  } else {
    const vx = wx - c.mx;
    const vy = wy - c.my;
    const len = Math.max(MIN_STD, Math.hypot(vx, vy));
    const dir = Math.atan2(vy, vx);
    if (drag.kind === "axis1") {
      c.s1 = len;
      c.angle = dir;
    } else {
      c.s2 = len;
      c.angle = dir - Math.PI / 2;
    }
  }
  renderPlot();
  scheduleCompute();
});

const endDrag = (ev: PointerEvent) => {
  if (!drag || ev.pointerId !== drag.pointerId) return;
  if (drag.target.hasPointerCapture(ev.pointerId)) drag.target.releasePointerCapture(ev.pointerId);
  drag = undefined;
  svg.classList.remove("dragging");
};
svg.addEventListener("pointerup", endDrag);
svg.addEventListener("pointercancel", endDrag);

// ───────────────────────────── compute scheduling ─────────────────────────────

let framePending = false;
/** A change not yet covered by a full pass. */
let dirty = false;
let fullTimer: ReturnType<typeof setTimeout> | undefined;
/** Delay after the last change before the Monte Carlo readouts are recomputed. */
const MC_DELAY_MS = 120;

function runCompute(full: boolean): void {
  const t0 = performance.now();
  try {
    renderReadouts(computeReadouts(full));
    if (full) $("#timing").textContent = `readouts computed in ${(performance.now() - t0).toFixed(0)} ms`;
  } catch (e) {
    $("#timing").textContent = `error: ${(e as Error).message}`;
  } finally {
    if (full) {
      dirty = false;
      $("#readouts").dataset.busy = "false";
    }
  }
}

/**
 * Recomputes the readouts after a change: closed forms and approximations on the next animation
 * frame, Monte Carlo estimates once nothing has changed for MC_DELAY_MS (they take tens of ms).
 */
function scheduleCompute(): void {
  // data-busy lets scripts and tests wait until every readout matches the drawn state.
  $("#readouts").dataset.busy = "true";
  dirty = true;
  if (!framePending) {
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      if (dirty) runCompute(false);
    });
  }
  clearTimeout(fullTimer);
  fullTimer = setTimeout(() => runCompute(true), MC_DELAY_MS);
}

// ───────────────────────────── mixture toggles ─────────────────────────────

/** Where added components go, relative to the first component. */
const OFFSETS: [number, number][] = [
  [0, 0],
  [3.0, -1.0],
  [1.2, 2.4],
];

function setComponentCount(name: Name, K: number): void {
  const comps = state[name].comps;
  if (K < comps.length) comps.length = K;
  while (comps.length < K) {
    const base = comps[0];
    const [ox, oy] = OFFSETS[comps.length];
    comps.push({
      mx: clampX(base.mx + ox),
      my: clampY(base.my + oy),
      s1: 0.75,
      s2: 0.45,
      angle: base.angle + 0.7 * comps.length,
    });
  }
  $<HTMLSelectElement>(`#${name}-kind`).value = String(K);
  buildLayer(name);
  renderPlot();
  scheduleCompute();
}

for (const name of ["p", "q"] as const) {
  $<HTMLSelectElement>(`#${name}-kind`).addEventListener("change", (ev) => {
    stopFit();
    setComponentCount(name, Number((ev.target as HTMLSelectElement).value));
  });
}

/** A bimodal p and a broad q off-centre: the classic forward-vs-reverse KL picture. */
function loadBimodalExample(): void {
  stopFit();
  state.p.comps = [
    { mx: -2.4, my: -0.6, s1: 0.95, s2: 0.55, angle: 0.45 },
    { mx: 2.3, my: 0.5, s1: 0.85, s2: 0.6, angle: -0.6 },
  ];
  state.q.comps = [{ mx: 0.9, my: 2.4, s1: 0.9, s2: 0.7, angle: 0.2 }];
  $<HTMLSelectElement>("#p-kind").value = "2";
  $<HTMLSelectElement>("#q-kind").value = "1";
  buildLayer("p");
  buildLayer("q");
  clearTrail();
  renderPlot();
  scheduleCompute();
}
$("#example").addEventListener("click", loadBimodalExample);

// ───────────────────────────── fit ─────────────────────────────

type Direction = "forward" | "reverse";

interface FitState {
  running: boolean;
  direction: Direction;
  iteration: number;
  theta: number[];
  value: number;
  start: number;
  step: number;
  history: number[];
  trail: [number, number][];
  status: "idle" | "running" | "converged" | "stopped" | "max-iterations";
  description: string;
  kind: string;
}

const MAX_ITERATIONS = 400;
let fit: FitState | undefined;

/** The lower-triangular scale L = [[e^θ₂, 0], [θ₃, e^θ₄]] of q. */
const trilOf = (t: number[]): number[][] => [
  [Math.exp(t[2]), 0],
  [t[3], Math.exp(t[4])],
];

/** q = N(m, L Lᵀ) with L = [[e^θ₂, 0], [θ₃, e^θ₄]]. */
function qFromTheta(t: number[]): MultivariateNormal {
  return MultivariateNormal.fromScaleTril([t[0], t[1]], trilOf(t));
}

function thetaFromComponent(c: Component): number[] {
  const [[a, b], [, d]] = covariance(c);
  const l11 = Math.sqrt(a);
  const l21 = b / l11;
  const l22 = Math.sqrt(Math.max(d - l21 * l21, 1e-12));
  return [c.mx, c.my, Math.log(l11), l21, Math.log(l22)];
}

function componentFromTheta(t: number[]): Component {
  const l11 = Math.exp(t[2]);
  const l21 = t[3];
  const l22 = Math.exp(t[4]);
  const ax = axesOf(l11 * l11, l11 * l21, l21 * l21 + l22 * l22);
  return { mx: t[0], my: t[1], ...ax };
}

interface Objective {
  f: (t: number[]) => number;
  /** Analytic gradient in θ, when available. */
  grad?: (t: number[]) => number[];
  description: string;
  /** What the objective value is, shown next to it. */
  kind: string;
}

function makeObjective(direction: Direction): Objective {
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

function gradient(f: (t: number[]) => number, t: number[]): number[] {
  const h = 1e-5;
  return t.map((_, i) => {
    const a = t.slice();
    const b = t.slice();
    a[i] += h;
    b[i] -= h;
    return (f(a) - f(b)) / (2 * h);
  });
}

let objective: Objective | undefined;

function startFit(): void {
  stopFit();
  if (state.q.comps.length > 1) setComponentCount("q", 1);
  const direction = ($<HTMLInputElement>('input[name="direction"]:checked').value as Direction) ?? "forward";
  const obj = makeObjective(direction);
  objective = obj;
  const theta = thetaFromComponent(state.q.comps[0]);
  const value = obj.f(theta);
  fit = {
    running: true,
    direction,
    iteration: 0,
    theta,
    value,
    start: value,
    step: 0.1,
    history: [value],
    trail: [[theta[0], theta[1]]],
    status: "running",
    description: obj.description,
    kind: obj.kind,
  };
  renderFit();
  requestAnimationFrame(fitFrame);
}

/** One gradient step with Armijo backtracking; returns false when no further decrease is possible. */
function fitStep(s: FitState): boolean {
  const f = objective!.f;
  const g = objective!.grad ? objective!.grad(s.theta) : gradient(f, s.theta);
  const g2 = g.reduce((acc, x) => acc + x * x, 0);
  if (!(g2 > 1e-18)) return false;
  let step = s.step;
  for (let tries = 0; tries < 40; tries++) {
    const next = s.theta.map((x, i) => x - step * g[i]);
    const v = f(next);
    if (v <= s.value - 1e-4 * step * g2) {
      const improvement = s.value - v;
      s.theta = next;
      s.value = v;
      s.step = Math.min(step * 1.5, 5);
      s.iteration++;
      s.history.push(v);
      s.trail.push([next[0], next[1]]);
      return improvement > 1e-10 * Math.max(1, Math.abs(v));
    }
    step *= 0.5;
  }
  return false;
}

function fitFrame(): void {
  const s = fit;
  if (!s || !s.running) return;
  const more = fitStep(s);
  state.q.comps[0] = componentFromTheta(s.theta);
  if (!more) {
    s.running = false;
    s.status = "converged";
  } else if (s.iteration >= MAX_ITERATIONS) {
    s.running = false;
    s.status = "max-iterations";
  }
  renderPlot();
  renderFit();
  scheduleCompute();
  // The first steps (the large moves) at most ~20 a second so that the path can be followed;
  // the long tail of small steps at the frame rate.
  if (s.running) setTimeout(() => requestAnimationFrame(fitFrame), s.iteration < 30 ? 45 : 0);
}

function stopFit(): void {
  if (fit?.running) {
    fit.running = false;
    fit.status = "stopped";
    renderFit();
  }
}

function clearTrail(): void {
  layers.trail.innerHTML = "";
}

function renderFit(): void {
  const s = fit;
  const out = $("#fit-status");
  if (!s) return;
  const label = s.direction === "forward" ? "KL(p ‖ q)" : "KL(q ‖ p)";
  out.dataset.iteration = String(s.iteration);
  out.dataset.value = String(s.value);
  out.dataset.startValue = String(s.start);
  out.dataset.status = s.status;
  const statusText = {
    idle: "",
    running: "running",
    converged: "converged",
    stopped: "stopped",
    "max-iterations": `stopped after ${MAX_ITERATIONS} iterations`,
  }[s.status];
  out.innerHTML = "";
  const line = document.createElement("div");
  line.className = "fitline";
  line.innerHTML = `<span>iteration <b></b></span><span>${label} = <b></b> nats <span class="kind"></span></span><span class="status"></span>`;
  const bs = line.querySelectorAll("b");
  bs[0].textContent = String(s.iteration);
  bs[1].textContent = fmt(s.value);
  line.querySelector(".kind")!.textContent = `(${s.kind})`;
  line.querySelector(".status")!.textContent = statusText;
  out.append(line);
  $("#fit-method").textContent =
    `${s.description}. Parameters: q's mean, log-diagonal and off-diagonal of its Cholesky factor; ` +
    `steps: gradient descent with Armijo backtracking. Start: ${fmt(s.start)} nats.`;
  // Sparkline of the objective.
  const spark = $<SVGSVGElement>("#spark");
  const hs = s.history;
  const lo = Math.min(...hs);
  const hi = Math.max(...hs);
  const n = Math.max(hs.length - 1, 1);
  const pts = hs
    .map(
      (v, i) =>
        `${(4 + (i / n) * 292).toFixed(1)},${(6 + (hi > lo ? 1 - (v - lo) / (hi - lo) : 0.5) * 44).toFixed(1)}`,
    )
    .join(" ");
  spark.innerHTML = `<polyline points="${pts}" fill="none" stroke="${COLORS.q}" stroke-width="1.8" vector-effect="non-scaling-stroke"/>`;
  // Trail of q's mean.
  clearTrail();
  if (s.trail.length > 1) {
    el(
      "polyline",
      { points: s.trail.map(([x, y]) => toPx(x, y).join(",")).join(" "), class: "trail", stroke: COLORS.q },
      layers.trail,
    );
    const [sx, sy] = toPx(s.trail[0][0], s.trail[0][1]);
    el("circle", { cx: sx, cy: sy, r: 4, class: "trail-start", stroke: COLORS.q }, layers.trail);
  }
}

$("#fit").addEventListener("click", startFit);
$("#stop").addEventListener("click", stopFit);

// ───────────────────────────── start ─────────────────────────────

drawGrid();
layers.trail = el("g", { class: "trail-layer" }, svg);
layers.p = el("g", { class: "dist p" }, svg);
layers.q = el("g", { class: "dist q" }, svg);
buildLayer("p");
buildLayer("q");
renderPlot();
scheduleCompute();
