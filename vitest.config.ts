import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const shared = {
  resolve: {
    alias: {
      "@": root,
      // "server-only" throws outside React Server Components; tests call server modules directly.
      "server-only": path.join(root, "tests/helpers/server-only.ts"),
    },
  },
};

// Run through `npm test`, which starts PostgreSQL, livekit-server, stripe-mock and the app first.
export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        ...shared,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 30000,
          hookTimeout: 60000,
          setupFiles: ["tests/helpers/require-stack.ts"],
        },
      },
      {
        ...shared,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 90000,
          hookTimeout: 90000,
          // One browser at a time: the machine has two cores and the app shares them.
          fileParallelism: false,
          setupFiles: ["tests/helpers/require-stack.ts"],
        },
      },
    ],
  },
});
