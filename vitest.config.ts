import { configDefaults, defineConfig } from "vitest/config";

/**
 * `npm test` is this one Vitest run: every test file in three kernel modes, one project each
 * (test/helpers.ts, test/setup-kernels.ts). The command line, report, playground, browser and
 * relaxed-SIMD tests do not depend on the kernel mode and run in the default project only.
 * A failure in any project fails the run.
 */
const modeIndependent = [
  "test/cli/**",
  "test/report/**",
  "test/web/**",
  "test/parallel/*browser*",
  "test/linalg/relaxed*",
  "test/layers*",
  "test/readme*",
];

const project = (mode: "default" | "wasm" | "ts", exclude: string[] = []) => ({
  extends: true as const,
  test: {
    name: mode,
    env: { KULLBACK_TEST_KERNELS: mode },
    exclude: [...configDefaults.exclude, ...exclude],
  },
});

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup-kernels.ts"],
    // a test that needs longer than this on a loaded machine is a test to split, not to wait for
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // both cores (Vitest's default is one fewer than the cores: one worker here)
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ["default"],
    projects: [project("default"), project("wasm", modeIndependent), project("ts", modeIndependent)],
  },
});
