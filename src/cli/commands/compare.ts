/** `kullback compare`: has my data drifted? Per column and jointly, with an HTML report. */
import { lines } from "./estimate.js";
import { writeFileSync } from "node:fs";
import { Command } from "commander";
import { compareDatasets, type Comparison } from "../../report/compare.js";
import { renderCompareReport } from "../../report/html.js";
import { human, table, toJsonText } from "../format.js";
import { InputError, alignColumns, readSamples, selectColumns } from "../input.js";
import { progress } from "../progress.js";
import { examples, intOption, levelOption, nonNegativeOption, out } from "../options.js";

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

export function cmdCompare(aFile: string, bFile: string, o: CompareCliOptions): number {
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

/** Adds the `compare` command to the program. */
export function registerCompare(program: Command, setCode: (c: number) => void): void {
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
}
