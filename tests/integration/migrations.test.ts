import crypto from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { MigrationError, applyMigrations } from "../../scripts/db/migrate";
import { diffSchemas, listMigrations, readSchema } from "../../scripts/db/schema-engine";
import { catalogDiff, createScratchDatabase, describeCatalog, execSql } from "../helpers/catalog";

async function rows(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("migrations", () => {
  it("apply to an empty database and are recorded the way `prisma migrate deploy` records them", async () => {
    const url = await createScratchDatabase("mig_empty");
    const migrations = listMigrations();
    expect(await applyMigrations(url)).toEqual(migrations.map((m) => m.name));

    const recorded = await rows(
      url,
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(recorded).toHaveLength(migrations.length);
    recorded.forEach((r, i) => {
      expect(r.migration_name).toBe(migrations[i]!.name);
      expect(r.checksum).toBe(crypto.createHash("sha256").update(migrations[i]!.sql).digest("hex"));
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
    });
    // A second run finds nothing to do.
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("refuses to run when an applied migration's file was edited afterwards", async () => {
    const url = await createScratchDatabase("mig_edited");
    await applyMigrations(url);
    await execSql(
      url,
      `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '${listMigrations()[0]!.name}'`,
    );
    await expect(applyMigrations(url)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(url)).rejects.toThrow(/edited after it was applied/);
  });

  it("build exactly the schema that schema.prisma describes (no drift)", async () => {
    const migrated = await createScratchDatabase("drift_migrated");
    await applyMigrations(migrated);
    const fromSchema = await createScratchDatabase("drift_schema");
    await execSql(fromSchema, await diffSchemas(fromSchema, null, readSchema()));

    const diff = catalogDiff(await describeCatalog(migrated), await describeCatalog(fromSchema));
    expect(
      diff,
      `schema.prisma and prisma/migrations disagree; run \`npm run db:migration -- <name>\`:\n${diff.join("\n")}`,
    ).toEqual([]);
  });

  it("detects drift: a schema.prisma change without a migration shows up in the comparison", async () => {
    const migrated = await createScratchDatabase("drift2_migrated");
    await applyMigrations(migrated);
    const changed = readSchema().replace("model User {\n", "model User {\n  nickname String?\n");
    expect(changed).not.toBe(readSchema());
    const fromSchema = await createScratchDatabase("drift2_schema");
    await execSql(fromSchema, await diffSchemas(fromSchema, null, changed));

    const diff = catalogDiff(await describeCatalog(migrated), await describeCatalog(fromSchema));
    expect(diff).toContainEqual(expect.stringMatching(/^\+ columns: users \| nickname \| text/));
  });

  it("the one-pending-check and one-report-per-message guards keep data a race left before them", async () => {
    const url = await createScratchDatabase("mig_guards");
    const all = listMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_one_time_codes_and_guards"));
    expect(at).toBeGreaterThan(0);
    for (const m of all.slice(0, at)) await execSql(url, m.sql);
    await execSql(
      url,
      `INSERT INTO users (id, email, name, "passwordHash", "updatedAt") VALUES
         ('u1', 'a@x.test', 'A', 'x', now()), ('u2', 'b@x.test', 'B', 'x', now());
       INSERT INTO creator_verifications (id, "userId", "createdAt", "updatedAt") VALUES
         ('v1', 'u1', now() - interval '2 minutes', now()), ('v2', 'u1', now() - interval '1 minute', now());
       INSERT INTO reports (id, "reporterId", "subjectUserId", reason, context, "chatMessageId", "chatMessageText", "createdAt") VALUES
         ('r1', 'u1', 'u2', 'other', 'chat', 'm1', 'hi', now() - interval '2 minutes'),
         ('r2', 'u1', 'u2', 'other', 'chat', 'm1', 'hi', now() - interval '1 minute');`,
    );
    await execSql(url, all[at]!.sql);
    expect(await rows(url, `SELECT id, status::text, note FROM creator_verifications ORDER BY id`)).toEqual([
      { id: "v1", status: "pending", note: null },
      { id: "v2", status: "declined", note: "Sent twice at once; the earlier copy is the one under review." },
    ]);
    expect(await rows(url, `SELECT id, "chatMessageId", "chatMessageText" FROM reports ORDER BY id`)).toEqual([
      { id: "r1", chatMessageId: "m1", chatMessageText: "hi" },
      { id: "r2", chatMessageId: null, chatMessageText: "hi" },
    ]);
    // And from now on the database refuses a second of either.
    await expect(
      execSql(url, `INSERT INTO creator_verifications (id, "userId", "updatedAt") VALUES ('v3', 'u1', now())`),
    ).rejects.toThrow(/creator_verifications_one_pending_guard/);
    await expect(
      execSql(
        url,
        `INSERT INTO reports (id, "reporterId", "subjectUserId", reason, context, "chatMessageId") VALUES ('r3', 'u1', 'u2', 'other', 'chat', 'm1')`,
      ),
    ).rejects.toThrow(/reports_chat_message_once_guard/);
  });

  it("keeps the session trace append-only: UPDATE and DELETE are refused by the database", async () => {
    const url = await createScratchDatabase("trace_append_only");
    await applyMigrations(url);
    await execSql(
      url,
      `INSERT INTO trace_events ("traceId", type, source, "occurredAt") VALUES ('t-1', 'booking.held', 'app', now())`,
    );
    await expect(execSql(url, `UPDATE trace_events SET type = 'booking.confirmed'`)).rejects.toThrow(/append-only/);
    await expect(execSql(url, `DELETE FROM trace_events`)).rejects.toThrow(/append-only/);
    expect(await rows(url, `SELECT type FROM trace_events`)).toEqual([{ type: "booking.held" }]);
  });
});
