import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine tests build real git repositories and compile real schemas; give them room on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
