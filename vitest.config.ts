import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60000,
    setupFiles: ["./test/setup-kernels.ts"],
    reporters: ["default"],
  },
});
