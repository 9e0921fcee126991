/**
 * Kernel selection for a whole test run: KULLBACK_TEST_KERNELS=wasm runs every test file with
 * enableWasm() (WebAssembly SIMD from the break-even sizes on), =ts with disableWasm() (pure
 * TypeScript at every size); unset keeps the default selection. `npm test` runs all three.
 * Tests that switch kernels themselves restore the default afterwards.
 */
import { disableWasm, enableWasm } from "../src/linalg/wasm.js";

const mode = process.env.KULLBACK_TEST_KERNELS;
if (mode === "wasm") {
  if (!enableWasm()) throw new Error("KULLBACK_TEST_KERNELS=wasm: WebAssembly SIMD is not available here");
} else if (mode === "ts") disableWasm();
else if (mode !== undefined && mode !== "" && mode !== "default")
  throw new Error(`KULLBACK_TEST_KERNELS must be wasm, ts or default; got ${JSON.stringify(mode)}`);
