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
  COLORS,
  H,
  MIN_STD,
  type Name,
  type Readout,
  S,
  W,
  clampX,
  clampY,
  computeReadouts,
  covariance,
  fmt,
  state,
  toPx,
} from "./model.js";
import {
  type Direction,
  type Objective,
  componentFromTheta,
  gradient,
  makeObjective,
  thetaFromComponent,
} from "./fit.js";

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
