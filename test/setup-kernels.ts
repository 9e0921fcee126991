/**
 * Per-run setup (vitest.config.ts): the kernel mode and fast-check's global settings.
 *
 * KULLBACK_TEST_KERNELS=wasm runs every test file with enableWasm() (WebAssembly SIMD from the
 * break-even sizes on), =ts with disableWasm() (pure TypeScript at every size); unset or
 * `default` keeps the default selection. `npm test` runs all three (one Vitest project each).
 * Tests that switch kernels themselves restore the default afterwards.
 *
 * Property tests run with a fixed seed (deterministic suite) unless KULLBACK_STRESS is set, which
 * multiplies their run counts (see test/helpers.ts) and lets fast-check pick fresh seeds.
 */
import fc from "fast-check";
import { disableWasm, enableWasm } from "../src/linalg/wasm.js";
import { STRESS, kernelMode } from "./helpers.js";

const mode = kernelMode();
if (mode === "wasm") {
  if (!enableWasm()) throw new Error("KULLBACK_TEST_KERNELS=wasm: WebAssembly SIMD is not available here");
} else if (mode === "ts") disableWasm();

fc.configureGlobal(STRESS > 1 ? { numRuns: 100 * STRESS } : { numRuns: 100, seed: 20261208 });
