#!/usr/bin/env node
/**
 * `npm run bench`: times kullback next to NumPy / SciPy / PyTorch run on the same inputs in the
 * same session, and prints the ratio (peer time / kullback time; > 1 means kullback is faster).
 * Peers come from a Python with those packages (KULLBACK_PYTHON, else /usr/bin/python3, else
 * python3); a missing peer is reported as skipped. Not part of the test suite.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MultivariateNormal, kl } from "../dist/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);

function findPython() {
  const cands = [process.env.KULLBACK_PYTHON, "/usr/bin/python3", "python3"].filter(Boolean);
  let best = null;
  for (const py of cands) {
    if (py.startsWith("/") && !existsSync(py)) continue;
    const r = spawnSync(
      py,
      [
        "-c",
        "import numpy, scipy\ntry:\n import torch; print('torch')\nexcept ImportError: print('no-torch')",
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) continue;
    if (r.stdout.includes("no-torch")) best ??= py;
    else return py;
  }
  return best;
}
const python = findPython();

function peers(job) {
  if (!python) return null;
  const r = spawnSync(python, [here + "peers.py"], {
    input: JSON.stringify(job),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) {
    console.error(`peer run failed: ${r.stderr.slice(-500)}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

export function timeit(fn, minTime = 0.3) {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = (performance.now() - t0) / 1000;
    if (dt >= minTime || reps >= 1e7) return dt / reps;
    reps *= 2;
  }
}

const fmtT = (s) =>
  s == null
    ? "—"
    : s < 1e-3
      ? `${(s * 1e6).toFixed(2)} µs`
      : s < 1
        ? `${(s * 1e3).toFixed(2)} ms`
        : `${s.toFixed(2)} s`;
const rows = [];
function report(workload, label, ours, peerTimes) {
  const cols = Object.entries(peerTimes ?? {}).filter(([k, v]) => typeof v === "number" && k !== "value");
  const ratio = cols.map(([k, v]) => `${k} ${fmtT(v)} (${(v / ours).toFixed(1)}×)`).join("; ");
  rows.push(
    `| ${workload} | ${label} | ${fmtT(ours)} | ${ratio || "peers skipped (no Python with numpy/scipy)"} |`,
  );
  console.log(`${workload} ${label}: kullback ${fmtT(ours)}  ${ratio || "(peers skipped)"}`);
}

console.log(
  `machine: ${process.platform} ${process.arch}, Node ${process.version}; peers: ${python ?? "none found"}`,
);

if (!only.length || only.includes("P1")) {
  for (const d of [2, 8, 32]) {
    const pr = peers({ workload: "P1", d });
    // same inputs as the peers when available
    const inp =
      pr?.inputs ??
      (() => {
        const m0 = Array.from({ length: d }, (_, i) => Math.sin(i));
        const S = Array.from({ length: d }, (_, i) =>
          Array.from({ length: d }, (_, j) => (i === j ? 2 : 0.1)),
        );
        return { m0, m1: m0.map((x) => -x), S0: S, S1: S };
      })();
    const value = kl(
      MultivariateNormal.fromCovariance(inp.m0, inp.S0),
      MultivariateNormal.fromCovariance(inp.m1, inp.S1),
    );
    if (pr && Math.abs(value - pr.value) > 1e-8 * Math.abs(pr.value))
      console.warn(`P1 d=${d}: value mismatch ${value} vs numpy ${pr.value}`);
    const t = timeit(() =>
      kl(
        MultivariateNormal.fromCovariance(inp.m0, inp.S0),
        MultivariateNormal.fromCovariance(inp.m1, inp.S1),
      ),
    );
    report("P1", `one KL(MVN‖MVN) from covariances, d=${d}`, t, pr);
  }
}

console.log(
  "\n| workload | case | kullback | peers (ratio = peer / kullback) |\n|---|---|---|---|\n" + rows.join("\n"),
);
