/** The built `kullback` binary, run as a user would (requires `npm run build`, done by `pretest`). */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const vectors = fileURLToPath(new URL("../fixtures/vectors/", import.meta.url));
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [cli, ...args], { input, encoding: "utf8" });

describe("kullback CLI", () => {
  it("is built", () => {
    expect(existsSync(cli)).toBe(true);
  });

  it("eval reads a case file and writes one JSON line per case", () => {
    const r = run(["eval", vectors + "kl-gaussian.jsonl"]);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBe(107);
    expect(lines[0]).toHaveProperty("id", "kl-mvn-d1-001");
    expect(typeof lines[0].value).toBe("number");
  });

  it("eval --check passes every Gaussian vector file", () => {
    for (const f of ["kl-gaussian.jsonl", "kl-batched.jsonl"]) {
      const out = execFileSync(process.execPath, [cli, "eval", vectors + f, "--check"], { encoding: "utf8" });
      expect(out.trim().split("\n").pop()).toMatch(/^\d+ passed, 0 failed$/);
    }
  });

  it("eval reads stdin, answers errors per line, and keeps going on an unknown op", () => {
    const input = [
      JSON.stringify({
        id: "a",
        op: "kl",
        p: { family: "Normal", loc: 0, scale: 1 },
        q: { family: "Normal", loc: 1, scale: 2 },
      }),
      JSON.stringify({ id: "b", op: "noSuchOp" }),
      JSON.stringify({
        id: "c",
        op: "kl",
        p: { family: "Normal", loc: 0, scale: -1 },
        q: { family: "Normal", loc: 1, scale: 2 },
      }),
      JSON.stringify({
        id: "d",
        op: "kl",
        p: { family: "Normal", loc: 0, scale: 1 },
        q: { family: "Normal", loc: 0, scale: 1 },
      }),
    ].join("\n");
    const r = run(["eval", "-"], input);
    expect(r.status).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out[0].value).toBeCloseTo(0.4431471805599453, 15);
    expect(out[1].error.code).toBe("NotImplemented");
    expect(out[2].error.code).toBe("InvalidParameter");
    expect(out[2].error.message).toMatch(/scale/);
    expect(out[3].value).toBe(0);
  });

  it("kl with inline JSON prints the value; bad input gives one clear line and exit 1", () => {
    const ok = run([
      "kl",
      "--p",
      '{"family":"Normal","loc":0,"scale":1}',
      "--q",
      '{"family":"Normal","loc":1,"scale":2}',
    ]);
    expect(ok.status).toBe(0);
    expect(Number(ok.stdout)).toBeCloseTo(0.4431471805599453, 15);
    const bad = run([
      "kl",
      "--p",
      '{"family":"MultivariateNormal","loc":[0,0],"covariance":[[1,2],[2,1]]}',
      "--q",
      '{"family":"MultivariateNormal","loc":[0,0],"covariance":[[1,0],[0,1]]}',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/NotPositiveDefinite/);
  });

  it("usage errors exit 2; demo prints the classic cases", () => {
    expect(run(["frobnicate"]).status).toBe(2);
    expect(run(["kl"]).status).toBe(2);
    const demo = run(["demo"]);
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/VAE/);
    expect(demo.stdout).toMatch(/full covariance/);
  });
});
