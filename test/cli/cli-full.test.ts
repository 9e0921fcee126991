/**
 * The complete `kullback` command line, run as a user would (`node dist/cli.js …`, built by
 * `pretest`): every command's happy path, its error paths (exit codes, one-line messages, no
 * stack traces), every input format, and `compare` on the shipped example data.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { MultivariateNormal, NDArray, Normal, fitGaussian, kl, pairwiseKl } from "../../src/index.js";
import { readNpy, writeNpy } from "../../src/io/npy.js";
import { formatCsv, parseCsv } from "../../src/io/csv.js";

const cli = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
const REF = join(examples, "reference.csv");
const DRIFT = join(examples, "drifted.csv");

let dir = "";
const f = (name: string) => join(dir, name);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (so independent runs overlap). */
function run(
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { ...process.env, KULLBACK_PROGRESS: "", ...options.env },
      timeout: 30000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.on("error", () => {}); // the CLI may exit before reading stdin
    child.stdin.end(options.input ?? "");
  });
}

/** An error run: the given exit code, exactly one line on stderr, no stack trace, nothing on stdout. */
async function fails(args: string[], code: 1 | 2, pattern: RegExp, input?: string): Promise<string> {
  const r = await run(args, { input });
  expect(r.status, `exit code of ${args.join(" ")}: ${r.stderr}`).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kullback: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stdout).toBe("");
  return lines[0];
}

async function json(p: Promise<Run> | Run) {
  const r = await p;
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const N01 = '{"family":"Normal","loc":0,"scale":1}';
const N12 = '{"family":"Normal","loc":1,"scale":2}';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kullback-cli-"));
  writeFileSync(f("p.json"), N01);
  writeFileSync(f("q.json"), N12);
  writeFileSync(f("wrong-family.json"), '{"family":"Gaussish","loc":0,"scale":1}');
  writeFileSync(f("not-pd.json"), '{"family":"MultivariateNormal","loc":[0,0],"covariance":[[1,2],[2,1]]}');
  writeFileSync(f("mvn.json"), '{"family":"MultivariateNormal","loc":[0,0],"covariance":[[1,0],[0,1]]}');
  writeFileSync(f("bad.json"), "{not json");
  writeFileSync(f("ragged.csv"), "a,b\n1,2\n3\n");
  writeFileSync(f("nan.csv"), "a,b\n1,2\n3,NaN\n4,5\n");
  writeFileSync(f("text.csv"), "a,b\n1,2\n3,abc\n");
  writeFileSync(f("other.csv"), "a,b,c,d,e\n1,2,3,4,5\n2,3,4,5,6\n3,4,5,6,8\n");
  writeFileSync(
    f("P.jsonl"),
    [
      '{"family":"Normal","loc":0,"scale":1}',
      '{"family":"Normal","loc":2,"scale":0.5}',
      '{"family":"Normal","loc":-1,"scale":3}',
    ].join("\n") + "\n",
  );
  writeFileSync(f("Q.json"), '{"family":"Normal","loc":[0,1],"scale":[1,2]}');
  writeFileSync(
    f("mixed.jsonl"),
    '{"family":"Normal","loc":0,"scale":1}\n{"family":"Laplace","loc":0,"scale":1}\n',
  );
  writeFileSync(f("dup.csv"), "x\n1\n1\n1\n1\n2\n3\n");
  writeFileSync(f("y.csv"), "x\n1.5\n2.5\n3.5\n4.5\n");
});

describe.concurrent("help and usage", () => {
  it("every command has --help with examples; exit 0", async () => {
    const cmds = ["kl", "eval", "pairwise", "estimate", "compare", "demo"];
    const [top, viaHelp, ...each] = await Promise.all([
      run(["--help"]),
      run(["help", "compare"]),
      ...cmds.map((c) => run([c, "--help"])),
    ]);
    expect(top.status).toBe(0);
    for (const c of cmds) expect(top.stdout).toContain(` ${c} `);
    expect(top.stdout).toMatch(/Exit codes: 0 success; 1 .*; 2 bad usage/s);
    each.forEach((r, i) => {
      expect(r.status, cmds[i]).toBe(0);
      expect(r.stdout, cmds[i]).toMatch(/Examples:\n {2}kullback /);
      expect(r.stdout, cmds[i]).toContain(`Usage: kullback ${cmds[i]}`);
    });
    expect(viaHelp.stdout).toContain("Usage: kullback compare");
  });

  it("no command prints the help and exits 2; unknown commands and options exit 2 with one line", async () => {
    const r = await run([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("Usage: kullback");
    await Promise.all([
      fails(["frobnicate"], 2, /unknown command 'frobnicate'/),
      fails(["kll"], 2, /Did you mean kl\?/),
      fails(["kl", "--bogus"], 2, /unknown option '--bogus'.*kullback kl --help/),
      fails(["pairwise", "x.json"], 2, /missing required argument 'Q'/),
      fails(["estimate", REF, DRIFT, "--k", "0"], 2, /--k must be an integer ≥ 1/),
      fails(
        ["estimate", REF, DRIFT, "--method", "magic"],
        2,
        /Allowed choices are knn, mmd, gaussian, monteCarlo/,
      ),
      fails(["estimate", REF, DRIFT, "--ci", "1.5"], 2, /confidence level/),
      fails(
        ["pairwise", "P.jsonl", "Q.json", "--divergence", "tv"],
        2,
        /Allowed choices are kl, bhattacharyya, wasserstein2, js/,
      ),
    ]);
  });
});

describe.concurrent("kl", () => {
  it("files, stdin, inline and --json", async () => {
    const inf = ['{"family":"Uniform","low":0,"high":2}', '{"family":"Uniform","low":0,"high":1}'];
    const [a, b, c, d, e, g, h] = await Promise.all([
      run(["kl", "p.json", "q.json"]),
      run(["kl", "-", "q.json"], { input: N01 }),
      run(["kl", "p.json", "--q", N12]),
      json(run(["kl", "--p", N01, "--q", N12, "--json"])),
      run(["kl", "--p", '{"family":"Normal","loc":[0,1],"scale":1}', "--q", N12]),
      run(["kl", "--p", inf[0], "--q", inf[1]]),
      json(run(["kl", "--p", inf[0], "--q", inf[1], "--json"])),
    ]);
    expect(a.status).toBe(0);
    expect(Number(a.stdout)).toBe(0.4431471805599453);
    expect(Number(b.stdout)).toBe(0.4431471805599453);
    expect(Number(c.stdout)).toBe(0.4431471805599453);
    expect(d).toEqual({ kl: 0.4431471805599453 });
    // batched result, and +Infinity (support mismatch) spelled as FORMAT.md does in JSON
    expect(JSON.parse(e.stdout)).toEqual([0.4431471805599453, 0.3181471805599453]);
    expect(g.stdout.trim()).toBe("Infinity");
    expect(h).toEqual({ kl: "Infinity" });
  });

  it("bad distributions: one line, exit 1; bad files: one line, exit 2", async () => {
    await Promise.all([
      fails(
        ["kl", "wrong-family.json", "q.json"],
        1,
        /NotImplemented: wrong-family\.json: family "Gaussish"/,
      ),
      fails(
        ["kl", "not-pd.json", "mvn.json"],
        1,
        /NotPositiveDefinite: not-pd\.json: covariance is not positive definite/,
      ),
      fails(
        ["kl", "--p", '{"family":"Normal","loc":0,"scale":-1}', "--q", N12],
        1,
        /InvalidParameter: .*scale/,
      ),
      fails(["kl", "bad.json", "q.json"], 2, /bad\.json: not valid JSON/),
      fails(["kl", "missing.json", "q.json"], 2, /missing\.json: no such file/),
      fails(["kl", REF, "q.json"], 2, /holds samples \(500 rows × 5 columns\); kl needs distributions/),
      fails(["kl", "p.json"], 2, /kl needs two distributions/),
      fails(["kl", "-", "-"], 2, /only one input can be read from stdin/, N01),
    ]);
  });
});

describe.concurrent("eval", () => {
  it("keeps its behaviour: --check summary and exit 1 on a failing case", async () => {
    const good = JSON.stringify({
      id: "a",
      op: "kl",
      p: JSON.parse(N01),
      q: JSON.parse(N12),
      expected: 0.4431471805599453,
    });
    const bad = JSON.stringify({ id: "b", op: "kl", p: JSON.parse(N01), q: JSON.parse(N12), expected: 1 });
    const [ok, r] = await Promise.all([
      run(["eval", "-", "--check"], { input: good }),
      run(["eval", "-", "--check"], { input: good + "\n" + bad }),
      fails(["eval"], 2, /missing required argument 'FILE'/),
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe("1 passed, 0 failed");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL b: /);
    expect(r.stdout.trim().split("\n").pop()).toBe("1 passed, 1 failed");
  });
});

describe.concurrent("pairwise", () => {
  const P = new Normal([0, 2, -1], [1, 0.5, 3]);
  const Q = new Normal([0, 1], [1, 2]);

  it("JSONL batch × JSON batch: table, --json matrix equal to pairwiseKl", async () => {
    const expected = pairwiseKl(P, Q).toNested();
    const [r, j] = await Promise.all([
      run(["pairwise", "P.jsonl", "Q.json"]),
      json(run(["pairwise", "P.jsonl", "Q.json", "--json"])),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/KL\(P_i ‖ Q_j\), nats: 3 × 2/);
    expect(r.stdout).toMatch(/^p1\s+2\.31815\s+1\.04254$/m);
    expect(j.shape).toEqual([3, 2]);
    expect(j.matrix).toEqual(expected);
    expect(j.matrix[1][0]).toBeCloseTo(kl(new Normal(2, 0.5), new Normal(0, 1)) as number, 14);
  });

  it("--out M.csv and --out M.npy hold the same matrix; other divergences", async () => {
    const expected = pairwiseKl(P, Q);
    const [c, s, w] = await Promise.all([
      run(["pairwise", "P.jsonl", "Q.json", "--out", "M.csv"]),
      json(run(["pairwise", "P.jsonl", "Q.json", "-o", "M.npy", "--json", "--rows-per-block", "1"])),
      json(run(["pairwise", "P.jsonl", "Q.json", "--divergence", "wasserstein2", "--json"])),
    ]);
    expect(c.stdout).toMatch(/wrote the 3 × 2 matrix .* to M\.csv/);
    const csv = parseCsv(readFileSync(f("M.csv"), "utf8"), { allowNonFinite: true });
    expect(csv.columns).toEqual(["q0", "q1"]);
    expect(Array.from(csv.values.data)).toEqual(Array.from(expected.data));
    expect(s).toMatchObject({ divergence: "kl", shape: [3, 2], out: "M.npy" });
    const npy = readNpy(new Uint8Array(readFileSync(f("M.npy"))));
    expect(npy.shape).toEqual([3, 2]);
    expect(Array.from(npy.data)).toEqual(Array.from(expected.data));
    expect(w.matrix[0][1]).toBeCloseTo(Math.SQRT2, 14); // W2(N(0,1), N(1,2)) = √(1 + 1)
  });

  it("errors: bad --out, samples instead of distributions, mixed families, event mismatch", async () => {
    await Promise.all([
      fails(
        ["pairwise", "P.jsonl", "Q.json", "--out", "M.txt"],
        2,
        /--out M\.txt: the file name must end in \.csv or \.npy/,
      ),
      fails(["pairwise", REF, "Q.json"], 2, /holds samples .*pairwise needs batched distributions/),
      fails(
        ["pairwise", "mixed.jsonl", "Q.json"],
        2,
        /distribution 2 is "Laplace", distribution 1 is "Normal"; a batch needs one family/,
      ),
      fails(["pairwise", "mvn.json", "Q.json"], 1, /^kullback: (InvalidShape|NotImplemented): /),
    ]);
  });
});

describe.concurrent("estimate", () => {
  it("knn: estimate with a confidence interval; --json", async () => {
    const [r, j, noCi] = await Promise.all([
      run(["estimate", REF, DRIFT, "--method", "knn", "--k", "5", "--ci", "0.9"]),
      json(run(["estimate", REF, DRIFT, "--json"])),
      json(run(["estimate", REF, DRIFT, "--json", "--ci", "0"])),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/k-nearest-neighbour estimate of KL\(X ‖ Y\)/);
    expect(r.stdout).toMatch(/90% CI\s+\[/);
    expect(j).toMatchObject({ method: "knn", k: 5, n: 500, m: 400, d: 5, ciLevel: 0.95 });
    expect(j.ci[0]).toBeLessThan(j.estimate);
    expect(j.ci[1]).toBeGreaterThan(j.estimate);
    expect(j.estimate).toBeGreaterThan(0.5); // two columns drifted a lot
    expect(noCi.ci).toBeNull();
    expect(noCi.estimate).toBe(j.estimate);
  });

  it("mmd: small p-value for drifted data, large for two halves of the reference", async () => {
    // the first and second half of the reference table come from the same distribution
    const t = parseCsv(readFileSync(REF, "utf8"));
    const half = (lo: number, hi: number) => new NDArray(t.values.data.slice(lo * 5, hi * 5), [hi - lo, 5]);
    writeFileSync(f("ref1.csv"), formatCsv(t.columns, half(0, 250)));
    writeFileSync(f("ref2.csv"), formatCsv(t.columns, half(250, 500)));
    const [j, same] = await Promise.all([
      json(run(["estimate", REF, DRIFT, "--method", "mmd", "--permutations", "200", "--json"])),
      json(run(["estimate", "ref1.csv", "ref2.csv", "--method", "mmd", "--permutations", "200", "--json"])),
    ]);
    expect(j.method).toBe("mmd");
    expect(j.pValue).toBeLessThan(0.01);
    expect(j.mmd2).toBeGreaterThan(0);
    expect(same.pValue).toBeGreaterThan(0.05);
  });

  it("gaussian: closed-form KL both ways and Fréchet equal to the library's", async () => {
    const a = parseCsv(readFileSync(REF, "utf8")).values;
    const b = parseCsv(readFileSync(DRIFT, "utf8")).values;
    const fa = fitGaussian(a);
    const fb = fitGaussian(b);
    const ga = MultivariateNormal.fromCovariance(fa.loc, new NDArray(fa.covariance, [5, 5]));
    const gb = MultivariateNormal.fromCovariance(fb.loc, new NDArray(fb.covariance, [5, 5]));
    const [j, h] = await Promise.all([
      json(run(["estimate", REF, DRIFT, "--method", "gaussian", "--json"])),
      run(["estimate", REF, DRIFT, "--method", "gaussian"]),
    ]);
    expect(j.klXY).toBeCloseTo(kl(ga, gb) as number, 12);
    expect(j.klYX).toBeCloseTo(kl(gb, ga) as number, 12);
    expect(j.frechet).toBeGreaterThan(0);
    expect(h.stdout).toMatch(/KL\(X ‖ Y\)\s+\S+ nats/);
    expect(h.stdout).toMatch(/Fréchet distance/);
  });

  it("every input format gives the same answer: CSV, stdin, NPY, JSON rows, JSON columns, JSONL records", async () => {
    const t = parseCsv(readFileSync(REF, "utf8"));
    const rows = t.values.toNested() as number[][];
    writeFileSync(f("ref.npy"), writeNpy(t.values));
    writeFileSync(f("ref-rows.json"), JSON.stringify(rows));
    writeFileSync(
      f("ref-cols.json"),
      JSON.stringify(Object.fromEntries(t.columns.map((c, j) => [c, rows.map((r) => r[j])]))),
    );
    writeFileSync(
      f("ref.jsonl"),
      rows.map((r) => JSON.stringify(Object.fromEntries(t.columns.map((c, j) => [c, r[j]])))).join("\n") +
        "\n",
    );
    // named columns are matched by name, whatever their order
    const perm = [4, 2, 0, 1, 3];
    const shuffled = new NDArray(
      Float64Array.from({ length: rows.length * 5 }, (_, i) => rows[Math.floor(i / 5)][perm[i % 5]]),
      [rows.length, 5],
    );
    writeFileSync(
      f("ref-perm.csv"),
      formatCsv(
        perm.map((j) => t.columns[j]),
        shuffled,
      ),
    );
    const g = (x: string, y = DRIFT, extra: string[] = [], input?: Buffer) =>
      json(run(["estimate", x, y, "--method", "gaussian", "--json", ...extra], { input }));
    const [base, viaStdin, cols, jsonl, npy, nested, permuted, sub] = await Promise.all([
      g(REF),
      g("-", DRIFT, [], readFileSync(REF)),
      g("ref-cols.json"),
      g("ref.jsonl"),
      g("ref.npy"), // unnamed columns (NPY, nested arrays) are matched by position
      g("ref-rows.json"),
      g(REF, "ref-perm.csv"),
      g(REF, DRIFT, ["--columns", "latency_ms,1"]),
    ]);
    for (const r of [viaStdin, cols, jsonl, npy, nested]) expect(r.klXY).toBe(base.klXY);
    expect(permuted.klXY).toBe(0);
    expect(sub.columns).toEqual(["latency_ms", "age"]);
    expect(sub.d).toBe(2);
  });

  it("monteCarlo takes distributions and agrees with the closed form", async () => {
    const j = await json(
      run([
        "estimate",
        "p.json",
        "q.json",
        "--method",
        "monteCarlo",
        "--samples",
        "200000",
        "--seed",
        "3",
        "--json",
      ]),
    );
    expect(j.method).toBe("monteCarlo");
    expect(Math.abs(j.estimate - 0.4431471805599453)).toBeLessThan(5 * j.standardError);
    expect(j.ci[0]).toBeLessThan(j.estimate);
    expect(j.ci[1]).toBeGreaterThan(j.estimate);
    // 1.96 standard errors each side at 95 %
    expect((j.ci[1] - j.estimate) / j.standardError).toBeCloseTo(1.959963984540054, 9);
  });

  it("errors: wrong kind of input, bad files, mismatched columns, duplicates", async () => {
    const [, , , , , , , , skip] = await Promise.all([
      fails(
        ["estimate", REF, DRIFT, "--method", "monteCarlo"],
        2,
        /holds samples .*--method monteCarlo needs two distributions/,
      ),
      fails(
        ["estimate", "p.json", "q.json"],
        2,
        /p\.json is a distribution \(family Normal\); --method knn needs samples/,
      ),
      fails(
        ["estimate", "ragged.csv", REF],
        2,
        /ragged\.csv: line 3 \(data row 2\) has 1 field, expected 2 like the header/,
      ),
      fails(
        ["estimate", "nan.csv", REF],
        2,
        /nan\.csv: line 3 \(data row 2\), column "b": "NaN" \(missing value/,
      ),
      fails(
        ["estimate", "text.csv", REF],
        2,
        /text\.csv: line 3 \(data row 2\), column "b": "abc" is not a number/,
      ),
      fails(
        ["estimate", REF, "other.csv"],
        2,
        /column names differ \(only in .*reference\.csv: "age".*only in other\.csv: "a"/,
      ),
      fails(["estimate", REF, DRIFT, "--columns", "nope"], 2, /--columns: .* has no column "nope"/),
      fails(["estimate", "dup.csv", "y.csv", "--k", "1"], 1, /InvalidParameter: .*k-NN distance rho_k is 0/),
      json(run(["estimate", "dup.csv", "y.csv", "--duplicates", "skip", "--ci", "0", "--k", "1", "--json"])),
    ]);
    expect(skip.duplicates).toBe(4);
  });
});

describe.concurrent("compare", () => {
  it("ranks the drifted columns first on the example data", async () => {
    const j = await json(run(["compare", REF, DRIFT, "--json", "--permutations", "200"]));
    expect(j.ranking.slice(0, 2)).toEqual(["latency_ms", "session_minutes"]);
    const byName = Object.fromEntries(j.columns.map((c: { name: string }) => [c.name, c]));
    // the undrifted columns are far below the drifted ones on every per-column statistic
    for (const stat of ["js", "klHistogram", "klGaussian", "klKnn"]) {
      const low = Math.min(byName.latency_ms[stat], byName.session_minutes[stat]);
      for (const c of ["age", "income_k", "pages_viewed"])
        expect(byName[c][stat], `${c} ${stat}`).toBeLessThan(low / 3);
    }
    for (const c of j.columns) {
      expect(c.js).toBeGreaterThanOrEqual(0);
      expect(c.js).toBeLessThanOrEqual(Math.LN2);
      expect(Number.isFinite(c.klHistogram)).toBe(true); // smoothing keeps it finite
      expect(c.histogram.countsA.reduce((s: number, v: number) => s + v, 0)).toBe(500);
      expect(c.histogram.countsB.reduce((s: number, v: number) => s + v, 0)).toBe(400);
      if (c.binsOnlyInA > 0) expect(c.klHistogramRaw).toBe("Infinity");
    }
    expect(j.joint.mmd.pValue).toBeLessThan(0.01);
    expect(j.joint.knn.ci[0]).toBeLessThan(j.joint.knn.estimate);
    expect(j.joint.klGaussian).toBeGreaterThan(0.5);
    expect(j.pair.columns).toEqual(["latency_ms", "session_minutes"]);
  });

  it("human table and a self-contained HTML report", async () => {
    const r = await run(["compare", REF, DRIFT, "--report", "report.html", "--permutations", "100"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(""); // no progress bar when stderr is not a terminal
    expect(r.stdout).toMatch(/^\s+1\s+latency_ms\s/m);
    expect(r.stdout).toMatch(/^\s+2\s+session_minutes\s/m);
    expect(r.stdout).toMatch(/MMD²\s+\S+\s+p-value/);
    expect(r.stdout).toContain("report written to report.html");
    const html = readFileSync(f("report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, "")).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link|@import|url\((?!#)/);
    expect((html.match(/<svg /g) ?? []).length).toBe(1 + 5 + 1); // ranking, 5 histograms, ellipses
  });

  it("--columns, and one-line errors for mismatched headers and bad files", async () => {
    const [j] = await Promise.all([
      json(run(["compare", REF, DRIFT, "--columns", "age,latency_ms", "--json", "--permutations", "50"])),
      fails(["compare", REF, "other.csv"], 2, /column names differ .*compare matches columns by header name/),
      fails(["compare", REF, "ragged.csv"], 2, /ragged\.csv: line 3/),
      fails(["compare", REF, "p.json"], 2, /p\.json is a distribution .*compare needs samples/),
      fails(
        ["compare", REF, DRIFT, "--report", join(dir, "no", "such", "dir", "r.html")],
        2,
        /cannot write the report/,
      ),
    ]);
    expect(j.columns.map((c: { name: string }) => c.name)).toEqual(["age", "latency_ms"]);
    expect(j.ranking[0]).toBe("latency_ms");
  });

  it("KULLBACK_PROGRESS=1 draws a progress bar on stderr; the result is unchanged", async () => {
    const [a, b] = await Promise.all([
      run(["compare", REF, DRIFT, "--json", "--permutations", "50"], { env: { KULLBACK_PROGRESS: "1" } }),
      run(["compare", REF, DRIFT, "--json", "--permutations", "50"]),
    ]);
    expect(a.status).toBe(0);
    expect(a.stderr).toMatch(/compare \[[#-]+\]\s+\d+%/);
    expect(a.stderr.endsWith("\r\x1b[2K")).toBe(true); // the bar is cleared at the end
    expect(b.stderr).toBe("");
    expect(a.stdout).toBe(b.stdout);
  });
});
