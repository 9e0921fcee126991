/**
 * Inline SVG charts for the comparison report: pure functions from numbers to SVG strings (no
 * DOM, no scripts, no external resources). Colours: A (reference) blue, B (new data) orange.
 */

export const COLOR_A = "#2b6cb0";
export const COLOR_B = "#dd6b20";
const AXIS = "#4a5568";
const GRID = "#e2e8f0";

/** Escapes text for HTML/SVG content and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A short, readable number: 3 significant digits, exponent form for tiny/huge values. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return "—";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1).replace("-", "−");
  const s = v.toPrecision(digits);
  const t = s.includes(".") && !s.includes("e") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  return t.replace("-", "−");
}

/** Coordinates rounded to 0.01 px, to keep the SVG small. */
function c(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return out;
}

type Scale = (v: number) => number;
function scale(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (v === 0) return "0";
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace("-", "−");
  return Number(v.toPrecision(4)).toString().replace("-", "−");
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function xAxis(f: Frame, sx: Scale, ticks: number[], label?: string): string {
  const y = f.height - f.bottom;
  let s = `<path d="M${c(f.left)},${c(y)}H${c(f.width - f.right)}" stroke="${AXIS}" fill="none"/>`;
  for (const t of ticks) {
    const x = sx(t);
    s += `<path d="M${c(x)},${c(y)}v4" stroke="${AXIS}"/>`;
    s += `<text x="${c(x)}" y="${c(y + 16)}" text-anchor="middle" class="tick">${tickLabel(t)}</text>`;
  }
  if (label) {
    s += `<text x="${c((f.left + f.width - f.right) / 2)}" y="${c(f.height - 4)}" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
  }
  return s;
}

function yAxis(f: Frame, sy: Scale, ticks: number[], label?: string, grid = true): string {
  let s = `<path d="M${c(f.left)},${c(f.top)}V${c(f.height - f.bottom)}" stroke="${AXIS}" fill="none"/>`;
  for (const t of ticks) {
    const y = sy(t);
    if (grid) s += `<path d="M${c(f.left)},${c(y)}H${c(f.width - f.right)}" stroke="${GRID}"/>`;
    s += `<text x="${c(f.left - 6)}" y="${c(y + 4)}" text-anchor="end" class="tick">${tickLabel(t)}</text>`;
  }
  if (label) {
    const cy = (f.top + f.height - f.bottom) / 2;
    s += `<text transform="translate(13,${c(cy)}) rotate(-90)" text-anchor="middle" class="axis-label">${esc(label)}</text>`;
  }
  return s;
}

function svgOpen(f: Frame, title: string, cls: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>`;
}

/**
 * Overlaid histograms of one column on shared bins, as densities (count / (n · bin width)) so
 * tables of different sizes compare: A as blue bars, B as orange bars, both translucent, plus
 * B's outline so the overlap stays readable.
 */
export function histogramSvg(h: {
  name: string;
  edges: number[];
  countsA: number[];
  countsB: number[];
}): string {
  const f: Frame = { width: 340, height: 200, left: 58, right: 12, top: 12, bottom: 38 };
  const nA = h.countsA.reduce((s, v) => s + v, 0) || 1;
  const nB = h.countsB.reduce((s, v) => s + v, 0) || 1;
  const bins = h.countsA.length;
  const dens = (cnt: number[], n: number) => cnt.map((v, i) => v / (n * (h.edges[i + 1] - h.edges[i] || 1)));
  const dA = dens(h.countsA, nA);
  const dB = dens(h.countsB, nB);
  const maxD = Math.max(...dA, ...dB, 0) || 1;
  const x0 = h.edges[0];
  const x1 = h.edges[bins];
  const sx = scale(x0, x1, f.left, f.width - f.right);
  const yTicks = niceTicks(0, maxD, 4);
  const yMax = Math.max(maxD, yTicks[yTicks.length - 1]);
  const sy = scale(0, yMax, f.height - f.bottom, f.top);
  let s = svgOpen(f, `Histogram of ${h.name}: A and B`, "hist");
  s += yAxis(f, sy, yTicks, "density");
  const bar = (d: number[], color: string, opacity: number) => {
    let out = "";
    for (let i = 0; i < bins; i++) {
      if (d[i] <= 0) continue;
      const xa = sx(h.edges[i]);
      const xb = sx(h.edges[i + 1]);
      const y = sy(d[i]);
      out += `<rect x="${c(xa)}" y="${c(y)}" width="${c(Math.max(0.6, xb - xa))}" height="${c(sy(0) - y)}" fill="${color}" fill-opacity="${opacity}"/>`;
    }
    return out;
  };
  s += `<g class="series-a">${bar(dA, COLOR_A, 0.55)}</g>`;
  s += `<g class="series-b">${bar(dB, COLOR_B, 0.45)}</g>`;
  // B's outline as a step path
  let p = `M${c(sx(x0))},${c(sy(0))}`;
  for (let i = 0; i < bins; i++) p += `V${c(sy(dB[i]))}H${c(sx(h.edges[i + 1]))}`;
  p += `V${c(sy(0))}`;
  s += `<path d="${p}" fill="none" stroke="${COLOR_B}" stroke-width="1.2"/>`;
  s += xAxis(
    f,
    sx,
    niceTicks(x0, x1, 5).filter((t) => t >= x0 && t <= x1),
    h.name,
  );
  return s + "</svg>";
}

/** Horizontal bar chart of the columns ranked by JS divergence (largest on top). */
export function rankingSvg(items: { name: string; value: number }[], axisLabel: string): string {
  const rowH = 26;
  const labelW = Math.min(220, Math.max(70, 8 + 7.2 * Math.max(...items.map((i) => i.name.length), 4)));
  const f: Frame = {
    width: 1040,
    height: 44 + rowH * items.length + 24,
    left: labelW,
    right: 70,
    top: 10,
    bottom: 44,
  };
  const max = Math.max(...items.map((i) => (Number.isFinite(i.value) ? i.value : 0)), 1e-12);
  const ticks = niceTicks(0, max, 5);
  const xMax = Math.max(max, ticks[ticks.length - 1]);
  const sx = scale(0, xMax, f.left, f.width - f.right);
  let s = svgOpen(f, "Columns ranked by Jensen–Shannon divergence", "ranking");
  for (const t of ticks) s += `<path d="M${c(sx(t))},${f.top}V${c(f.height - f.bottom)}" stroke="${GRID}"/>`;
  items.forEach((it, i) => {
    const y = f.top + 8 + i * rowH;
    const w = Math.max(1, sx(Number.isFinite(it.value) ? it.value : 0) - f.left);
    const shade = i === 0 ? "#c53030" : i === 1 ? "#dd6b20" : "#718096";
    s += `<text x="${c(f.left - 8)}" y="${c(y + rowH / 2)}" text-anchor="end" class="bar-label">${esc(it.name)}</text>`;
    s += `<rect x="${c(f.left)}" y="${c(y + 3)}" width="${c(w)}" height="${rowH - 8}" fill="${shade}" rx="2"/>`;
    s += `<text x="${c(f.left + w + 6)}" y="${c(y + rowH / 2)}" class="bar-value">${fmt(it.value)}</text>`;
  });
  s += xAxis(f, sx, ticks, axisLabel);
  return s + "</svg>";
}

/** Points (x, y) of the k-sigma ellipse {z : (z − μ)ᵀ Σ⁻¹ (z − μ) = k²} of a 2-D Gaussian. */
export function ellipsePoints(
  mean: [number, number],
  cov: [number, number, number],
  k: number,
  n = 96,
): [number, number][] {
  const [a, b, d] = cov;
  // eigen-decomposition of [[a, b], [b, d]]
  const tr = (a + d) / 2;
  const disc = Math.sqrt(Math.max(0, ((a - d) / 2) ** 2 + b * b));
  const l1 = Math.max(0, tr + disc);
  const l2 = Math.max(0, tr - disc);
  const theta = 0.5 * Math.atan2(2 * b, a - d);
  const ct = Math.cos(theta);
  const st = Math.sin(theta);
  const r1 = k * Math.sqrt(l1);
  const r2 = k * Math.sqrt(l2);
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const phi = (2 * Math.PI * i) / n;
    const u = r1 * Math.cos(phi);
    const v = r2 * Math.sin(phi);
    out.push([mean[0] + u * ct - v * st, mean[1] + u * st + v * ct]);
  }
  return out;
}

/**
 * Scatter of two columns (subsamples of A and B) with the 1σ (solid) and 2σ (dashed) ellipses
 * of the Gaussians fitted to each, and their means as crosses.
 */
export function ellipseSvg(p: {
  columns: [string, string];
  meanA: [number, number];
  covA: [number, number, number];
  meanB: [number, number];
  covB: [number, number, number];
  pointsA: [number, number][];
  pointsB: [number, number][];
}): string {
  const f: Frame = { width: 560, height: 440, left: 60, right: 16, top: 16, bottom: 46 };
  const ells = [
    { pts: ellipsePoints(p.meanA, p.covA, 1), color: COLOR_A, dash: "" },
    { pts: ellipsePoints(p.meanA, p.covA, 2), color: COLOR_A, dash: "6 4" },
    { pts: ellipsePoints(p.meanB, p.covB, 1), color: COLOR_B, dash: "" },
    { pts: ellipsePoints(p.meanB, p.covB, 2), color: COLOR_B, dash: "6 4" },
  ];
  let xl = Infinity;
  let xh = -Infinity;
  let yl = Infinity;
  let yh = -Infinity;
  for (const pts of [p.pointsA, p.pointsB, ...ells.map((e) => e.pts)]) {
    for (const [x, y] of pts) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      xl = Math.min(xl, x);
      xh = Math.max(xh, x);
      yl = Math.min(yl, y);
      yh = Math.max(yh, y);
    }
  }
  if (!(xh > xl)) [xl, xh] = [xl - 1, xl + 1];
  if (!(yh > yl)) [yl, yh] = [yl - 1, yl + 1];
  const padX = (xh - xl) * 0.04;
  const padY = (yh - yl) * 0.04;
  xl -= padX;
  xh += padX;
  yl -= padY;
  yh += padY;
  const sx = scale(xl, xh, f.left, f.width - f.right);
  const sy = scale(yl, yh, f.height - f.bottom, f.top);
  let s = svgOpen(
    f,
    `Scatter of ${p.columns[0]} and ${p.columns[1]} with fitted Gaussian ellipses`,
    "ellipses",
  );
  s += `<defs><clipPath id="plot-area"><rect x="${f.left}" y="${f.top}" width="${f.width - f.left - f.right}" height="${f.height - f.top - f.bottom}"/></clipPath></defs>`;
  s += yAxis(
    f,
    sy,
    niceTicks(yl, yh, 6).filter((t) => t >= yl && t <= yh),
    p.columns[1],
  );
  s += xAxis(
    f,
    sx,
    niceTicks(xl, xh, 6).filter((t) => t >= xl && t <= xh),
    p.columns[0],
  );
  s += `<g clip-path="url(#plot-area)">`;
  const dots = (pts: [number, number][], color: string, cls: string) =>
    `<g class="${cls}" fill="${color}" fill-opacity="0.35">` +
    pts.map(([x, y]) => `<circle cx="${c(sx(x))}" cy="${c(sy(y))}" r="2.2"/>`).join("") +
    `</g>`;
  s += dots(p.pointsA, COLOR_A, "points-a");
  s += dots(p.pointsB, COLOR_B, "points-b");
  for (const e of ells) {
    const d = e.pts.map(([x, y], i) => `${i ? "L" : "M"}${c(sx(x))},${c(sy(y))}`).join("") + "Z";
    s += `<path class="ellipse" d="${d}" fill="none" stroke="${e.color}" stroke-width="2"${e.dash ? ` stroke-dasharray="${e.dash}"` : ""}/>`;
  }
  for (const [m, color] of [
    [p.meanA, COLOR_A],
    [p.meanB, COLOR_B],
  ] as const) {
    const x = sx(m[0]);
    const y = sy(m[1]);
    s += `<path d="M${c(x - 6)},${c(y)}H${c(x + 6)}M${c(x)},${c(y - 6)}V${c(y + 6)}" stroke="${color}" stroke-width="2.5"/>`;
  }
  s += `</g>`;
  // legend, top right
  const lx = f.width - f.right - 150;
  const ly = f.top + 8;
  s += `<g class="legend"><rect x="${lx}" y="${ly}" width="142" height="70" rx="4" fill="#ffffff" fill-opacity="0.9" stroke="${GRID}"/>`;
  s += `<circle cx="${lx + 14}" cy="${ly + 15}" r="4" fill="${COLOR_A}"/><text x="${lx + 26}" y="${ly + 19}" class="tick">A</text>`;
  s += `<circle cx="${lx + 74}" cy="${ly + 15}" r="4" fill="${COLOR_B}"/><text x="${lx + 86}" y="${ly + 19}" class="tick">B</text>`;
  s += `<path d="M${lx + 8},${ly + 36}h24" stroke="${AXIS}" stroke-width="2"/><text x="${lx + 38}" y="${ly + 40}" class="tick">1σ ellipse</text>`;
  s += `<path d="M${lx + 8},${ly + 56}h24" stroke="${AXIS}" stroke-width="2" stroke-dasharray="6 4"/><text x="${lx + 38}" y="${ly + 60}" class="tick">2σ ellipse</text></g>`;
  return s + "</svg>";
}
