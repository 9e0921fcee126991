/**
 * The comparison report as one self-contained HTML page: inline CSS and SVG only, no scripts,
 * no fonts or images from the network. Pure function of a {@link Comparison}.
 */
import type { Comparison } from "./compare.js";
import { COLOR_A, COLOR_B, ellipseSvg, esc, fmt, histogramSvg, rankingSvg } from "./svg.js";

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f7fafc; color: #1a202c;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; border-bottom: 1px solid #e2e8f0; padding-bottom: 4px; }
.sub { color: #4a5568; margin: 0 0 18px; }
.key { display: inline-flex; align-items: center; gap: 6px; margin-right: 16px; }
.swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px 14px; }
.card .label { color: #4a5568; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; margin-top: 2px; }
.card .detail { color: #4a5568; font-size: 13px; }
.alert { color: #c53030; }
.ok { color: #276749; }
table { border-collapse: collapse; background: #fff; border: 1px solid #e2e8f0; width: 100%; }
th, td { padding: 6px 10px; border-bottom: 1px solid #edf2f7; text-align: right; white-space: nowrap; }
th { background: #edf2f7; font-weight: 600; font-size: 13px; }
td:first-child, th:first-child, th.left, td.left { text-align: left; }
td.name { font-weight: 600; text-align: left; }
td.note { text-align: left; white-space: normal; color: #4a5568; font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 14px; }
figure { margin: 0; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px; }
figcaption { font-size: 13px; color: #2d3748; padding: 0 4px 4px; }
figcaption b { font-size: 14px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: inherit; fill: #2d3748; }
svg .tick { font-size: 11px; fill: #4a5568; }
svg .axis-label { font-size: 12px; }
svg .bar-label { font-size: 13px; dominant-baseline: middle; }
svg .bar-value { font-size: 12px; dominant-baseline: middle; fill: #2d3748; }
.methods { color: #2d3748; font-size: 13px; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 4px 18px; }
.methods li { margin: 6px 0; }
footer { margin-top: 28px; color: #718096; font-size: 12px; }
`;

function legend(cmp: Comparison): string {
  return (
    `<span class="key"><span class="swatch" style="background:${COLOR_A}"></span>A = ${esc(cmp.a.name)} (${cmp.a.rows} rows, reference)</span>` +
    `<span class="key"><span class="swatch" style="background:${COLOR_B}"></span>B = ${esc(cmp.b.name)} (${cmp.b.rows} rows)</span>`
  );
}

function card(label: string, value: string, detail: string, cls = ""): string {
  return `<div class="card"><div class="label">${label}</div><div class="value ${cls}">${value}</div><div class="detail">${detail}</div></div>`;
}

/**
 * The HTML report of a comparison: summary cards, the ranking as a bar chart, the per-column
 * table, overlaid histograms per column, the fitted-Gaussian ellipses of the top two columns,
 * the joint statistics and a description of the methods.
 *
 * @example writeFileSync("report.html", renderCompareReport(compareDatasets(a, b)));
 */
export function renderCompareReport(
  cmp: Comparison,
  options: { title?: string; generated?: string } = {},
): string {
  const title = options.title ?? "Data drift report";
  const byName = new Map(cmp.columns.map((c) => [c.name, c]));
  const ranked = cmp.ranking.map((n) => byName.get(n)!);
  const top = ranked[0];
  const j = cmp.joint;
  const alpha = 0.05;
  const mmdDiffers = j.mmd !== null && j.mmd.pValue < alpha;
  const cards = [
    card(
      "Moved most",
      esc(top.name),
      `JS ${fmt(top.js)} nats${ranked[1] ? `; next: ${esc(ranked[1].name)} (${fmt(ranked[1].js)})` : ""}`,
      "alert",
    ),
    card(
      "MMD² permutation test",
      j.mmd ? `p = ${fmt(j.mmd.pValue)}` : "—",
      j.mmd
        ? `${mmdDiffers ? `<span class="alert">distributions differ at ${alpha * 100}%</span>` : `<span class="ok">no significant difference at ${alpha * 100}%</span>`}; MMD² = ${fmt(j.mmd.mmd2)}, ${j.mmd.permutations} permutations`
        : esc(j.notes.find((n) => n.startsWith("MMD")) ?? "not computed"),
    ),
    card(
      "Joint kNN KL(A ‖ B)",
      j.knn ? `${fmt(j.knn.estimate)} nats` : "—",
      j.knn
        ? j.knn.ci
          ? `${Math.round(j.knn.level * 100)}% CI [${fmt(j.knn.ci[0])}, ${fmt(j.knn.ci[1])}], k = ${j.knn.k}`
          : `k = ${j.knn.k}`
        : "not computed",
    ),
    card(
      "Gaussian KL(A ‖ B)",
      j.klGaussian !== null ? `${fmt(j.klGaussian)} nats` : "—",
      `KL(B ‖ A) = ${fmt(j.klGaussianReverse)}; Fréchet = ${fmt(j.frechet)}`,
    ),
  ].join("");

  const anyNotes = ranked.some((c) => c.notes.length > 0);
  const rows = ranked
    .map(
      (c, i) =>
        `<tr><td>${i + 1}</td><td class="name">${esc(c.name)}</td><td>${fmt(c.js)}</td><td>${fmt(c.klHistogram)}${
          c.binsOnlyInA > 0
            ? ` <span title="raw histogram KL is infinite: ${c.binsOnlyInA} bin(s) with A-mass and no B-mass">(raw ∞)</span>`
            : ""
        }</td><td>${fmt(c.klGaussian)}</td><td>${fmt(c.klKnn)}</td><td>${fmt(c.meanA)} / ${fmt(c.meanB)}</td><td>${fmt(c.sdA)} / ${fmt(c.sdB)}</td>${anyNotes ? `<td class="note">${esc(c.notes.join("; "))}</td>` : ""}</tr>`,
    )
    .join("");
  const table = `<table><thead><tr><th>#</th><th class="left">column</th><th>JS</th><th>hist. KL</th><th>Gaussian KL</th><th>kNN KL</th><th>mean A / B</th><th>sd A / B</th>${anyNotes ? `<th class="left">notes</th>` : ""}</tr></thead><tbody>${rows}</tbody></table>`;

  const hists = ranked
    .map(
      (c) =>
        `<figure><figcaption><b>${esc(c.name)}</b> — JS ${fmt(c.js)}, hist. KL ${fmt(c.klHistogram)}, ${c.histogram.countsA.length} bins (${c.histogram.rule})</figcaption>${histogramSvg({ name: c.name, ...c.histogram })}</figure>`,
    )
    .join("");

  const pair = cmp.pair
    ? `<h2>Top two columns: ${esc(cmp.pair.columns[0])} and ${esc(cmp.pair.columns[1])}</h2>
<figure style="max-width:580px"><figcaption>Scatter (up to 300 points per table) with the 1σ (solid) and 2σ (dashed) ellipses of the Gaussians fitted to A and B; crosses mark the means.</figcaption>${ellipseSvg(cmp.pair)}</figure>`
    : "";

  const jointRows = [
    [
      "Gaussian plug-in KL(A ‖ B)",
      fmt(j.klGaussian),
      "closed form between the fitted multivariate Gaussians",
    ],
    ["Gaussian plug-in KL(B ‖ A)", fmt(j.klGaussianReverse), "the other direction"],
    [
      "Fréchet distance",
      fmt(j.frechet),
      "squared 2-Wasserstein distance between the fitted Gaussians (standardised units)",
    ],
    [
      "kNN KL(A ‖ B)",
      j.knn ? fmt(j.knn.estimate) : "—",
      j.knn
        ? `${j.knn.ci ? `${Math.round(j.knn.level * 100)}% CI [${fmt(j.knn.ci[0])}, ${fmt(j.knn.ci[1])}], ` : ""}k = ${j.knn.k}`
        : "",
    ],
    [
      "MMD² (Gaussian kernel)",
      j.mmd ? fmt(j.mmd.mmd2) : "—",
      j.mmd
        ? `permutation p-value ${fmt(j.mmd.pValue)} (${j.mmd.permutations} permutations, bandwidth ${fmt(j.mmd.bandwidth)}, ${j.mmd.rowsA} + ${j.mmd.rowsB} rows)`
        : "",
    ],
  ]
    .map(([a, b, c]) => `<tr><td>${a}</td><td>${b}</td><td class="note">${esc(c)}</td></tr>`)
    .join("");
  const notes = j.notes.length ? `<p class="sub">Notes: ${esc(j.notes.join("; "))}</p>` : "";
  const s = cmp.settings;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}: ${esc(cmp.a.name)} vs ${esc(cmp.b.name)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="sub">${legend(cmp)} · ${cmp.columns.length} columns · divergences in nats, direction KL(A ‖ B)</p>
<div class="cards">${cards}</div>
<h2>Columns ranked by Jensen–Shannon divergence</h2>
<figure>${rankingSvg(
    ranked.map((c) => ({ name: c.name, value: c.js })),
    "JS divergence of the histograms (nats; maximum log 2 ≈ 0.693)",
  )}</figure>
<h2>Per column</h2>
${table}
<h2>Histograms (shared bins, densities)</h2>
<div class="grid">${hists}</div>
${pair}
<h2>All columns jointly</h2>
<table><thead><tr><th>statistic</th><th>value</th><th class="left">details</th></tr></thead><tbody>${jointRows}</tbody></table>
${notes}
<h2>Methods</h2>
<ul class="methods">
<li><b>Bins</b>: shared by A and B, Freedman–Diaconis width 2·IQR·N<sup>−1/3</sup> on the pooled sample (at most ${s.maxBins} bins; Sturges' rule when the IQR is 0).</li>
<li><b>JS</b>: Jensen–Shannon divergence of the two histograms, symmetric, between 0 and log 2; the ranking key.</li>
<li><b>hist. KL</b>: KL(A ‖ B) of the histograms after adding ${s.smoothing} to every bin count of both (Krichevsky–Trofimov smoothing), so it stays finite; "(raw ∞)" marks columns where the unsmoothed KL is infinite because B has no data in a bin where A has some.</li>
<li><b>Gaussian KL</b>: closed-form KL between normal distributions fitted to each column (mean and sample standard deviation).</li>
<li><b>kNN KL</b>: k-nearest-neighbour estimate (Wang, Kulkarni and Verdú 2009), k = ${s.k}; tied points are skipped. It is not clamped, so for nearly identical columns it can come out slightly negative.</li>
<li><b>Jointly</b>: columns standardised by the pooled mean and standard deviation; kNN interval by subsampling (${s.bootstrap} subsamples, level ${s.ci}); MMD² unbiased with a Gaussian kernel, median-heuristic bandwidth, ${s.permutations} permutations, at most ${s.mmdMaxRows} rows per table; seed ${s.seed}.</li>
</ul>
<footer>Generated by kullback compare${options.generated ? ` on ${esc(options.generated)}` : ""}. Self-contained page: no scripts, no network.</footer>
</main>
</body>
</html>
`;
}
