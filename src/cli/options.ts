/** Option parsers of the CLI (a bad value is a usage error, exit 2) and output helpers. */
import { InvalidArgumentError } from "commander";

export const out = (s: string) => process.stdout.write(s);

export function intOption(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
    }
    return n;
  };
}

export function levelOption(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError("the confidence level must be in [0, 1) (0 = no interval), e.g. 0.95.");
  }
  return n;
}

export function positiveOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || !(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number.`);
    return n;
  };
}

export function nonNegativeOption(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0.`);
    return n;
  };
}

export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}
