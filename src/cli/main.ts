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
import { Command, CommanderError } from "commander";
import { KullbackError } from "../index.js";
import { runDemo } from "./demo.js";
import { InputError, UsageError } from "./input.js";
import { examples, out } from "./options.js";
import { registerKl } from "./commands/kl.js";
import { registerEval } from "./commands/eval.js";
import { registerPairwise } from "./commands/pairwise.js";
import { registerEstimate } from "./commands/estimate.js";
import { registerCompare } from "./commands/compare.js";

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

  registerKl(program, setCode);
  registerEval(program, setCode);
  registerPairwise(program, setCode);
  registerEstimate(program, setCode);
  registerCompare(program, setCode);

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
