/**
 * The relaxed-SIMD build of the kernels (fused multiply-add). This Node runs without relaxed
 * SIMD, so the plain build is the one loaded here; a child Node started with
 * `--experimental-wasm-relaxed-simd` must load the relaxed build and agree with the pure
 * TypeScript kernels to round-off. The child imports the built library (dist/, made by pretest).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { enableWasm, wasmStatus, defaultKernels } from "../src/linalg/wasm.js";

const dist = new URL("../dist/index.js", import.meta.url).href;

/** Runs `code` (an ES module body with `kb` = the built library) in a child Node; returns its JSON output. */
function child(code: string, flags: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const script = `import * as kb from ${JSON.stringify(dist)};\n${code}`;
  const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: fileURLToPath(new URL("..", import.meta.url)),
  });
  if (r.status !== 0) throw new Error(`child node failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// Values computed with the loaded build after enableWasm(), and with pure TypeScript.
const COMPARE = `
const rng = new kb.Random(7);
const spd = (d) => {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return a.map((r, i) => a.map((s, j) => r.reduce((t, x, k) => t + x * s[k], 0) + (i === j ? d : 0)));
};
const d = 300;
const p = kb.MultivariateNormal.fromCovariance(new Float64Array(d), spd(d));
const q = kb.MultivariateNormal.fromCovariance(new Float64Array(d).fill(0.2), spd(d));
const n = 70, K = 300;
const A = Float64Array.from({ length: n * K }, () => rng.normal());
const B = Float64Array.from({ length: n * K }, () => rng.normal());
const run = () => {
  const C = new Float64Array(n * n);
  kb.gemmNT(n, n, K, A, 0, K, B, 0, K, C, 0, n);
  return { kl: kb.kl(p, q), frechet: kb.frechet(p, q), gemm: Array.from(C) };
};
kb.enableWasm();
const status = kb.wasmStatus();
const wasm = run();
kb.disableWasm();
const ts = run();
console.log(JSON.stringify({ status, wasm, ts }));
`;

type Values = { kl: number; frechet: number; gemm: number[] };

function expectClose(a: Values, b: Values): void {
  expect(Math.abs(a.kl - b.kl)).toBeLessThanOrEqual(1e-12 * b.kl);
  expect(Math.abs(a.frechet - b.frechet)).toBeLessThanOrEqual(1e-12 * b.frechet);
  let worst = 0;
  for (let i = 0; i < b.gemm.length; i++) worst = Math.max(worst, Math.abs(a.gemm[i] - b.gemm[i]));
  expect(worst).toBeLessThan(1e-11); // |entries| ≈ 17 (sums of 300 products of N(0, 1))
}

describe("relaxed SIMD", () => {
  it("this process (no relaxed SIMD) loads the plain SIMD build", () => {
    expect(enableWasm()).toBe(true);
    try {
      const s = wasmStatus();
      expect(s.relaxedSimd).toBe(false);
      expect(s.module).toBe("simd");
    } finally {
      defaultKernels();
    }
  });

  it("a Node with --experimental-wasm-relaxed-simd loads the relaxed build; results agree with TypeScript", () => {
    const out = child(COMPARE, ["--experimental-wasm-relaxed-simd"]);
    const status = out.status as { relaxedSimd: boolean; module: string };
    expect(status.relaxedSimd).toBe(true);
    expect(status.module).toBe("relaxed-simd");
    expectClose(out.wasm as Values, out.ts as Values);
    // fused multiply-adds round differently: the GEMM is not bit-identical to the plain build
    const plain = child(COMPARE, []);
    expect((plain.status as { module: string }).module).toBe("simd");
    expect((out.wasm as Values).gemm).not.toEqual((plain.wasm as Values).gemm);
    expectClose(plain.wasm as Values, plain.ts as Values);
  });

  it("KULLBACK_NO_RELAXED_SIMD=1 keeps the plain build even where relaxed SIMD validates", () => {
    const out = child(COMPARE, ["--experimental-wasm-relaxed-simd"], { KULLBACK_NO_RELAXED_SIMD: "1" });
    const status = out.status as { relaxedSimd: boolean; module: string };
    expect(status.relaxedSimd).toBe(true);
    expect(status.module).toBe("simd");
    expectClose(out.wasm as Values, out.ts as Values);
  });

  it("with the relaxed build loaded, pairwiseKl does not depend on tile and pairwiseKlAsync equals it bit for bit", () => {
    // the default kernels' size-based GEMM switch would otherwise send large tiles to the fused
    // WASM GEMM and small ones (tile 7, a worker's chunk of rows) to TypeScript
    const code = `
const rng = new kb.Random(3);
const mvn = (n, d, shift) => kb.MultivariateNormalDiag.fromVariance(
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift)),
  Array.from({ length: n }, () => Array.from({ length: d }, () => 0.2 + 3 * rng.uniform())));
const A = mvn(120, 16, 0), B = mvn(90, 16, 0.5);
const diffs = (a, b) => a.reduce((c, v, i) => c + (Object.is(v, b[i]) ? 0 : 1), 0);
const s = kb.pairwiseKl(A, B).data;
const tiled = diffs(s, kb.pairwiseKl(A, B, { tile: 7 }).data);
const threaded = diffs(s, (await kb.pairwiseKlAsync(A, B, { threads: 2 })).data);
console.log(JSON.stringify({ module: kb.wasmStatus().module, tiled, threaded }));
`;
    const out = child(code, ["--experimental-wasm-relaxed-simd"]);
    expect(out).toEqual({ module: "relaxed-simd", tiled: 0, threaded: 0 });
  });
});
