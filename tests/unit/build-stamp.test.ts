import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildEnvFingerprint, inputStamp, planBuild } from "../../scripts/services/build";

/** The environment the test stack builds with, minus what varies per run. */
const env = {
  NODE_ENV: "production",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:41234/booth_test",
  AUTH_SECRET: "test-secret-test-secret-test-secret-0123",
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "test-livekit-secret-test-livekit-secret",
  TRUSTED_PROXY_HOPS: "1",
  BOOTH_TEST_CHECKOUT: "1",
  STRIPE_WEBHOOK_SECRET: "whsec_test_booth_webhook_secret_0123456789",
  MAIL_OUTBOX: "1",
  NEXT_DIST_DIR: ".next-test",
  PATH: "/usr/bin",
};

let root: string;
const write = (f: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  fs.writeFileSync(path.join(root, f), text);
};
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "booth-stamp-"));
  for (const f of ["app/page.tsx", "lib/money.ts", "tests/unit/a.test.ts", "scripts/x.ts", "tsconfig.json"])
    write(f, `// ${f}\n`);
  write("prisma/schema.prisma", "model A { id Int @id }\n");
  write("package-lock.json", "{}\n");
  write("lib/generated/prisma/client.ts", "// generated\n");
  write("README.md", "# readme\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("the build stamp", () => {
  it("is the same for the same sources and build environment", () => {
    expect(inputStamp(root, env)).toEqual(inputStamp(root, { ...env }));
  });

  it("changes its build hash with anything the build compiles", () => {
    const before = inputStamp(root, env);
    for (const [f, text] of [
      ["app/page.tsx", "// changed\n"],
      ["lib/new.ts", "export {}\n"],
      ["prisma/schema.prisma", "model B { id Int @id }\n"],
      ["package-lock.json", '{"v":2}\n'],
      ["public/logo.svg", "<svg/>"],
      [".env.local", "BRAND_NAME=Other\n"],
    ] as const) {
      write(f, text);
      const after = inputStamp(root, env);
      expect(after.build, f).not.toBe(before.build);
      expect(planBuild(before, after), f).toBe("build");
    }
  });

  it("changes only its type-check hash for tests and scripts, so a reused build is type-checked again", () => {
    const before = inputStamp(root, env);
    write("tests/unit/a.test.ts", "export const x: number = 1;\n");
    const after = inputStamp(root, env);
    expect(after.build).toBe(before.build);
    expect(after.types).not.toBe(before.types);
    expect(planBuild(before, after)).toBe("typecheck");
    expect(planBuild(after, after)).toBe("reuse");
  });

  it("ignores generated code, documentation and folders the build does not read", () => {
    const before = inputStamp(root, env);
    write("lib/generated/prisma/client.ts", "// generated again\n");
    write("README.md", "# changed\n");
    write(".next-test/server/x.js", "x");
    write("node_modules/x/index.ts", "x");
    expect(inputStamp(root, env)).toEqual(before);
  });

  it("does not change with this run's random ports or unrelated variables", () => {
    const a = buildEnvFingerprint(env);
    expect(buildEnvFingerprint({ ...env, DATABASE_URL: "postgresql://postgres@127.0.0.1:50111/booth_test" })).toBe(a);
    expect(buildEnvFingerprint({ ...env, PATH: "/bin", OLDPWD: "/tmp", npm_lifecycle_event: "test" })).toBe(a);
  });

  it("changes with the build-time environment that can change the build", () => {
    const a = buildEnvFingerprint(env);
    for (const change of [
      { NODE_ENV: "development" },
      { NEXT_PUBLIC_FEATURE: "1" },
      { BRAND_NAME: "Other" },
      { APP_URL: "http://127.0.0.1:3001" },
      { LIVEKIT_URL: "ws://127.0.0.1:7881" },
      { TZ: "Europe/Lisbon" },
    ])
      expect(buildEnvFingerprint({ ...env, ...change }), JSON.stringify(change)).not.toBe(a);
  });

  it("plans a build when there is no stamp (first run, or a build that failed or was interrupted)", () => {
    expect(planBuild(null, inputStamp(root, env))).toBe("build");
  });
});
