/**
 * Prisma's own schema engine, run offline from @prisma/schema-engine-wasm.
 *
 * The native schema engine cannot be downloaded here, so `prisma migrate dev/diff` do nothing.
 * The wasm build is the same engine Prisma uses with driver adapters; we bind it to
 * @prisma/adapter-pg and use it for two jobs only: writing a new migration's SQL and checking
 * that prisma/migrations and schema.prisma agree (drift). It is an internal API, pinned to the
 * engines hash of the installed prisma CLI and smoke-tested by tests/integration/migrations.
 */
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const root = path.resolve(import.meta.dirname, "../..");
export const schemaPath = path.join(root, "prisma/schema.prisma");
export const migrationsDir = path.join(root, "prisma/migrations");

type Engine = {
  diff(params: unknown): Promise<{ exitCode: number; stdout?: string | null }>;
  free(): void;
};

let bgModule: Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<Engine> } }> | undefined;

function loadWasm() {
  bgModule ??= (async () => {
    const dir = path.join(root, "node_modules/@prisma/schema-engine-wasm");
    const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown };
    g.PRISMA_WASM_PANIC_REGISTRY ??= {
      message: "",
      set_message(this: { message: string }, m: string) {
        this.message = m;
      },
    };
    const bg = await import(path.join(dir, "schema_engine_bg.js"));
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(path.join(dir, "schema_engine_bg.wasm")), {
      "./schema_engine_bg.js": bg,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return bgModule;
}

/**
 * Opens the engine. It connects to `databaseUrl` on start, but a diff between two datamodels
 * reads and changes nothing there. (Diffs that describe a live database fail in the wasm build:
 * it cannot deserialize PostgreSQL's internal "char" catalog columns, so drift is checked by
 * comparing catalogs instead: tests/helpers/catalog.ts.)
 */
async function openEngine(databaseUrl: string, schema: string) {
  const bg = await loadWasm();
  const unused = new PrismaPg({ connectionString: databaseUrl });
  const adapter = bindMigrationAwareSqlAdapterFactory({
    provider: unused.provider,
    adapterName: unused.adapterName,
    connect: () => unused.connect(),
    connectToShadowDb: () => unused.connect(),
  });
  return bg.SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, adapter);
}

export function listMigrations() {
  const dirs = fs.existsSync(migrationsDir)
    ? fs
        .readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return dirs.map((name) => ({ name, sql: fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") }));
}

/** SQL that takes a database described by `from` (or an empty one) to the one `to` describes. */
export async function diffSchemas(databaseUrl: string, from: string | null, to: string): Promise<string> {
  const engine = await openEngine(databaseUrl, to);
  try {
    const datamodel = (content: string) => ({ tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] });
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : datamodel(from),
      to: datamodel(to),
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === 0 ? "" : (result.stdout ?? "").trim();
  } finally {
    engine.free();
  }
}

export function readSchema() {
  return fs.readFileSync(schemaPath, "utf8");
}
