import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { checkArchitecture } from "../../scripts/check-architecture";

const root = path.resolve(import.meta.dirname, "../..");

/** A copy of the code the check reads (lib, app, components and the configs), in a temp folder. */
function copyTree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-arch-"));
  for (const f of ["lib", "app", "components"]) {
    fs.cpSync(path.join(root, f), path.join(dir, f), {
      recursive: true,
      filter: (src) => !/\/generated(\/|$)/.test(src),
    });
  }
  for (const f of [".dependency-cruiser.cjs", "tsconfig.json", "package.json"])
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  fs.symlinkSync(path.join(root, "lib/generated"), path.join(dir, "lib/generated"));
  return dir;
}
const append = (dir: string, file: string, line: string) => fs.appendFileSync(path.join(dir, file), `\n${line}\n`);

describe("the architecture check", () => {
  it("passes on this tree", () => {
    expect(checkArchitecture(root)).toEqual([]);
  }, 60_000);

  it("fails on a planted cycle, a payments → feature import, lib → app, and browser code importing server code", () => {
    const dir = copyTree();
    try {
      // payments → bookings closes a loop (bookings imports payments) and breaks the one-way rule.
      append(dir, "lib/payments/ledger.ts", 'import "@/lib/bookings/service";');
      append(dir, "lib/trace/events.ts", 'import "@/app/page";');
      append(dir, "components/ui/card.tsx", 'import "@/lib/bookings/queries";');
      append(dir, "lib/bookings/purchase.ts", 'export const later = async () => await import("@/lib/db");');
      const problems = checkArchitecture(dir).join("\n");
      expect(problems).toMatch(/no-cycles: .*lib\/payments\/ledger\.ts → lib\/bookings\/service\.ts/);
      expect(problems).toMatch(/payments-not-to-features: lib\/payments\/ledger\.ts → lib\/bookings\/service\.ts/);
      expect(problems).toMatch(/lib-not-to-app-or-components: lib\/trace\/events\.ts → app\/page\.tsx/);
      expect(problems).toMatch(/components-not-to-server-code: components\/ui\/card\.tsx → lib\/bookings\/queries\.ts/);
      expect(problems).toMatch(/no-dynamic-import-in-lib: lib\/bookings\/purchase\.ts/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// ---------------------------------------------------------------- status writes

const ENTITIES = new Set(["booking", "payment", "ticket", "tip", "groupEvent"]);
const TABLES = /UPDATE\s+(bookings|payments|tickets|tips|group_events)\s+SET\b(?:(?!\bWHERE\b)[\s\S])*?\bstatus\s*=/i;
/** The functions that write statuses, each after checking the transition (lib/<domain>/transition.ts, ledger.ts). */
const CHECKED_WRITERS = new Set([
  "transitionBooking",
  "expireLapsedHolds",
  "transitionPayment",
  "expirePendingPayments",
  "transitionTicket",
  "expireLapsedTicketHolds",
  "transitionShow",
  "transitionTip",
]);

/** Every status write in `source` (a Prisma update of one of the four entities with data.status, or raw SQL), by enclosing function. */
function statusWrites(file: string, source: string) {
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const found: { file: string; line: number; fn: string; what: string }[] = [];
  const enclosing = (n: ts.Node): string => {
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
      if ((ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p)) && p.name) return p.name.getText();
      if ((ts.isArrowFunction(p) || ts.isFunctionExpression(p)) && ts.isVariableDeclaration(p.parent))
        return p.parent.name.getText();
    }
    return "(top level)";
  };
  const hasStatus = (o: ts.Expression | undefined) =>
    !!o &&
    ts.isObjectLiteralExpression(o) &&
    o.properties.some((p) => {
      if (!(ts.isPropertyAssignment(p) && p.name.getText() === "data")) return false;
      const data = p.initializer;
      return ts.isObjectLiteralExpression(data) && data.properties.some((q) => q.name?.getText() === "status");
    });
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.getText();
      const target = n.expression.expression;
      const entity = ts.isPropertyAccessExpression(target) ? target.name.getText() : "";
      if (ENTITIES.has(entity) && ["update", "updateMany", "upsert"].includes(method) && hasStatus(n.arguments[0])) {
        found.push({
          file,
          line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1,
          fn: enclosing(n),
          what: `${entity}.${method}`,
        });
      }
    }
    if ((ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n)) && TABLES.test(n.getText())) {
      found.push({
        file,
        line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1,
        fn: enclosing(n),
        what: "SQL UPDATE … SET status",
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function libFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : libFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe("every status write goes through its transition check", () => {
  it("the scanner finds a direct write, Prisma or SQL, and names the function", () => {
    const writes = statusWrites(
      "x.ts",
      `async function sneaky(tx) { await tx.booking.update({ where: { id }, data: { status: "confirmed" } }); }
       const raw = async (tx) => tx.$executeRaw\`UPDATE payments SET "refundedCents" = 1, status = 'paid' WHERE id = \${id}\`;
       async function fine(tx) { await tx.booking.update({ where: { id }, data: { holdsSlot: false } }); }`,
    );
    expect(writes.map((w) => [w.fn, w.what])).toEqual([
      ["sneaky", "booking.update"],
      ["raw", "SQL UPDATE … SET status"],
    ]);
  });

  it("in lib/, only the transition functions write bookings, payments, tickets and tips statuses", () => {
    const writes = libFiles(path.join(root, "lib")).flatMap((f) =>
      statusWrites(path.relative(root, f), fs.readFileSync(f, "utf8")),
    );
    const unchecked = writes.filter((w) => !CHECKED_WRITERS.has(w.fn));
    expect(unchecked).toEqual([]);
    // And the scan does see the checked writers (it is not blind).
    expect(new Set(writes.map((w) => w.fn))).toEqual(CHECKED_WRITERS);
  });

  it("each checked writer asserts the transition before it writes", () => {
    for (const file of [
      "lib/bookings/transition.ts",
      "lib/shows/transition.ts",
      "lib/tips/purchase.ts",
      "lib/payments/ledger.ts",
    ]) {
      const source = fs.readFileSync(path.join(root, file), "utf8");
      for (const fn of CHECKED_WRITERS) {
        const at = source.indexOf(`function ${fn}(`);
        if (at < 0) continue;
        const body = source.slice(at, source.indexOf("\n}\n", at));
        expect(body, `${file} ${fn}`).toMatch(/assert\w*Transition\(/);
      }
    }
  });
});
