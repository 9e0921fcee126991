/**
 * The `kullback` command line. It only calls the public API.
 *   kullback eval FILE|-        evaluate FORMAT.md case lines, one JSON line out per case
 *   kullback kl P.json Q.json   KL(p ‖ q) of two distribution files (or --p/--q inline JSON)
 *   kullback demo               a short table of classic cases on built-in data
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { KullbackError, checkOutput, evaluateCase, fromJSON, kl, NDArray } from "../index.js";
import { runDemo } from "./demo.js";

const USAGE = `kullback — divergences between probability distributions

Usage:
  kullback eval FILE|- [--check]    evaluate case lines (FORMAT.md); --check compares with "expected"
  kullback kl P.json Q.json         KL(p ‖ q) in nats; files or - for stdin
  kullback kl --p '{…}' --q '{…}'   the same with inline JSON
  kullback demo                     classic cases on built-in example data
  kullback --help

Examples:
  kullback kl --p '{"family":"Normal","loc":0,"scale":1}' --q '{"family":"Normal","loc":1,"scale":2}'
  kullback eval test/fixtures/vectors/kl-gaussian.jsonl --check
`;

function readInput(path: string): string {
  return readFileSync(path === "-" ? 0 : path, "utf8");
}

class UsageError extends Error {}

function cmdEval(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { check: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("eval needs exactly one FILE (or - for stdin)");
  const lines = readInput(positionals[0]).split("\n");
  let pass = 0;
  let fail = 0;
  const failures: string[] = [];
  for (let ln = 0; ln < lines.length; ln++) {
    const text = lines[ln].trim();
    if (!text) continue;
    let c: Record<string, unknown>;
    try {
      c = JSON.parse(text);
    } catch (e) {
      process.stdout.write(
        JSON.stringify({
          line: ln + 1,
          error: { code: "InvalidParameter", message: `line ${ln + 1} is not JSON: ${(e as Error).message}` },
        }) + "\n",
      );
      fail++;
      continue;
    }
    const out = evaluateCase(c);
    if (values.check) {
      const r = checkOutput(c, out);
      if (r.pass) pass++;
      else {
        fail++;
        failures.push(`FAIL ${String(c.id)}: ${r.reason}`);
      }
    } else process.stdout.write(JSON.stringify(out) + "\n");
  }
  if (values.check) {
    for (const f of failures) process.stdout.write(f + "\n");
    process.stdout.write(`${pass} passed, ${fail} failed\n`);
    return fail === 0 ? 0 : 1;
  }
  return 0;
}

function cmdKl(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { p: { type: "string" }, q: { type: "string" }, json: { type: "boolean" } },
  });
  const pText = values.p ?? (positionals[0] !== undefined ? readInput(positionals[0]) : undefined);
  const qText =
    values.q ??
    (positionals[values.p ? 0 : 1] !== undefined ? readInput(positionals[values.p ? 0 : 1]) : undefined);
  if (pText === undefined || qText === undefined)
    throw new UsageError("kl needs two distributions: P.json Q.json or --p '{…}' --q '{…}'");
  const parse = (t: string, side: string): unknown => {
    try {
      return JSON.parse(t);
    } catch (e) {
      throw new UsageError(`${side} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const v = kl(fromJSON(parse(pText, "p")), fromJSON(parse(qText, "q")));
  const out = v instanceof NDArray ? v.toNested() : v;
  process.stdout.write((values.json ? JSON.stringify({ kl: out }) : JSON.stringify(out)) + "\n");
  return 0;
}

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "eval":
        return cmdEval(rest);
      case "kl":
        return cmdKl(rest);
      case "demo":
        runDemo((s) => process.stdout.write(s));
        return 0;
      case undefined:
      case "-h":
      case "--help":
      case "help":
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith?.("ERR_PARSE_ARGS")) {
      process.stderr.write(`kullback: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof KullbackError) {
      process.stderr.write(`kullback: ${e.code}: ${e.message}\n`);
      return 1;
    }
    if ((e as { code?: string }).code === "ENOENT") {
      process.stderr.write(`kullback: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
