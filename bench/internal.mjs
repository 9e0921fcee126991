/**
 * The library built from src/ with the kernel internals beside the public entry, for the benches
 * that time internals (the WASM backend and module, kernelsFor(n).potrf, gemmNT, the dense
 * threads): esbuild bundles it
 * in memory; `await internal()` returns the module. The public benches import dist/ instead.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function internal() {
  const out = await build({
    stdin: {
      contents: `export * from "./src/index.ts";
export * from "./src/linalg/wasm.ts";
export * from "./src/linalg/wasm-module.ts";
export { jsKernels } from "./src/linalg/kernels.ts";
export { setDenseThreads, startDenseThreads, denseThreadsFor } from "./src/linalg/threaded.ts";
export { gemmNT } from "./src/linalg/gemm.ts";`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "error",
  });
  return import("data:text/javascript;base64," + Buffer.from(out.outputFiles[0].text).toString("base64"));
}
