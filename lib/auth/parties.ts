/**
 * The one "participant of" rule (pure): which side of a purchase (a booking, a ticket) a user is on.
 * The viewer is the buyer; the creator is the creator profile's user. Everyone else is nobody's party,
 * and only an admin of the purchase's brand (or a platform admin) may act on a purchase that is not theirs.
 */
import { isAdminOfBrand } from "./permissions";
import type { Role } from "@/lib/generated/prisma/enums";

export type Party = "viewer" | "creator";
export type Parties = { viewerId: string; creatorUserId: string };

/** The side `userId` is on, or null. (A user who is somehow both is the creator: their own offering.) */
export function partyOf(userId: string, p: Parties): Party | null {
  if (userId === p.creatorUserId) return "creator";
  if (userId === p.viewerId) return "viewer";
  return null;
}

/**
 * The side the actor is on, or "admin" for an admin who is neither (of the purchase's brand, `p.brandId`:
 * its viewer's; or of the platform brand, who see every brand), or null for anyone else.
 */
export function actingPartyOf(
  actor: { id: string; role: Role; brandId: string },
  p: Parties & { brandId: string },
): Party | "admin" | null {
  const party = partyOf(actor.id, p);
  if (party) return party;
  return isAdminOfBrand(actor, p.brandId) ? "admin" : null;
}
