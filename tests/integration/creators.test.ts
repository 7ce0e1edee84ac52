import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ZodError } from "zod";
import { getPublicProfile, listPublishedCreators } from "@/lib/creators/queries";
import { addBlackout, removeBlackout, replaceAvailability, saveOffering, updateProfile } from "@/lib/creators/service";
import { createCreator, createUser } from "../helpers/factories";

/** The field errors a failed call would show next to the form's fields. */
async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string[]>> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  if (err instanceof ZodError) return err.flatten().fieldErrors as Record<string, string[]>;
  if (err instanceof AppError && err.fieldErrors) return err.fieldErrors;
  throw new Error(`expected field errors, got ${err}`);
}

const profile = (over: Record<string, unknown> = {}) => ({
  slug: "x-creator",
  displayName: "X",
  bio: "",
  timeZone: "Europe/Paris",
  published: "on",
  ...over,
});
const offering = (over: Record<string, unknown> = {}) => ({
  kind: "private_session",
  title: "Chat",
  durationMinutes: "30",
  price: "25.00",
  currency: "EUR",
  active: "on",
  ...over,
});

describe("creator profile", () => {
  it("says what to fix for a malformed slug, an unknown time zone and a taken address", async () => {
    const { user } = await createCreator();
    const other = await createCreator();
    expect((await fieldErrors(updateProfile(user, profile({ slug: "Not A Slug!" })))).slug?.[0]).toMatch(
      /lowercase letters, numbers and single hyphens/,
    );
    expect(
      (await fieldErrors(updateProfile(user, profile({ slug: `ok-${user.id.slice(-6)}`, timeZone: "Mars/Olympus" }))))
        .timeZone?.[0],
    ).toMatch(/not a time zone we know/);
    expect(await fieldErrors(updateProfile(user, profile({ slug: other.profile.slug })))).toEqual({
      slug: [expect.stringMatching(/taken/)],
    });
  });

  it("publishing shows the profile publicly; unpublishing or suspending hides it", async () => {
    const { user } = await createCreator({ published: false });
    const slug = `pub-${user.id.slice(-8)}`;
    await updateProfile(user, profile({ slug, published: undefined }));
    expect(await getPublicProfile(slug, "default")).toBeNull();
    await updateProfile(user, profile({ slug, published: "on" }));
    expect(await getPublicProfile(slug, "default")).toMatchObject({ slug, timeZone: "Europe/Paris" });
    expect((await listPublishedCreators("default")).map((c) => c.slug)).toContain(slug);
    await db.user.update({ where: { id: user.id }, data: { status: "suspended" } });
    expect(await getPublicProfile(slug, "default")).toBeNull();
  });
});

describe("offerings", () => {
  it("stores the price in cents; a negative or unreadable price says what to enter", async () => {
    const { user, profile: p } = await createCreator();
    const { id } = await saveOffering(user, offering({ price: "25.5" }));
    expect(await db.offering.findUniqueOrThrow({ where: { id } })).toMatchObject({
      creatorId: p.id,
      priceCents: 2550,
      currency: "EUR",
      capacity: null,
    });
    expect((await fieldErrors(saveOffering(user, offering({ price: "-5" })))).price?.[0]).toMatch(/can't be negative/);
    expect((await fieldErrors(saveOffering(user, offering({ price: "ten" })))).price?.[0]).toMatch(/like 25.00/);
  });

  it("a group room needs a capacity", async () => {
    const { user } = await createCreator();
    expect((await fieldErrors(saveOffering(user, offering({ kind: "group_room" })))).capacity?.[0]).toMatch(
      /how many viewers/,
    );
    const { id } = await saveOffering(user, offering({ kind: "group_room", capacity: "40" }));
    expect((await db.offering.findUniqueOrThrow({ where: { id } })).capacity).toBe(40);
  });

  it("a creator without a profile is told to save it first", async () => {
    const user = await createUser({ role: "creator" });
    await expect(saveOffering(user, offering())).rejects.toThrow(/Save your profile first/);
  });
});

describe("weekly availability and days off", () => {
  it("replaces the schedule, refusing overlapping or inverted ranges per day", async () => {
    const { user, profile: p } = await createCreator();
    await replaceAvailability(user, [
      { weekday: 1, startMinute: 540, endMinute: 720 },
      { weekday: 1, startMinute: 780, endMinute: 1020 },
    ]);
    await replaceAvailability(user, [{ weekday: 3, startMinute: 600, endMinute: 660 }]);
    expect(
      await db.availabilityRule.findMany({
        where: { creatorId: p.id },
        select: { weekday: true, startMinute: true, endMinute: true },
      }),
    ).toEqual([{ weekday: 3, startMinute: 600, endMinute: 660 }]);
    const overlap = await fieldErrors(
      replaceAvailability(user, [
        { weekday: 2, startMinute: 540, endMinute: 720 },
        { weekday: 2, startMinute: 700, endMinute: 800 },
      ]),
    );
    expect(overlap).toEqual({ Tuesday: ["Tuesday: the two time ranges overlap."] });
    const inverted = await fieldErrors(replaceAvailability(user, [{ weekday: 5, startMinute: 800, endMinute: 700 }]));
    expect(inverted).toEqual({ Friday: ["Friday: the end time must be after the start time."] });
  });

  it("blocks a date once and unblocks only the creator's own", async () => {
    const { user } = await createCreator();
    const other = await createCreator();
    const { id } = await addBlackout(user, { date: "2027-01-01", reason: "Holiday" });
    expect((await fieldErrors(addBlackout(user, { date: "2027-01-01" }))).date?.[0]).toMatch(/already blocked/);
    expect((await fieldErrors(addBlackout(user, { date: "01/02/2027" }))).date?.[0]).toMatch(/Pick a date/);
    await expect(removeBlackout(other.user, id)).rejects.toThrow(/isn't yours/);
    await removeBlackout(user, id);
  });
});
