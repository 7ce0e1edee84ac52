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

/**
 * The unit project runs without the stack (`npm test -- --project unit` starts nothing), so it sees the
 * same environment in every run: no test stack (BOOTH_* blank, no reachable database), and values
 * enough for lib/env.ts to parse should a pure module import it. "" counts as unset for lib/env.ts.
 */
const unitEnv = {
  NODE_ENV: "test" as const,
  TZ: "UTC",
  DATABASE_URL: "postgresql://unit-tests-have-no-database@127.0.0.1:9/none",
  AUTH_SECRET: "unit-test-secret-unit-test-secret-unit-test",
  APP_URL: "http://127.0.0.1:3000",
  LIVEKIT_URL: "ws://127.0.0.1:7880",
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "unit-test-livekit-secret-unit-test-livekit",
  TRUSTED_PROXY_HOPS: "",
  BOOTH_TEST: "",
  BOOTH_BASE_URL: "",
  BOOTH_PG_URL_PREFIX: "",
  STRIPE_MOCK_URL: "",
  // npm test turns recording on for the app when Egress runs; pure modules see it off in every run.
  RECORDING_ENABLED: "",
};

// Run through `npm test`, which starts PostgreSQL, livekit-server, stripe-mock and the app first
// (all but the unit project need them).
export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node", env: unitEnv } },
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
          // expect.poll gives up after 1 s by default; a loaded machine can take longer to answer a click.
          expect: { poll: { timeout: 10_000 } },
          // One browser at a time: the machine has two cores and the app shares them.
          fileParallelism: false,
          // Step budgets per test, and screenshots and console of every page on any failure.
          setupFiles: ["tests/helpers/require-stack.ts", "tests/helpers/e2e-setup.ts"],
        },
      },
      {
        ...shared,
        test: {
          // The network matrix (tests/networks): namespaces, a livekit-server and an app of its own, Chromium
          // inside a namespace. Needs root (CAP_NET_ADMIN); says why and skips without it (fails in CI).
          name: "networks",
          include: ["tests/networks/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 10_000 } },
          fileParallelism: false,
          setupFiles: ["tests/helpers/require-stack.ts", "tests/helpers/e2e-setup.ts"],
        },
      },
      {
        ...shared,
        test: {
          // Real LiveKit Egress beside livekit-server and Redis. npm test runs this project last, once Egress
          // (built in the background while the other projects run) is up; see scripts/test.ts.
          name: "recording",
          include: ["tests/recording/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Recordings share two cores with everything else: one file at a time.
          fileParallelism: false,
          expect: { poll: { timeout: 10_000 } },
          // Browser tests here too: step budgets, and screenshots and console of every page on any failure.
          setupFiles: [
            "tests/helpers/require-stack.ts",
            "tests/helpers/require-egress.ts",
            "tests/helpers/e2e-setup.ts",
          ],
        },
      },
    ],
  },
});
