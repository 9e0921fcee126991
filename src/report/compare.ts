/**
 * "Has my data drifted?" — compares two tables of samples with the same named columns, A (the
 * reference) and B (the new data), per column and jointly. Every divergence is in nats and in
 * the direction KL(A ‖ B), A the first table. Uses only the public API of kullback.
 *
 * Per column:
 * - shared histogram bins on the pooled sample A ∪ B, Freedman–Diaconis width
 *   h = 2·IQR·N^(−1/3) (Freedman and Diaconis 1981; N the pooled size, IQR by linear-interpolated
 *   quantiles), at most `maxBins` bins; if IQR = 0 (a column with a dominant value) Sturges'
 *   ⌈log₂ N⌉ + 1 bins are used, and a constant column gets one bin;
 * - JS(A, B) of the two histograms (nats, between 0 and log 2 ≈ 0.693; symmetric, always finite);
 *   the columns are ranked by it;
 * - histogram KL(A ‖ B) with additive smoothing: α = 0.5 is added to every bin count of both
 *   histograms (the Krichevsky–Trofimov / Jeffreys-prior estimate), so a bin where B is empty but
 *   A is not gives a large but finite term. The unsmoothed value is reported too (`klHistogramRaw`,
 *   +Infinity exactly when such a bin exists, with the count in `binsOnlyInA`);
 * - the closed-form KL between the univariate Gaussians fitted to A and B (mean, sample sd);
 * - the 1-D k-nearest-neighbour estimate of Wang, Kulkarni and Verdú (knnKl), tied points
 *   skipped (reported as `knnDuplicates`; many ties mean the column is discrete and the estimate
 *   is unreliable, which is noted).
 *
 * Jointly (all compared columns, each standardised by the pooled mean and standard deviation, a
 * transformation that leaves KL unchanged and makes the kNN and kernel statistics scale-free):
 * Gaussian plug-in KL(A ‖ B) of the fitted multivariate Gaussians, the Fréchet distance between
 * them (squared 2-Wasserstein, in standardised units), the kNN estimate with a subsampling
 * confidence interval, and MMD² with a Gaussian kernel (median-heuristic bandwidth) and a
 * permutation p-value. MMD needs an (n + m)² kernel matrix, so each side is subsampled (seeded,
 * without replacement) to at most `mmdMaxRows` rows.
 *
 * Parts that cannot be computed (a constant column has no Gaussian fit, collinear columns a
 * singular covariance, too few rows for k neighbours) are `null` with a note, never a failure of
 * the whole comparison.
 */
import {
  KullbackError,
  MultivariateNormal,
  NDArray,
  Normal,
  Random,
  fitGaussian,
  frechetDistance,
  kl,
  knnKl,
  medianHeuristic,
  mmdPermutationTest,
  scipy,
} from "../index.js";

/** A table of samples: named columns and values of shape [rows, columns]. */
export interface Dataset {
  /** Label of the source (a file name) for reports. */
  name: string;
  columns: string[];
  /** Shape [rows, columns]. */
  values: NDArray;
}

export interface CompareOptions {
  /** Neighbour order of the kNN estimates (default 5). */
  k?: number;
  /** Confidence level of the joint kNN interval (default 0.95; 0 for none). */
  ci?: number;
  /** Subsamples for the kNN interval (default 200). */
  bootstrap?: number;
  /** Permutations of the MMD test (default 500). */
  permutations?: number;
  /** Rows per side used by MMD (default 1000). */
  mmdMaxRows?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Additive smoothing of the histogram KL, counts per bin (default 0.5). */
  smoothing?: number;
  /** Largest number of histogram bins (default 100). */
  maxBins?: number;
  /** Progress callback: `done` of `total` steps finished, `label` the step under way. */
  onStep?: (done: number, total: number, label: string) => void;
}

export interface Histogram {
  /** Bin edges, length bins + 1 (the last bin is closed on the right). */
  edges: number[];
  countsA: number[];
  countsB: number[];
  /** "freedman-diaconis", "sturges" (IQR = 0) or "constant". */
  rule: "freedman-diaconis" | "sturges" | "constant";
}

export interface ColumnComparison {
  name: string;
  meanA: number;
  meanB: number;
  sdA: number;
  sdB: number;
  histogram: Histogram;
  /** Jensen–Shannon divergence of the histograms, nats (ranking key). */
  js: number;
  /** KL(A ‖ B) of the histograms with additive smoothing, nats. */
  klHistogram: number;
  /** KL(A ‖ B) of the raw histograms (+Infinity if B has empty bins where A has mass). */
  klHistogramRaw: number;
  /** Bins with A-mass and no B-mass. */
  binsOnlyInA: number;
  /** KL(N(meanA, sdA²) ‖ N(meanB, sdB²)), or null for a constant column. */
  klGaussian: number | null;
  /** 1-D kNN estimate of KL(A ‖ B), or null when it cannot be computed. */
  klKnn: number | null;
  knnDuplicates: number;
  notes: string[];
}

export interface JointComparison {
  columns: string[];
  /** KL(A ‖ B) between the fitted Gaussians (standardised data). */
  klGaussian: number | null;
  /** KL(B ‖ A) between the fitted Gaussians. */
  klGaussianReverse: number | null;
  /** Fréchet distance (squared W₂) between the fitted Gaussians, standardised units. */
  frechet: number | null;
  knn: {
    estimate: number;
    ci: [number, number] | null;
    level: number;
    standardError: number | null;
    k: number;
    duplicates: number;
  } | null;
  mmd: {
    mmd2: number;
    pValue: number;
    permutations: number;
    bandwidth: number;
    rowsA: number;
    rowsB: number;
  } | null;
  notes: string[];
}

/** Fitted 2-D Gaussians (raw units) and a scatter subsample for the top pair of columns. */
export interface PairView {
  columns: [string, string];
  meanA: [number, number];
  covA: [number, number, number];
  meanB: [number, number];
  covB: [number, number, number];
  /** Up to 300 points per side, [x, y] pairs, seeded subsample. */
  pointsA: [number, number][];
  pointsB: [number, number][];
}

export interface Comparison {
  a: { name: string; rows: number };
  b: { name: string; rows: number };
  columns: ColumnComparison[];
  /** Column names ordered by JS, largest first. */
  ranking: string[];
  joint: JointComparison;
  pair: PairView | null;
  settings: {
    k: number;
    ci: number;
    bootstrap: number;
    permutations: number;
    mmdMaxRows: number;
    seed: number;
    smoothing: number;
    maxBins: number;
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function column(v: NDArray, j: number): Float64Array {
  const [n, d] = v.shape;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v.data[i * d + j];
  return out;
}

/** Linear-interpolated quantile (type 7) of sorted values. */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function meanSd(x: Float64Array): [number, number] {
  const n = x.length;
  let m = 0;
  for (const v of x) m += v;
  m /= n;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  return [m, n > 1 ? Math.sqrt(ss / (n - 1)) : 0];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Shared bins on the pooled sample (see the module comment). */
export function sharedBins(a: Float64Array, b: Float64Array, maxBins = 100): Histogram {
  const pooled = new Float64Array(a.length + b.length);
  pooled.set(a, 0);
  pooled.set(b, a.length);
  pooled.sort();
  const N = pooled.length;
  const lo = pooled[0];
  const hi = pooled[N - 1];
  let bins: number;
  let rule: Histogram["rule"];
  if (!(hi > lo)) {
    bins = 1;
    rule = "constant";
  } else {
    const iqr = quantile(pooled, 0.75) - quantile(pooled, 0.25);
    if (iqr > 0) {
      const h = (2 * iqr) / Math.cbrt(N);
      bins = Math.ceil((hi - lo) / h);
      rule = "freedman-diaconis";
    } else {
      bins = Math.ceil(Math.log2(N)) + 1;
      rule = "sturges";
    }
    bins = Math.max(1, Math.min(maxBins, bins));
  }
  const width = rule === "constant" ? 1 : (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) =>
    i === bins ? (rule === "constant" ? lo + 1 : hi) : lo + i * width,
  );
  const count = (x: Float64Array): number[] => {
    const c = new Array<number>(bins).fill(0);
    for (const v of x) {
      let i = rule === "constant" ? 0 : Math.floor((v - lo) / width);
      if (i >= bins) i = bins - 1;
      if (i < 0) i = 0;
      c[i]++;
    }
    return c;
  };
  if (rule === "constant") {
    edges[0] = lo - 0.5;
    edges[1] = lo + 0.5;
  }
  return { edges, countsA: count(a), countsB: count(b), rule };
}

function num(v: number | NDArray): number {
  return typeof v === "number" ? v : v.data[0];
}

/** KL(A ‖ B) between two histograms with `alpha` added to every count (SciPy `entropy(p, q)`). */
function histogramKl(countsA: number[], countsB: number[], alpha: number): number {
  const p = countsA.map((c) => c + alpha);
  const q = countsB.map((c) => c + alpha);
  return num(scipy.entropy(p, q));
}

/** Seeded choice of `size` distinct row indices of `n`, in increasing order. */
function subsampleRows(n: number, size: number, rng: Random): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, size).sort();
}

function takeRows(v: NDArray, rows: Int32Array): NDArray {
  const d = v.shape[1];
  const out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(v.data.subarray(rows[i] * d, rows[i] * d + d), i * d);
  return new NDArray(out, [rows.length, d]);
}

// ---------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------

/**
 * Compares two datasets with the same column names (matched by name; `b` may order them
 * differently). See the module comment for every statistic. Throws `InvalidShape` when the
 * column names differ, `InvalidParameter` when a table has fewer than 2 rows.
 *
 * @example compareDatasets(ref, cur).ranking[0]; // the column that moved most (by JS)
 */
export function compareDatasets(A: Dataset, B: Dataset, options: CompareOptions = {}): Comparison {
  const settings = {
    k: options.k ?? 5,
    ci: options.ci ?? 0.95,
    bootstrap: options.bootstrap ?? 200,
    permutations: options.permutations ?? 500,
    mmdMaxRows: options.mmdMaxRows ?? 1000,
    seed: options.seed ?? 0,
    smoothing: options.smoothing ?? 0.5,
    maxBins: options.maxBins ?? 100,
  };
  const cols = A.columns;
  const missing = cols.filter((c) => !B.columns.includes(c));
  const extra = B.columns.filter((c) => !cols.includes(c));
  if (missing.length > 0 || extra.length > 0 || cols.length !== B.columns.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`only in ${A.name}: ${missing.map((c) => `"${c}"`).join(", ")}`);
    if (extra.length) parts.push(`only in ${B.name}: ${extra.map((c) => `"${c}"`).join(", ")}`);
    throw new KullbackError("InvalidShape", `the two tables have different columns (${parts.join("; ")})`, {
      argument: "columns",
      value: [A.columns, B.columns],
    });
  }
  const d = cols.length;
  const [nA] = A.values.shape;
  const [nB] = B.values.shape;
  if (nA < 2) throw new KullbackError("InvalidParameter", `${A.name} must have at least 2 rows; got ${nA}`);
  if (nB < 2) throw new KullbackError("InvalidParameter", `${B.name} must have at least 2 rows; got ${nB}`);
  // B's columns in A's order
  const order = cols.map((c) => B.columns.indexOf(c));
  const Bv = new Float64Array(nB * d);
  for (let i = 0; i < nB; i++)
    for (let j = 0; j < d; j++) Bv[i * d + j] = B.values.data[i * B.values.shape[1] + order[j]];
  const bValues = new NDArray(Bv, [nB, d]);

  const total = d + 4;
  let done = 0;
  const step = (label: string) => options.onStep?.(done++, total, label);

  // ── per column ──
  const perColumn: ColumnComparison[] = [];
  const pooledMean = new Float64Array(d);
  const pooledSd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    step(`column "${cols[j]}"`);
    const a = column(A.values, j);
    const b = column(bValues, j);
    const notes: string[] = [];
    const [meanA, sdA] = meanSd(a);
    const [meanB, sdB] = meanSd(b);
    const pooled = new Float64Array(nA + nB);
    pooled.set(a);
    pooled.set(b, nA);
    const [pm, ps] = meanSd(pooled);
    pooledMean[j] = pm;
    pooledSd[j] = ps > 0 ? ps : 1;
    const histogram = sharedBins(a, b, settings.maxBins);
    const js = num(scipy.jensenShannonDistance(histogram.countsA, histogram.countsB)) ** 2;
    const klHistogram = histogramKl(histogram.countsA, histogram.countsB, settings.smoothing);
    const klHistogramRaw = histogramKl(histogram.countsA, histogram.countsB, 0);
    let binsOnlyInA = 0;
    for (let t = 0; t < histogram.countsA.length; t++) {
      if (histogram.countsA[t] > 0 && histogram.countsB[t] === 0) binsOnlyInA++;
    }
    let klGaussian: number | null = null;
    if (sdA > 0 && sdB > 0) klGaussian = num(kl(new Normal(meanA, sdA), new Normal(meanB, sdB)));
    else notes.push(`constant in ${sdA > 0 ? B.name : A.name}: no Gaussian fit`);
    let klKnn: number | null = null;
    let knnDuplicates = 0;
    try {
      const r = knnKl(new NDArray(a, [nA, 1]), new NDArray(b, [nB, 1]), {
        k: settings.k,
        onDuplicates: "skip",
      });
      klKnn = r.estimate;
      knnDuplicates = r.duplicates;
      if (r.duplicates > 0.1 * nA) {
        notes.push(
          `${r.duplicates} of ${nA} points tie with their neighbours (discrete values?): the kNN estimate is unreliable`,
        );
      }
    } catch (e) {
      notes.push(`kNN: ${message(e)}`);
    }
    perColumn.push({
      name: cols[j],
      meanA,
      meanB,
      sdA,
      sdB,
      histogram,
      js,
      klHistogram,
      klHistogramRaw,
      binsOnlyInA,
      klGaussian,
      klKnn,
      knnDuplicates,
      notes,
    });
  }
  const ranking = [...perColumn]
    .sort((x, y) => y.js - x.js || x.name.localeCompare(y.name))
    .map((c) => c.name);

  // ── jointly, on standardised data ──
  const standardise = (v: NDArray): NDArray => {
    const n = v.shape[0];
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) out[i * d + j] = (v.data[i * d + j] - pooledMean[j]) / pooledSd[j];
    return new NDArray(out, [n, d]);
  };
  const zA = standardise(A.values);
  const zB = standardise(bValues);
  const notes: string[] = [];
  step("Gaussian fit");
  let klGaussian: number | null = null;
  let klGaussianReverse: number | null = null;
  let frechet: number | null = null;
  const fitA = fitGaussian(zA);
  const fitB = fitGaussian(zB);
  try {
    const gA = MultivariateNormal.fromCovariance(fitA.loc, new NDArray(fitA.covariance, [d, d]));
    const gB = MultivariateNormal.fromCovariance(fitB.loc, new NDArray(fitB.covariance, [d, d]));
    klGaussian = num(kl(gA, gB));
    klGaussianReverse = num(kl(gB, gA));
  } catch (e) {
    notes.push(`Gaussian KL: ${message(e)} (collinear or constant columns?)`);
  }
  try {
    frechet = num(
      frechetDistance(
        fitA.loc,
        new NDArray(fitA.covariance, [d, d]),
        fitB.loc,
        new NDArray(fitB.covariance, [d, d]),
      ),
    );
  } catch (e) {
    notes.push(`Fréchet distance: ${message(e)}`);
  }

  step("kNN estimate with confidence interval");
  let knn: JointComparison["knn"] = null;
  try {
    const r = knnKl(zA, zB, {
      k: settings.k,
      ci: settings.ci > 0 ? settings.ci : undefined,
      bootstrap: settings.bootstrap,
      seed: settings.seed,
      onDuplicates: "skip",
    });
    knn = {
      estimate: r.estimate,
      ci: r.ci && Number.isFinite(r.ci[0]) ? r.ci : null,
      level: settings.ci,
      standardError:
        r.standardError !== undefined && Number.isFinite(r.standardError) ? r.standardError : null,
      k: settings.k,
      duplicates: r.duplicates,
    };
    if (r.duplicates > 0) notes.push(`kNN: ${r.duplicates} tied points skipped`);
  } catch (e) {
    notes.push(`kNN: ${message(e)}`);
  }

  step("MMD permutation test");
  let mmd: JointComparison["mmd"] = null;
  try {
    const rng = new Random(settings.seed);
    const sA = nA > settings.mmdMaxRows ? takeRows(zA, subsampleRows(nA, settings.mmdMaxRows, rng)) : zA;
    const sB = nB > settings.mmdMaxRows ? takeRows(zB, subsampleRows(nB, settings.mmdMaxRows, rng)) : zB;
    const bandwidth = medianHeuristic(sA, sB);
    // permutations in chunks (independent seeds) so progress can be reported; the p-value
    // (1 + #exceed) / (1 + B) is assembled from the chunks' exceedance counts.
    const B = settings.permutations;
    const chunks = Math.min(B, 10);
    let exceed = 0;
    let stat = NaN;
    let used = 0;
    for (let c = 0; c < chunks; c++) {
      const size = Math.floor((B * (c + 1)) / chunks) - Math.floor((B * c) / chunks);
      const r = mmdPermutationTest(sA, sB, { permutations: size, seed: settings.seed + 7919 * c, bandwidth });
      exceed += Math.round(r.pValue * (1 + size) - 1);
      stat = r.mmd2;
      used += size;
      options.onStep?.(done - 1 + (c + 1) / chunks, total, "MMD permutation test");
    }
    mmd = {
      mmd2: stat,
      pValue: (1 + exceed) / (1 + used),
      permutations: used,
      bandwidth,
      rowsA: sA.shape[0],
      rowsB: sB.shape[0],
    };
    if (sA.shape[0] < nA || sB.shape[0] < nB) {
      notes.push(`MMD on a seeded subsample of ${sA.shape[0]} + ${sB.shape[0]} rows`);
    }
  } catch (e) {
    notes.push(`MMD: ${message(e)}`);
  }

  step("plots");
  let pair: PairView | null = null;
  if (d >= 2) {
    const [c1, c2] = [cols.indexOf(ranking[0]), cols.indexOf(ranking[1])];
    const rng = new Random(settings.seed + 1);
    const pts = (v: NDArray): [number, number][] => {
      const n = v.shape[0];
      const rows = n > 300 ? subsampleRows(n, 300, rng) : Int32Array.from({ length: n }, (_, i) => i);
      return Array.from(rows, (i) => [v.data[i * d + c1], v.data[i * d + c2]] as [number, number]);
    };
    const moments = (v: NDArray): { mean: [number, number]; cov: [number, number, number] } => {
      const n = v.shape[0];
      const xy = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        xy[2 * i] = v.data[i * d + c1];
        xy[2 * i + 1] = v.data[i * d + c2];
      }
      const f = fitGaussian(new NDArray(xy, [n, 2]));
      return { mean: [f.loc[0], f.loc[1]], cov: [f.covariance[0], f.covariance[1], f.covariance[3]] };
    };
    const mA = moments(A.values);
    const mB = moments(bValues);
    pair = {
      columns: [cols[c1], cols[c2]],
      meanA: mA.mean,
      covA: mA.cov,
      meanB: mB.mean,
      covB: mB.cov,
      pointsA: pts(A.values),
      pointsB: pts(bValues),
    };
  }
  options.onStep?.(total, total, "done");

  return {
    a: { name: A.name, rows: nA },
    b: { name: B.name, rows: nB },
    columns: perColumn,
    ranking,
    joint: { columns: cols, klGaussian, klGaussianReverse, frechet, knn, mmd, notes },
    pair,
    settings,
  };
}
