/**
 * The relaxed-SIMD build of the kernels (fused multiply-add). This Node runs without relaxed
 * SIMD, so the plain build is the one loaded here; a child Node started with
 * `--experimental-wasm-relaxed-simd` must load the relaxed build and agree with the pure
 * TypeScript kernels to round-off. The child imports a bundle of the sources with the kernel
 * internals (gemmNT, kernels()) beside the public entry (test/helpers.ts).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleForChild } from "../helpers.js";
import { enableWasm, defaultKernels } from "../../src/linalg/wasm.js";
import { wasmStatus } from "../../src/linalg/wasm-module.js";

let lib = "";
beforeAll(async () => {
  lib = await bundleForChild(
    'export * from "./src/index.ts";\nexport { gemmNT } from "./src/linalg/gemm.ts";\nexport { kernels } from "./src/linalg/kernels.ts";',
  );
});

/** Runs `code` (an ES module body with `kb` = the built library) in a child Node; returns its JSON output. */
function child(code: string, flags: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const script = `import * as kb from ${JSON.stringify(lib)};\n${code}`;
  const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env },
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
  });
  if (r.status !== 0) throw new Error(`child node failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// Values computed with the loaded build (backend "wasm"), and with pure TypeScript.
const COMPARE = `
const rng = new kb.Random(7);
const spd = (d) => {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return a.map((r, i) => a.map((s, j) => r.reduce((t, x, k) => t + x * s[k], 0) + (i === j ? d : 0)));
};
const d = 300;
const S1 = spd(d), S2 = spd(d);
const n = 70, K = 300;
const A = Float64Array.from({ length: n * K }, () => rng.normal());
const B = Float64Array.from({ length: n * K }, () => rng.normal());
// FID from feature matrices (400 samples × 300 features: SYRK covariance, Cholesky, eigh)
const feats = (shift) => ({ data: Float64Array.from({ length: 400 * d }, () => rng.normal() + shift), shape: [400, d] });
const X = feats(0), Y = feats(0.1);
// Cholesky of order 120 (two panels: dot products and the SYRK update) and a single-block
// triangular solve of order 60 (only the row updates, no GEMM), through the installed kernels
const S3 = Float64Array.from(spd(120).flat());
const R = Float64Array.from({ length: 60 * 40 }, () => rng.normal());
const run = () => {
  const C = new Float64Array(n * n);
  kb.gemmNT(n, n, K, A, 0, K, B, 0, K, C, 0, n);
  // constructed here so that the factorisations also run in the kernels under test
  const p = kb.MultivariateNormal.fromCovariance(new Float64Array(d), S1);
  const q = kb.MultivariateNormal.fromCovariance(new Float64Array(d).fill(0.2), S2);
  const L = S3.slice();
  kb.kernels().potrf(120, L, 0);
  const T = R.slice();
  const L60 = new Float64Array(60 * 60); // the leading block of L: the factor of S3's leading block
  for (let i = 0; i < 60; i++) L60.set(L.subarray(i * 120, i * 120 + 60), i * 60);
  kb.kernels().trsmLower(60, 40, L60, 0, T, 0);
  return {
    kl: kb.kl(p, q),
    frechet: kb.frechet(p, q),
    fid: kb.frechetFromSamples(X, Y),
    gemm: Array.from(C),
    chol: Array.from(L),
    trsm: Array.from(T),
  };
};
kb.configure({ backend: "wasm" });
const status = kb.backendStatus().wasm;
const wasm = run();
kb.configure({ backend: "typescript" });
const ts = run();
console.log(JSON.stringify({ status, wasm, ts }));
`;

type Values = { kl: number; frechet: number; fid: number; gemm: number[]; chol: number[]; trsm: number[] };

/** max |a_i − b_i| / max |b_i|. */
function worstRel(a: number[], b: number[]): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

function expectClose(a: Values, b: Values): void {
  expect(Math.abs(a.kl - b.kl)).toBeLessThanOrEqual(1e-12 * b.kl);
  expect(Math.abs(a.frechet - b.frechet)).toBeLessThanOrEqual(1e-12 * b.frechet);
  expect(Math.abs(a.fid - b.fid)).toBeLessThanOrEqual(1e-12 * b.fid);
  let worst = 0;
  for (let i = 0; i < b.gemm.length; i++) worst = Math.max(worst, Math.abs(a.gemm[i] - b.gemm[i]));
  expect(worst).toBeLessThan(1e-11); // |entries| ≈ 17 (sums of 300 products of N(0, 1))
  expect(worstRel(a.chol, b.chol)).toBeLessThan(1e-13);
  expect(worstRel(a.trsm, b.trsm)).toBeLessThan(1e-13);
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
    expect((out.wasm as Values).chol).not.toEqual((plain.wasm as Values).chol);
    expect((out.wasm as Values).trsm).not.toEqual((plain.wasm as Values).trsm);
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
    // the default kernels' size-based GEMM switch sends large tiles to WASM and small ones (tile 7,
    // a worker's chunk of rows) to TypeScript: the WASM side must be gemmUnfused (TypeScript's
    // rounding), not the fused gemm. The module's exports are wrapped to count the calls.
    const code = `
const calls = { gemm: 0, gemmUnfused: 0 };
const Instance = WebAssembly.Instance;
WebAssembly.Instance = class extends Instance {
  get exports() {
    const ex = super.exports;
    return { ...ex, gemm: (...a) => (calls.gemm++, ex.gemm(...a)), gemmUnfused: (...a) => (calls.gemmUnfused++, ex.gemmUnfused(...a)) };
  }
};
const rng = new kb.Random(3);
const mvn = (n, d, shift) => kb.MultivariateNormalDiag.fromVariance(
  Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal() + shift)),
  Array.from({ length: n }, () => Array.from({ length: d }, () => 0.2 + 3 * rng.uniform())));
const A = mvn(120, 16, 0), B = mvn(90, 16, 0.5);
const diffs = (a, b) => a.reduce((c, v, i) => c + (Object.is(v, b[i]) ? 0 : 1), 0);
const s = kb.pairwiseKl(A, B).data;
const tiled = diffs(s, kb.pairwiseKl(A, B, { tile: 7 }).data);
const threaded = diffs(s, (await kb.pairwiseKlAsync(A, B, { threads: 2 })).data);
const defaultCalls = { ...calls };
kb.configure({ backend: "typescript" });
const ts = diffs(s, kb.pairwiseKl(A, B).data);
kb.configure({ backend: "auto" });
console.log(JSON.stringify({ module: kb.backendStatus().wasm.module, tiled, threaded, ts, defaultCalls }));
`;
    const out = child(code, ["--experimental-wasm-relaxed-simd"]);
    const calls = out.defaultCalls as { gemm: number; gemmUnfused: number };
    expect(calls.gemm).toBe(0);
    expect(calls.gemmUnfused).toBeGreaterThan(0);
    expect({ ...out, defaultCalls: null }).toEqual({
      module: "relaxed-simd",
      tiled: 0,
      threaded: 0,
      ts: 0,
      defaultCalls: null,
    });
  });
});
