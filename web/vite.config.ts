/**
 * Vite config of the browser playground (`npm run playground`, `npm run build:web`).
 * `kullback` is aliased to the library's TypeScript source, so the page always runs the code in
 * src/ (no separate build of the library is needed, and the library itself is not changed).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: webRoot,
  // Relative asset URLs: the built site works from any sub-path (GitHub Pages, a file server).
  base: "./",
  resolve: {
    alias: { kullback: fileURLToPath(new URL("../src/index.ts", import.meta.url)) },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
