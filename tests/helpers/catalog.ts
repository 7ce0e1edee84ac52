import pg from "pg";

/**
 * A comparable description of a database's public schema: enums, tables and columns, indexes and
 * constraints. Two databases with equal catalogs are the same schema for Booth's purposes.
 * (Triggers, functions, extensions and the constraints named `*_guard` are left out: schema.prisma cannot
 * describe them, so they live only in migrations and have their own tests.)
 */
export async function describeCatalog(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.map((r) => Object.values(r).join(" | "));
    return {
      enums: await q(
        `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY 1`,
      ),
      columns: await q(
        `SELECT table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default, ''), coalesce(character_maximum_length::text, '') FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`,
      ),
      indexes: await q(
        `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' AND indexname NOT LIKE '%\\_guard' ORDER BY 1, 2`,
      ),
      constraints: await q(
        `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '"_prisma_migrations"' AND conrelid::regclass::text <> '_prisma_migrations' AND conname NOT LIKE '%\\_guard' ORDER BY 1, 2`,
      ),
    };
  } finally {
    await client.end();
  }
}

export type Catalog = Awaited<ReturnType<typeof describeCatalog>>;

/** Lines present in one catalog and not the other, prefixed with + (only in `b`) or − (only in `a`). */
export function catalogDiff(a: Catalog, b: Catalog): string[] {
  const out: string[] = [];
  for (const key of Object.keys(a) as (keyof Catalog)[]) {
    const left = new Set(a[key]);
    const right = new Set(b[key]);
    for (const l of left) if (!right.has(l)) out.push(`- ${key}: ${l}`);
    for (const r of right) if (!left.has(r)) out.push(`+ ${key}: ${r}`);
  }
  return out;
}

/** Creates an empty database on the test server and returns its URL. */
export async function createScratchDatabase(name: string) {
  const prefix = process.env.BOOTH_PG_URL_PREFIX!;
  const admin = new pg.Client({ connectionString: `${prefix}postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return `${prefix}${name}`;
}

export async function execSql(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
