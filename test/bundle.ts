/**
 * A bundle of the library's TypeScript sources for child Node processes (tests that start Node
 * with other flags): esbuild bundles `contents` (an ES module whose imports are relative to the
 * repository root) into a temporary .mjs file, whose file URL is returned. For children that need
 * internals beside the public entry; those that need only the public entry import dist/.
 */
import { build } from "esbuild";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function bundleForChild(contents: string): Promise<string> {
  const out = await build({
    stdin: { contents, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "error",
  });
  const file = join(mkdtempSync(join(tmpdir(), "kullback-child-")), "lib.mjs");
  writeFileSync(file, out.outputFiles[0].text);
  return pathToFileURL(file).href;
}
