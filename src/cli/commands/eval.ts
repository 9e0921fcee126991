/** `kullback eval`: reference-vector case lines through the library. */
import { Command } from "commander";
import { checkOutput, evaluateCase } from "../../conformance/index.js";
import { readText } from "../input.js";
import { progress } from "../progress.js";
import { examples, out } from "../options.js";

export function cmdEval(file: string, o: { check?: boolean }): number {
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

/** Adds the `eval` command to the program. */
export function registerEval(program: Command, setCode: (c: number) => void): void {
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
}
