import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    environment: "node",
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    globalSetup: ["test/fixtures/global-setup.ts"],
    setupFiles: ["test/fixtures/per-file-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
