/**
 * Shared test helpers: the kernel mode of this run, WASM at every size, property-test run counts.
 *
 * `npm test` runs every test file in three kernel modes (vitest.config.ts, one project each):
 * `default` (the library's own choice), `wasm` (WebAssembly SIMD installed) and `ts` (pure
 * TypeScript at every size). `KULLBACK_STRESS=k` multiplies every property test's run count by k
 * and draws fresh seeds (`npm run test:stress`); without it the seeds are fixed, so the suite is
 * deterministic.
 */
import { createWasmKernels } from "../src/linalg/wasm.js";

export type KernelMode = "default" | "wasm" | "ts";

/** The kernel mode of this run (KULLBACK_TEST_KERNELS, set per project in vitest.config.ts). */
export function kernelMode(): KernelMode {
  const m = process.env.KULLBACK_TEST_KERNELS ?? "default";
  if (m === "" || m === "default") return "default";
  if (m === "wasm" || m === "ts") return m;
  throw new Error(`KULLBACK_TEST_KERNELS must be wasm, ts or default; got ${JSON.stringify(m)}`);
}

/** WASM at every size (the library's WASM backend switches to TS below its measured sizes). */
export const wasmEverywhere = createWasmKernels(
  { potrf: 0, trsm: 0, trsmWork: 0, trsv: 0, trilSolveTril: 0 },
  "wasm-all",
);

/** The stress factor (KULLBACK_STRESS, default 1). */
export const STRESS: number = (() => {
  const v = process.env.KULLBACK_STRESS;
  if (v === undefined || v === "") return 1;
  const k = Number(v);
  if (!Number.isInteger(k) || k < 1) throw new Error(`KULLBACK_STRESS must be a positive integer; got ${v}`);
  return k;
})();

/** A property test's run count: n, times KULLBACK_STRESS. */
export function runs(n: number): number {
  return n * STRESS;
}
