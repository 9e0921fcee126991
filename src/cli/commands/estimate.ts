/** `kullback estimate`: KL and two-sample statistics from samples. */
import { Command, Option } from "commander";
import {
  KullbackError,
  MultivariateNormal,
  NDArray,
  fitGaussian,
  frechetDistance,
  kl,
  klMonteCarlo,
  knnKl,
  medianHeuristic,
  mmdPermutationTest,
} from "../../index.js";
import { human, toJsonText } from "../format.js";
import {
  alignColumns,
  displayName,
  readDistribution,
  readSamples,
  selectColumns,
  type Samples,
} from "../input.js";
import { progress } from "../progress.js";
import { examples, intOption, levelOption, out, positiveOption } from "../options.js";
import { normalQuantile, num, subsample } from "../stats.js";

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

export function lines(pairs: [string, string][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join("\n") + "\n";
}

function readPair(xFile: string, yFile: string, o: EstimateOptions): [Samples, Samples] {
  const ctx = `--method ${o.method} needs samples (CSV, NPY, JSON or JSONL rows); for two distributions use --method monteCarlo or kullback kl`;
  const x = selectColumns(readSamples(xFile, ctx), o.columns);
  const y = alignColumns(x, selectColumns(readSamples(yFile, ctx), o.columns), o.byPosition ?? false);
  return [x, y];
}

export function cmdEstimate(xFile: string, yFile: string, o: EstimateOptions): number {
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

/** Adds the `estimate` command to the program. */
export function registerEstimate(program: Command, setCode: (c: number) => void): void {
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
}
