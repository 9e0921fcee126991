import { defineConfig } from "tsup";

// scripts/build.mjs --if-stale (the tests' build) skips the declarations: KULLBACK_BUILD_DTS=0
const dts = process.env.KULLBACK_BUILD_DTS !== "0";

// The ES modules are not bundled: scripts/build.mjs transpiles every source module to dist/ (one
// file per module, so an application's bundler keeps only what it imports). tsup builds the
// CommonJS entries, with shared chunks so every entry sees one copy of the library, and the CLI.
export default defineConfig([
  {
    entry: {
      index: "src/index.ts",
      io: "src/io/index.ts",
      conformance: "src/conformance/index.ts",
      tfjs: "src/tfjs/index.ts",
    },
    external: [/^@tensorflow\//],
    format: ["cjs"],
    splitting: true,
    dts,
    sourcemap: true,
    clean: true,
    target: "es2022",
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    // bundled CommonJS dev dependencies (commander) call require() for Node built-ins
    banner: {
      js: '#!/usr/bin/env node\nimport { createRequire as __kullbackCreateRequire } from "node:module";\nconst require = __kullbackCreateRequire(import.meta.url);',
    },
    // the published package has no runtime dependencies: bundle the CLI's dev dependencies
    noExternal: ["commander"],
  },
]);
