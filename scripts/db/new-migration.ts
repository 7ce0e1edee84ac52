/**
 * npm run db:migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
 * SQL that takes the committed schema.prisma (git HEAD) to the one in the working tree, as computed
 * by Prisma's own engine. Review the file before committing; the drift test
 * (tests/integration/migrations.test.ts) fails if migrations and schema.prisma disagree.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { diffSchemas, listMigrations, migrationsDir, readSchema } from "./schema-engine";

const name = (process.argv[2] ?? "")
  .toLowerCase()
  .replace(/[^a-z0-9]+/g, "_")
  .replace(/^_|_$/g, "");
const databaseUrl = process.env.DATABASE_URL;
if (!name || !databaseUrl) {
  console.error(
    "usage: DATABASE_URL=postgresql://… npm run db:migration -- <name>   (the engine connects, changes nothing)",
  );
  process.exit(2);
}
let from: string | null = null;
if (listMigrations().length > 0) {
  from = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" });
}
const sql = await diffSchemas(databaseUrl, from, readSchema());
if (!sql) {
  console.log("schema.prisma has no change to migrate");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
