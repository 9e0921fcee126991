/** `kullback kl`: KL(p ‖ q) of two distributions. */
import { Command } from "commander";
import { type Distribution, kl } from "../../index.js";
import { toJsonText } from "../format.js";
import { UsageError, inlineDistribution, readDistribution } from "../input.js";
import { examples, out } from "../options.js";

export function cmdKl(files: string[], o: { p?: string; q?: string; json?: boolean }): number {
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

/** Adds the `kl` command to the program. */
export function registerKl(program: Command, setCode: (c: number) => void): void {
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
}
