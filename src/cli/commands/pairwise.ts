/** `kullback pairwise`: N × M matrices of divergences between batch members. */
import { closeSync, openSync, writeSync } from "node:fs";
import { Command, Option } from "commander";
import {
  NDArray,
  pairwiseBhattacharyya,
  pairwiseJs,
  pairwiseKlBlocks,
  pairwiseWasserstein2,
} from "../../index.js";
import { encodeNpyHeader, float64LE } from "../../io/index.js";
import { formatCsvNumber } from "../../io/index.js";
import { human, table, toJsonText } from "../format.js";
import { InputError, UsageError, displayName, readDistribution } from "../input.js";
import { progress } from "../progress.js";
import { examples, intOption, out } from "../options.js";

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

export function cmdPairwise(
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

/** Adds the `pairwise` command to the program. */
export function registerPairwise(program: Command, setCode: (c: number) => void): void {
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
}
