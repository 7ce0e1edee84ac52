import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env-schema";

const good = {
  DATABASE_URL: "postgresql://u:p@localhost:5432/booth",
  AUTH_SECRET: "x".repeat(32),
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: "y".repeat(32),
};

describe("parseEnv", () => {
  it("fills defaults for optional settings", () => {
    const env = parseEnv(good);
    expect(env).toMatchObject({
      BRAND_NAME: "Booth",
      LIVEKIT_URL: "ws://127.0.0.1:7880",
      SIGNIN_MAX_FAILURES_PER_ACCOUNT: 5,
      APP_URL: "http://localhost:3000",
    });
  });

  it("names every missing or bad variable in one error", () => {
    const { DATABASE_URL: _d, ...rest } = good;
    expect(() => parseEnv({ ...rest, AUTH_SECRET: "short", BRAND_PRIMARY_COLOR: "blue" })).toThrowError(
      /DATABASE_URL: is required[\s\S]*AUTH_SECRET: must be at least 32[\s\S]*BRAND_PRIMARY_COLOR: must be a colour like #4f46e5/,
    );
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ ...good, BRAND_NAME: "" }).BRAND_NAME).toBe("Booth");
    expect(() => parseEnv({ ...good, DATABASE_URL: "" })).toThrowError(/DATABASE_URL: is required/);
  });

  const production = {
    ...good,
    NODE_ENV: "production",
    STRIPE_SECRET_KEY: "sk_live_abc",
    STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef",
    SMTP_URL: "smtp://mail.example.com:587",
  };

  it("refuses to run in production without a proxy that vouches for client addresses", () => {
    expect(() => parseEnv(production)).toThrowError(/TRUSTED_PROXY_HOPS: must be 1 or more in production/);
    expect(parseEnv({ ...production, TRUSTED_PROXY_HOPS: "1" }).TRUSTED_PROXY_HOPS).toBe(1);
  });

  it("refuses to take payments in production without Stripe keys or mail without SMTP", () => {
    const { STRIPE_SECRET_KEY: _k, STRIPE_WEBHOOK_SECRET: _w, SMTP_URL: _s, ...bare } = production;
    expect(() => parseEnv(bare)).toThrowError(
      /STRIPE_SECRET_KEY: is required in production[\s\S]*STRIPE_WEBHOOK_SECRET: is required[\s\S]*SMTP_URL: is required in production/,
    );
    // The test suite's app runs production mode on the test checkout and the outbox, only when told so.
    expect(
      parseEnv({
        ...bare,
        TRUSTED_PROXY_HOPS: "1",
        BOOTH_TEST_CHECKOUT: "1",
        MAIL_OUTBOX: "1",
        STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef",
      }).BOOTH_TEST_CHECKOUT,
    ).toBe("1");
    expect(() => parseEnv({ ...good, STRIPE_SECRET_KEY: "pk_live_abc" })).toThrowError(
      /STRIPE_SECRET_KEY: must be a Stripe secret key/,
    );
  });

  it("rejects a database URL that is not PostgreSQL", () => {
    expect(() => parseEnv({ ...good, DATABASE_URL: "mysql://x" })).toThrowError(
      /DATABASE_URL: must be a postgresql:\/\/ connection URL/,
    );
  });
});
