/** The environment's schema (pure, so it can be unit-tested). Every variable is documented in .env.example. */
import { z } from "zod";

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #4f46e5");
const int = (def: number) => z.coerce.number().int().positive().default(def);

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection URL"),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -base64 32`)"),
  APP_URL: z.url("must be the public URL of the app, like https://booth.example.com").default("http://localhost:3000"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  LIVEKIT_URL: z
    .string()
    .regex(/^wss?:\/\//, "must be a ws:// or wss:// URL")
    .default("ws://127.0.0.1:7880"),
  LIVEKIT_API_KEY: z.string().min(1, "is required"),
  LIVEKIT_API_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Where browsers reach livekit-server, when it differs from LIVEKIT_URL (which Booth's server uses). */
  LIVEKIT_PUBLIC_URL: z
    .string()
    .regex(/^wss?:\/\//, "must be a ws:// or wss:// URL")
    .optional(),

  /** A session's room opens this many minutes before the start… */
  SESSION_JOIN_EARLY_MINUTES: z.coerce.number().int().min(0).max(120).default(10),
  /** …and stays open this many minutes after the end (then the server closes it). */
  SESSION_GRACE_MINUTES: z.coerce.number().int().min(0).max(120).default(10),
  /** Both sides are warned this many minutes before the session's end. */
  SESSION_WARNING_MINUTES: z.coerce.number().int().min(1).max(30).default(2),
  /** Lifetime of a LiveKit join token (seconds): enough to connect, not to share. */
  SESSION_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** The direct path gets this long to carry media before the client retries through TURN only. */
  SESSION_DIRECT_WINDOW_MS: z.coerce.number().int().min(500).max(60_000).default(5000),
  /** The relay retry gets this long before the client gives up and says so. */
  SESSION_RELAY_WINDOW_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  /** How often the server checks for rooms to warn, close and settle (ms); 0 turns it off (the test app). */
  SESSION_SWEEP_MS: z.coerce.number().int().min(0).default(10_000),
  /** Join tokens one participant may ask for per session per minute. */
  SESSION_TOKEN_MAX_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** /api/dev/token-baseline for npm run bench:sessions; in production only beside BOOTH_TEST_CHECKOUT=1. */
  BOOTH_BENCH_ROUTES: z.enum(["0", "1"]).default("0"),
  /** Diagnostics batches a participant may send per minute. */
  DIAGNOSTICS_MAX_BATCHES_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(30),

  /** Bearer token Prometheus sends to GET /metrics; without it the endpoint answers 404 (turned off). */
  METRICS_TOKEN: z
    .string()
    .min(24, "must be at least 24 characters (generate one with `openssl rand -hex 24`)")
    .optional(),

  /** Session metric thresholds (/admin/metrics): a breach is shown in red and logged as a warning. */
  METRIC_MIN_SETUP_SUCCESS: z.coerce.number().min(0).max(1).default(0.95),
  METRIC_MAX_RELAY_SHARE: z.coerce.number().min(0).max(1).default(0.3),
  METRIC_MAX_RETRY_RATE: z.coerce.number().min(0).max(1).default(0.2),
  METRIC_MAX_JOIN_TO_MEDIA_P50_MS: z.coerce.number().int().positive().default(3000),
  METRIC_MAX_JOIN_TO_MEDIA_P95_MS: z.coerce.number().int().positive().default(8000),

  /** Group shows: viewers on stage (publishing camera and microphone) at once. */
  GROUP_STAGE_MAX: z.coerce.number().int().min(1).max(10).default(1),
  /** Tips: the smallest and largest amount a viewer may give, in the currency's minor unit. */
  TIP_MIN_CENTS: z.coerce.number().int().min(50).default(100),
  TIP_MAX_CENTS: z.coerce.number().int().min(100).default(50_000),

  /** Unpaid holds (booked times and show seats waiting for payment) one viewer may have at once, across creators. */
  HOLDS_MAX_UNPAID: z.coerce.number().int().min(1).max(50).default(2),
  /** Checkouts one user may start per hour. */
  CHECKOUTS_MAX_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Cancellations one user may make per hour. */
  CANCELLATIONS_MAX_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),

  /** The outbox: a new effect is left to the process that wrote it for this long before the sweep takes it (ms). */
  OUTBOX_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** A worker holds an effect this long; one that died lets it go when it passes (ms). */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** How often each app process sweeps the outbox for due effects (ms); 0 turns the sweep off. */
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(0).default(5000),
  /** How long a sign-in lasts, from the moment of signing in (not renewed by use). */
  AUTH_SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(8760).default(720),
  /** The same for admins, shorter: an admin's stolen cookie can do the most harm. */
  AUTH_ADMIN_SESSION_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(8760).default(12),

  SIGNIN_MAX_FAILURES_PER_ACCOUNT: int(5),
  SIGNIN_MAX_FAILURES_PER_IP: int(30),
  SIGNIN_BLOCK_MINUTES: int(15),
  SIGNUP_MAX_PER_IP_PER_HOUR: int(10),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),

  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, "must be a Stripe secret key (sk_test_…, sk_live_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(16, "must be the webhook signing secret (whsec_…)").optional(),
  /** Another Stripe API host, e.g. http://127.0.0.1:12111 for stripe-mock. */
  STRIPE_API_BASE: z.url("must be a URL like http://127.0.0.1:12111").optional(),
  /** A payment method configuration (Stripe dashboard) for Checkout: enable only methods that settle at once. */
  STRIPE_PAYMENT_METHOD_CONFIGURATION: z
    .string()
    .regex(/^pmc_\w+$/, "must be a payment method configuration id like pmc_1AbC…")
    .optional(),
  /** Booth's own test checkout in production mode (the test suite); never in a real deployment. */
  BOOTH_TEST_CHECKOUT: z.enum(["0", "1"]).default("0"),
  BOOKING_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
  PLATFORM_FEE_PERCENT: z.coerce.number().min(0).max(100).default(20),

  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Booth <no-reply@booth.test>"),
  /** Keep mail in the outbox (listed at /dev/outbox) in production mode (the test suite). */
  MAIL_OUTBOX: z.enum(["0", "1"]).default("0"),

  /** Creators' identity documents are deleted this many days after the decision on them. */
  VERIFICATION_RETENTION_DAYS: int(30),
  /** The largest ID document or selfie a creator may upload, in MB. */
  VERIFICATION_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(25).default(8),

  /** Where uploaded and recorded files are kept: "local" (STORAGE_DIR) or "s3" (any S3-compatible store). */
  STORAGE_DRIVER: z.enum(["local", "s3"]).default("local"),
  /** The folder for STORAGE_DRIVER=local; by default .data/storage in the working directory. */
  STORAGE_DIR: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(3).optional(),
  /** For stores other than AWS S3 (MinIO, Cloudflare R2, Ceph…), e.g. https://s3.example.com. */
  S3_ENDPOINT: z.url("must be a URL like https://s3.example.com").optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Prepended to every object key (one bucket for several deployments), e.g. "booth-prod/". */
  S3_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*\/$/, "must be lower-case letters, digits, . _ - and end with /")
    .optional(),

  /** Record sessions with LiveKit Egress ("1" when an Egress service shares livekit-server's Redis). */
  RECORDING_ENABLED: z.enum(["0", "1"]).default("0"),
  /** The folder Egress writes finished files to (its working directory), on this machine; Booth moves them into storage. */
  RECORDING_SPOOL_DIR: z.string().min(1).optional(),
  /** "1": a session's viewer may watch its recordings too (from the booking page); by default only its creator and admins. */
  RECORDINGS_FOR_VIEWERS: z.enum(["0", "1"]).default("0"),
  /** Days a recording is kept (the brand's default; an offering may set its own); 0 keeps them until deleted by hand. */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** /admin/metrics: the share of recorded tracks whose recording is complete, below which it is shown in red. */
  METRIC_MIN_RECORDING_COMPLETENESS: z.coerce.number().min(0).max(1).default(0.95),

  BRAND_NAME: z.string().min(1).default("Booth"),
  BRAND_LOGO_URL: z.string().optional(),
  BRAND_PRIMARY_COLOR: hexColor.default("#4f46e5"),
  BRAND_ACCENT_COLOR: hexColor.default("#db2777"),
  BRAND_LEGAL_NAME: z.string().optional(),
  BRAND_SUPPORT_EMAIL: z.email("must be an email address").optional(),
  BRAND_TERMS_TEXT: z.string().optional(),
  BRAND_PRIVACY_TEXT: z.string().optional(),
  /** The live rooms' colours: "dark" (the default) or "light". */
  BRAND_ROOM_THEME: z.enum(["dark", "light"]).default("dark"),
  /** A line under every email (the operator's address, an unsubscribe note…). */
  BRAND_EMAIL_FOOTER: z.string().optional(),
  /** Appended to the card statement descriptor by Stripe (letters, digits, spaces; 22 characters at most). */
  BRAND_STATEMENT_DESCRIPTOR_SUFFIX: z.string().max(22).optional(),
});

const checked = schema.superRefine((e, ctx) => {
  // Without a proxy that appends the client's address, X-Forwarded-For is whatever the client wrote.
  if (e.NODE_ENV === "production" && e.TRUSTED_PROXY_HOPS < 1) {
    ctx.addIssue({
      code: "custom",
      path: ["TRUSTED_PROXY_HOPS"],
      message:
        "must be 1 or more in production: run Booth behind a proxy that appends the client address to X-Forwarded-For",
    });
  }
  // Without a key, checkout is Booth's test page: in production that would sell sessions for nothing.
  if (e.NODE_ENV === "production" && !e.STRIPE_SECRET_KEY && e.BOOTH_TEST_CHECKOUT !== "1") {
    ctx.addIssue({
      code: "custom",
      path: ["STRIPE_SECRET_KEY"],
      message: "is required in production (BOOTH_TEST_CHECKOUT=1 enables the test checkout for test runs only)",
    });
  }
  if (!e.STRIPE_WEBHOOK_SECRET && (e.STRIPE_SECRET_KEY || e.NODE_ENV === "production")) {
    ctx.addIssue({
      code: "custom",
      path: ["STRIPE_WEBHOOK_SECRET"],
      message: "is required: the signing secret of the webhook endpoint (whsec_…)",
    });
  }
  // The bench's bare token route mints tokens for anyone: never in a real deployment.
  if (e.NODE_ENV === "production" && e.BOOTH_BENCH_ROUTES === "1" && e.BOOTH_TEST_CHECKOUT !== "1") {
    ctx.addIssue({
      code: "custom",
      path: ["BOOTH_BENCH_ROUTES"],
      message: "is for benchmarks only: in production it needs BOOTH_TEST_CHECKOUT=1 (a test deployment)",
    });
  }
  if (e.STORAGE_DRIVER === "s3") {
    for (const k of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const)
      if (!e[k]) ctx.addIssue({ code: "custom", path: [k], message: "is required when STORAGE_DRIVER=s3" });
  }
  if (e.NODE_ENV === "production" && !e.SMTP_URL && e.MAIL_OUTBOX !== "1") {
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_URL"],
      message: "is required in production (MAIL_OUTBOX=1 keeps mail in the outbox for test runs only)",
    });
  }
});

export type Env = z.infer<typeof schema>;

/** Parses `source`; throws one error listing every bad variable by name. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty string means "not set" (docker-compose and .env files produce them).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = checked.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map(
      (i) => `  ${i.path.join(".")}: ${i.code === "invalid_type" && i.input === undefined ? "is required" : i.message}`,
    );
    throw new Error(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
  }
  return result.data;
}
