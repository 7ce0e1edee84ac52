import "server-only";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { listUsersInput } from "./schemas";

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const stripControls = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, "");

/** The admin's user list: their brand's accounts (every brand's for a platform admin). Never selects password hashes. */
export async function listUsers(actor: Actor, raw: unknown = {}) {
  assertRole(actor, ["admin"]);
  // A search box: an over-long or odd query is shortened, not an error page.
  const parsed = listUsersInput.safeParse(raw);
  const f = parsed.success
    ? parsed.data
    : listUsersInput.parse({ q: stripControls(String((raw as { q?: unknown })?.q ?? "")).slice(0, 200) });
  const where: Prisma.UserWhereInput = {
    ...inActorsBrand(actor),
    ...(f.role ? { role: f.role } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.q
      ? { OR: [{ email: { contains: f.q, mode: "insensitive" } }, { name: { contains: f.q, mode: "insensitive" } }] }
      : {}),
  };
  return db.user.findMany({
    where,
    orderBy: { createdAt: "desc" },
    take: 200,
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      status: true,
      suspendedReason: true,
      createdAt: true,
      creatorProfile: { select: { slug: true, published: true } },
    },
  });
}
