/**
 * The `kullback` command line. It only calls the public API (src/index.ts) and the report
 * module (src/report/, itself built on the public API).
 *
 *   kullback kl P.json Q.json            KL(p ‖ q) of two distributions (files or inline --p/--q)
 *   kullback eval FILE|- [--check]       evaluate FORMAT.md case lines
 *   kullback pairwise P.json Q.json      N × M matrix of divergences between batch members
 *   kullback estimate X Y --method …     KL and two-sample statistics from samples
 *   kullback compare A.csv B.csv         "has my data drifted?", per column and jointly, HTML report
 *   kullback demo                        classic cases on built-in data
 *
 * Exit codes: 0 success; 1 the computation failed (invalid parameters, a covariance that is not
 * positive definite, an unknown family, eval --check failures); 2 bad usage or an unreadable
 * input (missing file, malformed JSON/CSV/NPY, ragged rows, non-numeric or NaN cells). Every
 * error is one line on stderr, never a stack trace (set KULLBACK_DEBUG=1 to see one).
 */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  type Distribution,
  KullbackError,
  MultivariateNormal,
  NDArray,
  Random,
  erfc,
  fitGaussian,
  frechetDistance,
  kl,
  klMonteCarlo,
  knnKl,
  medianHeuristic,
  mmdPermutationTest,
  pairwiseBhattacharyya,
  pairwiseJs,
  pairwiseKlBlocks,
  pairwiseWasserstein2,
} from "../index.js";
import { checkOutput, evaluateCase } from "../conformance/index.js";
import { encodeNpyHeader, float64LE } from "../io/index.js";
import { formatCsvNumber } from "../io/index.js";
import { compareDatasets, type Comparison } from "../report/compare.js";
import { renderCompareReport } from "../report/html.js";
import { runDemo } from "./demo.js";
import { human, table, toJsonText } from "./format.js";
import {
  InputError,
  UsageError,
  alignColumns,
  displayName,
  inlineDistribution,
  readDistribution,
  readSamples,
  readText,
  selectColumns,
  type Samples,
} from "./input.js";
import { progress } from "./progress.js";

const out = (s: string) => process.stdout.write(s);

// ---------------------------------------------------------------------------------------------
// Option parsers (a bad value is a usage error, exit 2)
// ---------------------------------------------------------------------------------------------

function intOption(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
    }
    return n;
  };
}

function levelOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError("the confidence level must be in [0, 1) (0 = no interval), e.g. 0.95.");
  }
  return n;
}

function positiveOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || !(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return n;
  };
}

function nonNegativeOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0.`);
    return n;
  };
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Small numeric helpers on top of the public API
// ---------------------------------------------------------------------------------------------

/** z with Φ(z) = p, 0 < p < 1: Acklam's rational approximation refined by two Newton steps on erfc. */
function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const e = 0.5 * erfc(-x / Math.SQRT2) - p;
    x -= e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  }
  return x;
}

function num(v: number | NDArray): number {
  return typeof v === "number" ? v : v.data[0];
}

/** A seeded subsample of `size` of the `n` rows, without replacement, in increasing order. */
function seededRows(n: number, size: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, size).sort();
}

function subsample(v: NDArray, max: number, seed: number): NDArray {
  const [n, d] = v.shape;
  if (n <= max) return v;
  const rows = seededRows(n, max, seed);
  const outData = new Float64Array(max * d);
  rows.forEach((r, i) => outData.set(v.data.subarray(r * d, r * d + d), i * d));
  return new NDArray(outData, [max, d]);
}

// ---------------------------------------------------------------------------------------------
// kl
// ---------------------------------------------------------------------------------------------

function cmdKl(files: string[], o: { p?: string; q?: string; json?: boolean }): number {
  const need = 2 - (o.p !== undefined ? 1 : 0) - (o.q !== undefined ? 1 : 0);
  if (files.length > need) {
    throw new UsageError(
      `kl takes two distributions; got ${files.length} file argument(s) and ${2 - need} inline`,
    );
  }
  let i = 0;
  const side = (inline: string | undefined, name: "p" | "q"): Distribution => {
    if (inline !== undefined) return inlineDistribution(inline, name);
    const f = files[i++];
    if (f === undefined)
      throw new UsageError("kl needs two distributions: P.json Q.json or --p '{…}' --q '{…}'");
    return readDistribution(f, "kl needs distributions; for samples use kullback estimate");
  };
  if (o.p === undefined && o.q === undefined && files.length < 2) {
    throw new UsageError("kl needs two distributions: P.json Q.json or --p '{…}' --q '{…}'");
  }
  const p = side(o.p, "p");
  const q = side(o.q, "q");
  const v = kl(p, q);
  if (o.json) out(toJsonText({ kl: v }) + "\n");
  else if (typeof v === "number") out(`${v}\n`);
  else out(JSON.stringify(v.toNested()) + "\n");
  return 0;
}

// ---------------------------------------------------------------------------------------------
// eval
// ---------------------------------------------------------------------------------------------

function cmdEval(file: string, o: { check?: boolean }): number {
  const lines = readText(file).split("\n");
  let pass = 0;
  let fail = 0;
  const failures: string[] = [];
  const bar = progress(lines.length, "eval");
  for (let ln = 0; ln < lines.length; ln++) {
    bar.update(ln);
    const text = lines[ln].trim();
    if (!text) continue;
    let c: Record<string, unknown>;
    try {
      c = JSON.parse(text);
    } catch (e) {
      out(
        JSON.stringify({
          line: ln + 1,
          error: { code: "InvalidParameter", message: `line ${ln + 1} is not JSON: ${(e as Error).message}` },
        }) + "\n",
      );
      fail++;
      continue;
    }
    const res = evaluateCase(c);
    if (o.check) {
      const r = checkOutput(c, res);
      if (r.pass) pass++;
      else {
        fail++;
        failures.push(`FAIL ${String(c.id)}: ${r.reason}`);
      }
    } else out(JSON.stringify(res) + "\n");
  }
  bar.finish();
  if (o.check) {
    for (const f of failures) out(f + "\n");
    out(`${pass} passed, ${fail} failed\n`);
    return fail === 0 ? 0 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// pairwise
// ---------------------------------------------------------------------------------------------

const DIVERGENCES = ["kl", "bhattacharyya", "wasserstein2", "js"] as const;
type DivergenceName = (typeof DIVERGENCES)[number];
const DIVERGENCE_TITLE: Record<DivergenceName, string> = {
  kl: "KL(P_i ‖ Q_j), nats",
  bhattacharyya: "Bhattacharyya distance D_B(P_i, Q_j), nats",
  wasserstein2: "2-Wasserstein distance W2(P_i, Q_j)",
  js: "Jensen–Shannon divergence JS(P_i, Q_j), nats",
};

interface MatrixSink {
  begin(n: number, m: number): void;
  rows(rowStart: number, block: NDArray): void;
  end(): void;
}

function fileSink(path: string): MatrixSink {
  const lower = path.toLowerCase();
  const kind = lower.endsWith(".csv") ? "csv" : lower.endsWith(".npy") ? "npy" : null;
  if (!kind) throw new UsageError(`--out ${path}: the file name must end in .csv or .npy`);
  let fd = -1;
  let m = 0;
  return {
    begin(n, cols) {
      m = cols;
      try {
        fd = openSync(path, "w");
      } catch (e) {
        throw new InputError(`${path}: cannot write: ${(e as Error).message}`);
      }
      if (kind === "npy") writeSync(fd, encodeNpyHeader([n, m]));
      else writeSync(fd, Array.from({ length: m }, (_, j) => `q${j}`).join(",") + "\n");
    },
    rows(_start, block) {
      if (kind === "npy") writeSync(fd, float64LE(block.data));
      else {
        const r = block.shape[0];
        const lines: string[] = [];
        for (let i = 0; i < r; i++) {
          const cells = new Array<string>(m);
          for (let j = 0; j < m; j++) cells[j] = formatCsvNumber(block.data[i * m + j]);
          lines.push(cells.join(","));
        }
        writeSync(fd, lines.join("\n") + "\n");
      }
    },
    end() {
      if (fd >= 0) closeSync(fd);
    },
  };
}

function cmdPairwise(
  pFile: string,
  qFile: string,
  o: { out?: string; divergence: DivergenceName; json?: boolean; rowsPerBlock?: number },
): number {
  const ctx = "pairwise needs batched distributions (JSON, or JSONL with one distribution per line)";
  const P = readDistribution(pFile, ctx);
  const Q = readDistribution(qFile, ctx);
  const sink = o.out ? fileSink(o.out) : null;
  let full: Float64Array | null = null;
  let N = 0;
  let M = 0;
  let min = Infinity;
  let max = -Infinity;
  const title = `pairwise ${o.divergence}`;
  const take = (rowStart: number, block: NDArray) => {
    for (const v of block.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (sink) sink.rows(rowStart, block);
    else full!.set(block.data, rowStart * M);
  };
  const begin = (n: number, m: number) => {
    N = n;
    M = m;
    if (sink) sink.begin(n, m);
    else full = new Float64Array(n * m);
  };
  try {
    if (o.divergence === "kl") {
      // every block is written out (or copied) before the next one is computed: one buffer serves
      const blocks = pairwiseKlBlocks(P, Q, {
        reuseBuffer: true,
        ...(o.rowsPerBlock ? { rowsPerBlock: o.rowsPerBlock } : {}),
      });
      begin(blocks.shape[0], blocks.shape[1]);
      const bar = progress(N, title);
      for (const { rowStart, rows } of blocks) {
        take(rowStart, rows);
        bar.update(rowStart + rows.shape[0], `rows ${rowStart + rows.shape[0]}/${N}`);
      }
      bar.finish();
    } else {
      const fn = { bhattacharyya: pairwiseBhattacharyya, wasserstein2: pairwiseWasserstein2, js: pairwiseJs }[
        o.divergence
      ];
      let bar: ReturnType<typeof progress> | null = null;
      const mat = fn(P, Q, {
        onRows: ({ rowEnd, totalRows }) => {
          bar ??= progress(totalRows, title);
          bar.update(rowEnd, `rows ${rowEnd}/${totalRows}`);
        },
      });
      (bar as ReturnType<typeof progress> | null)?.finish();
      begin(mat.shape[0], mat.shape[1]);
      take(0, mat);
    }
  } finally {
    sink?.end();
  }
  if (N === 0 || M === 0) {
    min = NaN;
    max = NaN;
  }
  if (sink) {
    if (o.json) out(toJsonText({ divergence: o.divergence, shape: [N, M], out: o.out, min, max }) + "\n");
    else
      out(
        `wrote the ${N} × ${M} matrix of ${DIVERGENCE_TITLE[o.divergence]} to ${o.out} (min ${human(min)}, max ${human(max)})\n`,
      );
    return 0;
  }
  const mat = new NDArray(full!, [N, M]);
  if (o.json) {
    out(toJsonText({ divergence: o.divergence, shape: [N, M], matrix: mat }) + "\n");
    return 0;
  }
  const maxRows = 20;
  const maxCols = 8;
  const rows = Math.min(N, maxRows);
  const cols = Math.min(M, maxCols);
  out(
    `${DIVERGENCE_TITLE[o.divergence]}: ${N} × ${M} (row i = member i of ${displayName(pFile)}, column j = member j of ${displayName(qFile)})\n\n`,
  );
  const headers = ["", ...Array.from({ length: cols }, (_, j) => `q${j}`)];
  if (M > cols) headers.push("…");
  const body: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const r = [`p${i}`];
    for (let j = 0; j < cols; j++) r.push(human(mat.data[i * M + j]));
    if (M > cols) r.push("…");
    body.push(r);
  }
  out(table(headers, body));
  if (N > rows || M > cols)
    out(`… showing ${rows} × ${cols}; write everything with --out M.csv, --out M.npy or --json\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// estimate
// ---------------------------------------------------------------------------------------------

const METHODS = ["knn", "mmd", "gaussian", "monteCarlo"] as const;
type Method = (typeof METHODS)[number];

interface EstimateOptions {
  method: Method;
  k: number;
  ci: number;
  bootstrap: number;
  seed: number;
  duplicates: "error" | "skip" | "infinity";
  permutations: number;
  bandwidth?: number;
  maxRows: number;
  samples: number;
  columns?: string;
  byPosition?: boolean;
  json?: boolean;
}

function lines(pairs: [string, string][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n") + "\n";
}

function readPair(xFile: string, yFile: string, o: EstimateOptions): [Samples, Samples] {
  const ctx = `--method ${o.method} needs samples (CSV, NPY, JSON or JSONL rows); for two distributions use --method monteCarlo or kullback kl`;
  const x = selectColumns(readSamples(xFile, ctx), o.columns);
  const y = alignColumns(x, selectColumns(readSamples(yFile, ctx), o.columns), o.byPosition ?? false);
  return [x, y];
}

function cmdEstimate(xFile: string, yFile: string, o: EstimateOptions): number {
  const X = displayName(xFile);
  const Y = displayName(yFile);
  if (o.method === "monteCarlo") {
    const ctx =
      '--method monteCarlo needs two distributions as JSON ({"family": …}); for samples use knn, mmd or gaussian';
    const p = readDistribution(xFile, ctx);
    const q = readDistribution(yFile, ctx);
    // chunks of at most 50 000 draws (independent seeds) so the bar can move; combined exactly
    const chunk = 50000;
    const parts = Math.max(1, Math.ceil(o.samples / chunk));
    const bar = progress(o.samples, "Monte Carlo KL");
    let mean: Float64Array | null = null;
    let varSum: Float64Array | null = null;
    let shape: readonly number[] = [];
    let done = 0;
    for (let c = 0; c < parts; c++) {
      const size = Math.floor((o.samples * (c + 1)) / parts) - Math.floor((o.samples * c) / parts);
      const r = klMonteCarlo(p, q, { samples: size, seed: parts === 1 ? o.seed : o.seed + 104729 * c });
      const est = typeof r.estimate === "number" ? Float64Array.of(r.estimate) : r.estimate.data;
      const se =
        typeof r.standardError === "number" ? Float64Array.of(r.standardError) : r.standardError.data;
      shape = typeof r.estimate === "number" ? [] : r.estimate.shape;
      mean ??= new Float64Array(est.length);
      varSum ??= new Float64Array(est.length);
      for (let i = 0; i < est.length; i++) {
        mean[i] += (size / o.samples) * est[i];
        varSum[i] += (size * se[i]) ** 2;
      }
      done += size;
      bar.update(done, `${done} draws`);
    }
    bar.finish();
    const seArr = varSum!.map((v) => Math.sqrt(v) / o.samples);
    const wrap = (a: Float64Array) => (shape.length === 0 ? a[0] : new NDArray(a, shape));
    const estimate = wrap(mean!);
    const standardError = wrap(seArr);
    let ci: [number | NDArray, number | NDArray] | null = null;
    if (o.ci > 0) {
      const z = normalQuantile((1 + o.ci) / 2);
      ci = [wrap(mean!.map((m, i) => m - z * seArr[i])), wrap(mean!.map((m, i) => m + z * seArr[i]))];
    }
    if (o.json) {
      out(
        toJsonText({
          method: "monteCarlo",
          direction: `KL(${X} ‖ ${Y})`,
          estimate,
          standardError,
          ci,
          ciLevel: o.ci || null,
          samples: o.samples,
          seed: o.seed,
        }) + "\n",
      );
      return 0;
    }
    const f = (v: number | NDArray) =>
      typeof v === "number" ? human(v) : JSON.stringify(Array.from(v.data, (x) => Number(human(x))));
    out(
      `Monte Carlo estimate of KL(X ‖ Y), nats, X = ${X}, Y = ${Y} (${o.samples} draws from X, seed ${o.seed})\n`,
    );
    const rows: [string, string][] = [
      ["estimate", f(estimate)],
      ["std error", f(standardError)],
    ];
    if (ci)
      rows.push([`${+(o.ci * 100).toFixed(2)}% CI`, `[${f(ci[0])}, ${f(ci[1])}]  (normal approximation)`]);
    out(lines(rows));
    return 0;
  }

  const [x, y] = readPair(xFile, yFile, o);
  const [n, d] = x.values.shape;
  const m = y.values.shape[0];
  const sizes: [string, string] = ["samples", `n = ${n} rows of X, m = ${m} rows of Y, d = ${d} columns`];
  const which = `X = ${X}, Y = ${Y}`;

  if (o.method === "knn") {
    const bar = progress(1, "kNN KL");
    bar.update(0, o.ci > 0 ? "estimate and subsampling interval" : "estimate");
    const r = knnKl(x.values, y.values, {
      k: o.k,
      ci: o.ci > 0 ? o.ci : undefined,
      bootstrap: o.bootstrap,
      seed: o.seed,
      onDuplicates: o.duplicates,
    });
    bar.finish();
    if (o.json) {
      out(
        toJsonText({
          method: "knn",
          direction: `KL(${X} ‖ ${Y})`,
          estimate: r.estimate,
          ci: r.ci ?? null,
          ciLevel: o.ci > 0 ? o.ci : null,
          standardError: r.standardError ?? null,
          k: r.k,
          n: r.n,
          m: r.m,
          d: r.d,
          duplicates: r.duplicates,
          columns: x.columns,
        }) + "\n",
      );
      return 0;
    }
    out(`k-nearest-neighbour estimate of KL(X ‖ Y), nats (Wang–Kulkarni–Verdú, k = ${r.k}); ${which}\n`);
    const rows: [string, string][] = [["estimate", human(r.estimate)]];
    if (r.ci) {
      rows.push([
        `${+(o.ci * 100).toFixed(2)}% CI`,
        `[${human(r.ci[0])}, ${human(r.ci[1])}]  (subsampling, ${o.bootstrap} subsamples)`,
      ]);
      rows.push(["std error", human(r.standardError)]);
    }
    rows.push(sizes);
    if (r.duplicates > 0)
      rows.push(["ties", `${r.duplicates} points with a zero k-NN distance (${o.duplicates})`]);
    out(lines(rows));
    return 0;
  }

  if (o.method === "mmd") {
    const xs = subsample(x.values, o.maxRows, o.seed);
    const ys = subsample(y.values, o.maxRows, o.seed + 1);
    const bandwidth = o.bandwidth ?? medianHeuristic(xs, ys);
    const B = o.permutations;
    const parts = Math.max(1, Math.min(20, Math.floor(B / 50)));
    const bar = progress(B, "MMD permutation test");
    let exceed = 0;
    let stat = NaN;
    let done = 0;
    for (let c = 0; c < parts; c++) {
      const size = Math.floor((B * (c + 1)) / parts) - Math.floor((B * c) / parts);
      const r = mmdPermutationTest(xs, ys, {
        permutations: size,
        seed: parts === 1 ? o.seed : o.seed + 7919 * c,
        bandwidth,
      });
      exceed += Math.round(r.pValue * (1 + size) - 1);
      stat = r.mmd2;
      done += size;
      bar.update(done, `${done}/${B} permutations`);
    }
    bar.finish();
    const pValue = (1 + exceed) / (1 + B);
    const sub = xs.shape[0] < n || ys.shape[0] < m;
    if (o.json) {
      out(
        toJsonText({
          method: "mmd",
          mmd2: stat,
          pValue,
          permutations: B,
          bandwidth,
          n,
          m,
          d,
          rowsUsed: [xs.shape[0], ys.shape[0]],
          columns: x.columns,
        }) + "\n",
      );
      return 0;
    }
    out(`MMD² two-sample test of X vs Y (Gaussian kernel, unbiased); ${which}\n`);
    out(
      lines([
        ["MMD²", human(stat)],
        ["p-value", `${human(pValue)}  (${B} permutations)`],
        ["bandwidth", `${human(bandwidth)}${o.bandwidth === undefined ? "  (median heuristic)" : ""}`],
        sizes,
        ...(sub
          ? ([["subsample", `${xs.shape[0]} + ${ys.shape[0]} rows (--max-rows ${o.maxRows})`]] as [
              string,
              string,
            ][])
          : []),
      ]),
    );
    return 0;
  }

  // gaussian
  const fx = fitGaussian(x.values);
  const fy = fitGaussian(y.values);
  const covX = new NDArray(fx.covariance, [d, d]);
  const covY = new NDArray(fy.covariance, [d, d]);
  const name = (s: string, side: string) => `the covariance fitted to ${s} (${side})`;
  let gx: MultivariateNormal;
  let gy: MultivariateNormal;
  try {
    gx = MultivariateNormal.fromCovariance(fx.loc, covX);
  } catch (e) {
    throw relabel(e, name(X, "X"));
  }
  try {
    gy = MultivariateNormal.fromCovariance(fy.loc, covY);
  } catch (e) {
    throw relabel(e, name(Y, "Y"));
  }
  const klXY = num(kl(gx, gy));
  const klYX = num(kl(gy, gx));
  const fr = num(frechetDistance(fx.loc, covX, fy.loc, covY));
  if (o.json) {
    out(
      toJsonText({
        method: "gaussian",
        klXY,
        klYX,
        frechet: fr,
        n,
        m,
        d,
        meanX: fx.loc,
        meanY: fy.loc,
        covarianceX: covX,
        covarianceY: covY,
        columns: x.columns,
      }) + "\n",
    );
    return 0;
  }
  out(`Gaussians fitted to X and Y (sample mean and covariance), closed forms; ${which}\n`);
  out(
    lines([
      ["KL(X ‖ Y)", `${human(klXY)} nats`],
      ["KL(Y ‖ X)", `${human(klYX)} nats`],
      ["Fréchet distance", `${human(fr)}  (squared 2-Wasserstein, data units²)`],
      sizes,
    ]),
  );
  return 0;
}

function relabel(e: unknown, what: string): unknown {
  if (e instanceof KullbackError) {
    return new KullbackError(e.code, `${what}: ${e.message} (collinear or constant columns?)`, {
      argument: e.argument,
      index: e.index,
      value: e.value,
    });
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------------------------

interface CompareCliOptions {
  report?: string;
  json?: boolean;
  columns?: string;
  k: number;
  ci: number;
  bootstrap: number;
  permutations: number;
  mmdMaxRows: number;
  seed: number;
  smoothing: number;
  maxBins: number;
}

function cmdCompare(aFile: string, bFile: string, o: CompareCliOptions): number {
  const ctx = "compare needs samples (CSV with a header, NPY, JSON or JSONL rows)";
  const a = selectColumns(readSamples(aFile, ctx), o.columns);
  const b = selectColumns(readSamples(bFile, ctx), o.columns);
  if (a.named && b.named)
    alignColumns(
      a,
      b,
      false,
      "compare matches columns by header name; use --columns to compare a common subset",
    );
  else if (a.columns.length !== b.columns.length) {
    throw new InputError(`${a.name} has ${a.columns.length} columns but ${b.name} has ${b.columns.length}`);
  }
  const bar = progress(1, "compare");
  let cmp: Comparison;
  try {
    cmp = compareDatasets(
      { name: a.name, columns: a.columns, values: a.values },
      { name: b.name, columns: a.named && b.named ? b.columns : a.columns, values: b.values },
      {
        k: o.k,
        ci: o.ci,
        bootstrap: o.bootstrap,
        permutations: o.permutations,
        mmdMaxRows: o.mmdMaxRows,
        seed: o.seed,
        smoothing: o.smoothing,
        maxBins: o.maxBins,
        onStep: (done, total, label) => bar.update(done / total, label),
      },
    );
  } finally {
    bar.finish();
  }
  if (o.report) {
    try {
      writeFileSync(o.report, renderCompareReport(cmp, { generated: new Date().toISOString().slice(0, 10) }));
    } catch (e) {
      throw new InputError(`${o.report}: cannot write the report: ${(e as Error).message}`);
    }
  }
  if (o.json) {
    out(toJsonText({ ...cmp, report: o.report ?? null }) + "\n");
    return 0;
  }
  const byName = new Map(cmp.columns.map((c) => [c.name, c]));
  out(
    `kullback compare: A = ${cmp.a.name} (${cmp.a.rows} rows), B = ${cmp.b.name} (${cmp.b.rows} rows), ${cmp.columns.length} columns\n` +
      `divergences in nats, KL in the direction KL(A ‖ B); columns ranked by histogram JS\n\n`,
  );
  out(
    table(
      ["rank", "column", "JS", "hist KL", "Gauss KL", "kNN KL", "mean A", "mean B", "sd A", "sd B"],
      cmp.ranking.map((nm, i) => {
        const c = byName.get(nm)!;
        return [
          String(i + 1),
          nm,
          human(c.js),
          human(c.klHistogram) + (c.binsOnlyInA > 0 ? "*" : ""),
          human(c.klGaussian),
          human(c.klKnn),
          human(c.meanA),
          human(c.meanB),
          human(c.sdA),
          human(c.sdB),
        ];
      }),
    ),
  );
  if (cmp.columns.some((c) => c.binsOnlyInA > 0)) {
    out(`* smoothed; the raw histogram KL is +Infinity (B has empty bins where A has data)\n`);
  }
  const j = cmp.joint;
  out(`\njointly (columns standardised by the pooled mean and sd):\n`);
  const jr: [string, string][] = [
    ["Gaussian KL(A ‖ B)", human(j.klGaussian)],
    ["Gaussian KL(B ‖ A)", human(j.klGaussianReverse)],
    ["Fréchet distance", human(j.frechet)],
  ];
  if (j.knn) {
    jr.push([
      "kNN KL(A ‖ B)",
      `${human(j.knn.estimate)}${j.knn.ci ? `  ${+(j.knn.level * 100).toFixed(2)}% CI [${human(j.knn.ci[0])}, ${human(j.knn.ci[1])}]` : ""}  (k = ${j.knn.k})`,
    ]);
  } else jr.push(["kNN KL(A ‖ B)", "-"]);
  if (j.mmd) {
    jr.push([
      "MMD²",
      `${human(j.mmd.mmd2)}  p-value ${human(j.mmd.pValue)} (${j.mmd.permutations} permutations)`,
    ]);
  } else jr.push(["MMD²", "-"]);
  out(lines(jr));
  const notes = [...cmp.columns.flatMap((c) => c.notes.map((n) => `${c.name}: ${n}`)), ...j.notes];
  if (notes.length) out(`\nnotes:\n${notes.map((n) => `  - ${n}`).join("\n")}\n`);
  if (o.report) out(`\nreport written to ${o.report}\n`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------

const EXIT_CODES = `
Exit codes: 0 success; 1 the computation failed (invalid parameters, covariance not positive
definite, unknown family, eval --check failures); 2 bad usage or an unreadable input file.
Inputs are recognised by content: JSON, JSONL, CSV with a header row, NumPy .npy; - reads stdin.
A progress bar is drawn on stderr for long runs when stderr is a terminal (KULLBACK_PROGRESS=0
turns it off, =1 forces it on).`;

function buildProgram(setCode: (c: number) => void): Command {
  const program = new Command();
  program
    .name("kullback")
    .description("kullback — divergences between probability distributions")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: () => {},
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      examples([
        `kullback kl --p '{"family":"Normal","loc":0,"scale":1}' --q '{"family":"Normal","loc":1,"scale":2}'`,
        "kullback eval test/fixtures/vectors/kl-gaussian.jsonl --check",
        "kullback pairwise P.json Q.json --out M.npy",
        "kullback estimate X.csv Y.csv --method knn --k 5 --ci 0.95",
        "kullback compare examples/reference.csv examples/drifted.csv --report report.html",
        "kullback demo",
      ]) + EXIT_CODES,
    );

  program
    .command("kl")
    .summary("KL(p ‖ q) in nats of two distributions")
    .description(
      "KL(p ‖ q) = ∫ p log(p/q) in nats, by closed form, of two distributions given as JSON files " +
        '({"family": …, parameters}; - for stdin) or inline with --p/--q. Batched parameters broadcast; ' +
        "a batched result prints as a nested array.",
    )
    .argument("[P]", "distribution p (JSON file or -)")
    .argument("[Q]", "distribution q (JSON file or -)")
    .option("--p <json>", "distribution p as inline JSON")
    .option("--q <json>", "distribution q as inline JSON")
    .option("--json", 'print {"kl": value} (special numbers as "Infinity"/"NaN" strings)')
    .addHelpText(
      "after",
      examples([
        "kullback kl p.json q.json",
        `kullback kl --p '{"family":"Normal","loc":0,"scale":1}' --q '{"family":"Normal","loc":1,"scale":2}'`,
        `echo '{"family":"Poisson","rate":3}' | kullback kl - --q '{"family":"Poisson","rate":4}' --json`,
      ]),
    )
    .action((p: string | undefined, q: string | undefined, o) =>
      setCode(
        cmdKl(
          [p, q].filter((x): x is string => x !== undefined),
          o,
        ),
      ),
    );

  program
    .command("eval")
    .summary("evaluate reference-vector case lines (FORMAT.md)")
    .description(
      "Evaluates case lines of the reference-vector format (test/fixtures/vectors/FORMAT.md), one JSON " +
        'line out per case. With --check, compares with each case\'s "expected" and prints failures and ' +
        '"N passed, N failed" (exit code 1 if any failed).',
    )
    .argument("<FILE>", "JSONL case file, or - for stdin")
    .option("--check", "compare with the expected values")
    .addHelpText(
      "after",
      examples([
        "kullback eval test/fixtures/vectors/kl-gaussian.jsonl --check",
        `echo '{"id":"a","op":"kl","p":{"family":"Normal","loc":0,"scale":1},"q":{"family":"Normal","loc":1,"scale":2}}' | kullback eval -`,
      ]),
    )
    .action((file: string, o) => setCode(cmdEval(file, o)));

  program
    .command("pairwise")
    .summary("N × M matrix of divergences between the members of two batches")
    .description(
      "The N × M matrix D[i, j] = D(P_i ‖ Q_j) between every member of batch P (batch shape [N]) and " +
        "every member of batch Q ([M]). P and Q are JSON distributions with batched parameters, or JSONL " +
        "(or a JSON list) with one distribution of the same family per line, stacked. KL is computed as " +
        "tiled matrix products for Gaussian and categorical families and streamed by row blocks to --out. " +
        "CSV output has a header q0,q1,… (rows in order of P; read it with " +
        "numpy.loadtxt(f, delimiter=',', skiprows=1)); infinities are written inf.",
    )
    .argument("<P>", "batched distribution P (JSON/JSONL file or -)")
    .argument("<Q>", "batched distribution Q (JSON/JSONL file or -)")
    .option("-o, --out <file>", "write the matrix to a .csv or .npy file instead of printing it")
    .addOption(new Option("-d, --divergence <name>", "divergence").choices([...DIVERGENCES]).default("kl"))
    .option("--rows-per-block <n>", "rows per streamed block (KL only)", intOption("--rows-per-block", 1))
    .option("--json", "print JSON: {divergence, shape, matrix} (or a summary with --out)")
    .addHelpText(
      "after",
      examples([
        "kullback pairwise P.json Q.json",
        "kullback pairwise P.jsonl Q.jsonl --out M.npy",
        "kullback pairwise P.json Q.json --divergence wasserstein2 --out W.csv",
        "kullback pairwise P.json Q.json --json > M.json",
      ]) +
        `\nP.jsonl, one distribution per line:\n  {"family":"Normal","loc":0,"scale":1}\n  {"family":"Normal","loc":2,"scale":0.5}\n`,
    )
    .action((p: string, q: string, o) => setCode(cmdPairwise(p, q, o)));

  program
    .command("estimate")
    .summary("KL and two-sample statistics estimated from samples")
    .description(
      "Estimates divergences between the distributions of two samples X and Y\n" +
        "(rows = samples, columns = dimensions; CSV with header, NPY, JSON or JSONL\n" +
        "rows). Named columns are matched by name. Methods:\n" +
        "  knn         k-nearest-neighbour estimate of KL(X ‖ Y) (Wang–Kulkarni–Verdú)\n" +
        "              with a subsampling confidence interval (--ci 0 for none)\n" +
        "  mmd         MMD² with a Gaussian kernel and a permutation p-value\n" +
        "  gaussian    fit a Gaussian to each sample: closed-form KL both ways and\n" +
        "              the Fréchet distance\n" +
        '  monteCarlo  X and Y are DISTRIBUTIONS (JSON {"family": …}), not samples:\n' +
        "              Monte Carlo estimate of KL(X ‖ Y) from --samples draws of X,\n" +
        "              with standard error and normal-approximation CI",
    )
    .argument("<X>", "samples from P (or, for monteCarlo, distribution P)")
    .argument("<Y>", "samples from Q (or, for monteCarlo, distribution Q)")
    .addOption(new Option("-m, --method <method>", "estimator").choices([...METHODS]).default("knn"))
    .option("-k, --k <n>", "knn: neighbour order", intOption("--k", 1), 5)
    .option("--ci <level>", "knn, monteCarlo: confidence level of the interval (0 = none)", levelOption, 0.95)
    .option("--bootstrap <n>", "knn: subsamples for the interval", intOption("--bootstrap", 2), 200)
    .addOption(
      new Option("--duplicates <policy>", "knn: points with a zero k-NN distance")
        .choices(["error", "skip", "infinity"])
        .default("error"),
    )
    .option("--permutations <n>", "mmd: permutations", intOption("--permutations", 1), 1000)
    .option(
      "--bandwidth <sigma>",
      "mmd: Gaussian kernel bandwidth (default: median heuristic)",
      positiveOption("--bandwidth"),
    )
    .option(
      "--max-rows <n>",
      "mmd: subsample each side to at most n rows (memory grows as (n+m)²)",
      intOption("--max-rows", 2),
      2000,
    )
    .option("--samples <n>", "monteCarlo: draws from X", intOption("--samples", 2), 100000)
    .option("--seed <n>", "seed of every random choice", intOption("--seed", 0), 0)
    .option("--columns <list>", "use only these columns (names or 1-based indices, comma-separated)")
    .option("--by-position", "match columns by position, ignoring their names")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      examples([
        "kullback estimate X.csv Y.csv --method knn --k 5 --ci 0.95",
        "kullback estimate X.npy Y.npy --method mmd --permutations 2000 --json",
        "kullback estimate X.csv Y.csv --method gaussian --columns age,income",
        "kullback estimate p.json q.json --method monteCarlo --samples 1000000",
      ]),
    )
    .action((x: string, y: string, o: EstimateOptions) => setCode(cmdEstimate(x, y, o)));

  program
    .command("compare")
    .summary('"has my data drifted?": per-column and joint comparison of two tables, HTML report')
    .description(
      "Compares table A (reference) with table B (new data), columns matched by header name (an error if " +
        "the names differ). Per column: JS and KL of histograms on shared Freedman–Diaconis bins (KL with " +
        "+0.5 smoothing per bin so it stays finite; marked * where the raw KL is infinite), the Gaussian " +
        "closed-form KL and the 1-D kNN KL. Jointly, on standardised columns: Gaussian plug-in KL, Fréchet " +
        "distance, kNN KL with a confidence interval and MMD² with a permutation p-value. Columns are " +
        "ranked by JS. --report writes a self-contained HTML page (inline SVG; no scripts, no network).",
    )
    .argument("<A>", "reference table (CSV with header, NPY, JSON, JSONL; - for stdin)")
    .argument("<B>", "table to compare with A")
    .option("-r, --report <file>", "write the HTML report to this file")
    .option("--json", "print every statistic as JSON (histograms included)")
    .option("--columns <list>", "compare only these columns (comma-separated names or 1-based indices)")
    .option("-k, --k <n>", "neighbour order of the kNN estimates", intOption("--k", 1), 5)
    .option("--ci <level>", "confidence level of the joint kNN interval", levelOption, 0.95)
    .option("--bootstrap <n>", "subsamples for the kNN interval", intOption("--bootstrap", 2), 200)
    .option("--permutations <n>", "permutations of the MMD test", intOption("--permutations", 1), 500)
    .option(
      "--mmd-max-rows <n>",
      "rows per table used by MMD (seeded subsample)",
      intOption("--mmd-max-rows", 2),
      1000,
    )
    .option("--max-bins <n>", "largest number of histogram bins", intOption("--max-bins", 1), 100)
    .option(
      "--smoothing <alpha>",
      "pseudo-count added to every bin for the histogram KL",
      nonNegativeOption("--smoothing"),
      0.5,
    )
    .option("--seed <n>", "seed of every random choice", intOption("--seed", 0), 0)
    .addHelpText(
      "after",
      examples([
        "kullback compare examples/reference.csv examples/drifted.csv",
        "kullback compare examples/reference.csv examples/drifted.csv --report report.html",
        "kullback compare old.csv new.csv --columns age,income --json > drift.json",
      ]),
    )
    .action((a: string, b: string, o: CompareCliOptions) => setCode(cmdCompare(a, b, o)));

  program
    .command("demo")
    .summary("classic cases on built-in data")
    .description(
      "Prints a short table of classic KL cases (full-covariance Gaussians, a VAE batch, …) on built-in data.",
    )
    .addHelpText("after", examples(["kullback demo"]))
    .action(() => {
      runDemo(out);
      setCode(0);
    });

  return program;
}

function oneLine(s: string): string {
  return s
    .replace(/^error: /, "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export function main(argv: string[]): number {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  if (argv.length === 0) {
    out(program.helpInformation());
    return 2;
  }
  const command = argv[0];
  try {
    program.parse(argv, { from: "user" });
    return code;
  } catch (e) {
    const hint = program.commands.some((c) => c.name() === command)
      ? `kullback ${command} --help`
      : "kullback --help";
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      process.stderr.write(`kullback: ${oneLine(e.message)} (see ${hint})\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`kullback: ${oneLine(e.message)} (see ${hint})\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`kullback: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof KullbackError) {
      process.stderr.write(`kullback: ${e.code}: ${oneLine(e.message)}\n`);
      return 1;
    }
    if (process.env.KULLBACK_DEBUG) throw e;
    process.stderr.write(
      `kullback: internal error: ${oneLine(e instanceof Error ? e.message : String(e))} (set KULLBACK_DEBUG=1 for a stack trace)\n`,
    );
    return 1;
  }
}

// a closed pipe (`kullback … | head`) ends the output quietly instead of raising EPIPE
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
