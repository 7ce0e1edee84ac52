import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getReportQueue } from "@/lib/moderation/queries";
import { fileReport, handleReport } from "@/lib/moderation/reports";
import { readTrace } from "@/lib/trace/service";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { scheduledShow } from "../helpers/shows";

async function statusOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  return err instanceof AppError ? err.status : err ? "crash" : 200;
}

/** A live show whose room started 10 minutes ago, two ticket holders, and a chat message by the second. */
async function liveShowWithChat() {
  const { creator, event } = await scheduledShow({ startsInMinutes: -10 });
  await db.groupEvent.update({ where: { id: event.id }, data: { status: "live" } });
  const viewer = await createUser({ name: "Reporting Viewer" });
  const author = await createUser({ name: "Rude Chatter" });
  // Paid tickets as rows (the show has started: it no longer sells; paying is tested in show-sales).
  for (const u of [viewer, author])
    await db.ticket.create({ data: { eventId: event.id, viewerId: u.id, status: "paid" } });
  const startedAt = new Date(Date.now() - 600_000);
  const rs = await db.roomSession.create({
    data: { traceId: event.traceId, groupEventId: event.id, roomName: `show-${event.id}`, status: "active", startedAt },
  });
  const message = await db.chatMessage.create({
    data: {
      roomSessionId: rs.id,
      userId: author.id,
      body: "you are all idiots",
      createdAt: new Date(startedAt.getTime() + 125_000),
    },
  });
  return { creator, event, viewer, author, rs, message };
}

describe("reports from a show's room and chat", () => {
  it("a ticket holder reports a chat message: its id and text as it was, the show's trace, the offset of the message", async () => {
    const s = await liveShowWithChat();
    const { id } = await fileReport(s.viewer, {
      context: "chat",
      eventId: s.event.id,
      messageId: s.message.id,
      reason: "harassment",
      details: "insults everyone",
    });
    // Deleting the message later does not change what the report shows.
    await db.chatMessage.update({ where: { id: s.message.id }, data: { body: "edited", deletedAt: new Date() } });
    const report = await db.report.findUniqueOrThrow({ where: { id } });
    expect(report).toMatchObject({
      context: "chat",
      subjectUserId: s.author.id,
      reporterId: s.viewer.id,
      groupEventId: s.event.id,
      roomSessionId: s.rs.id,
      traceId: s.event.traceId,
      chatMessageId: s.message.id,
      chatMessageText: "you are all idiots",
      offsetSeconds: 125,
      bookingId: null,
    });
    const filed = (await readTrace(s.event.traceId)).find((e) => e.type === "report.filed");
    expect(filed?.payload).toMatchObject({
      reportId: id,
      context: "chat",
      messageId: s.message.id,
      offsetSeconds: 125,
    });
  });

  it("a chat message is reported once per person: again, or twice at once, gives the same report and one trace event", async () => {
    const s = await liveShowWithChat();
    const input = { context: "chat", eventId: s.event.id, messageId: s.message.id, reason: "other" };
    const [a, b] = await Promise.all([fileReport(s.viewer, input), fileReport(s.viewer, input)]);
    const again = await fileReport(s.viewer, { ...input, reason: "harassment" });
    expect(new Set([a.id, b.id, again.id]).size).toBe(1);
    expect(again.message).toMatch(/already reported this message/);
    expect(await db.report.count({ where: { chatMessageId: s.message.id } })).toBe(1);
    const filed = (await readTrace(s.event.traceId)).filter((e) => e.type === "report.filed");
    expect(filed).toHaveLength(1);
    // Another person reporting the same message is a report of its own.
    const second = await createUser();
    await db.ticket.create({ data: { eventId: s.event.id, viewerId: second.id, status: "paid" } });
    expect((await fileReport(second, input)).id).not.toBe(a.id);
    expect(await db.report.count({ where: { chatMessageId: s.message.id } })).toBe(2);
  });

  it("refuses strangers, one's own message, a message of another show, and the host reporting their own show", async () => {
    const s = await liveShowWithChat();
    const other = await liveShowWithChat();
    const stranger = await createUser();
    const chat = (messageId: string) => ({ context: "chat", eventId: s.event.id, messageId, reason: "other" });
    expect(await statusOf(fileReport(stranger, chat(s.message.id)))).toBe(404);
    expect(await statusOf(fileReport(s.author, chat(s.message.id)))).toBe(422);
    expect(await statusOf(fileReport(s.viewer, chat(other.message.id)))).toBe(404);
    expect(
      await statusOf(fileReport(s.creator.user, { context: "show_room", eventId: s.event.id, reason: "other" })),
    ).toBe(422);
    expect(await statusOf(fileReport(s.viewer, { context: "chat", eventId: s.event.id, reason: "other" }))).toBe(
      "crash", // a ZodError: the route answers 422 naming the field
    );
    expect(await db.report.count({ where: { groupEventId: s.event.id } })).toBe(0);
  });

  it("over HTTP from the show's room: the host is reported with the offset into the show; the queue shows chat reports with the message", async () => {
    const s = await liveShowWithChat();
    const client = new HttpClient();
    await client.signIn(s.viewer.email, TEST_PASSWORD, `198.51.100.${Math.floor(Math.random() * 250) + 1}`);
    const res = await client.json("/api/reports", "POST", {
      context: "show_room",
      eventId: s.event.id,
      reason: "inappropriate",
    });
    expect(res.status).toBe(201);
    const { id: roomReport } = (await res.json()) as { id: string };
    expect(await db.report.findUniqueOrThrow({ where: { id: roomReport } })).toMatchObject({
      context: "show_room",
      subjectUserId: s.creator.user.id,
      roomSessionId: s.rs.id,
      offsetSeconds: expect.any(Number),
    });
    expect((await db.report.findUniqueOrThrow({ where: { id: roomReport } })).offsetSeconds).toBeGreaterThanOrEqual(
      600,
    );
    const chatRes = await client.json("/api/reports", "POST", {
      context: "chat",
      eventId: s.event.id,
      messageId: s.message.id,
      reason: "harassment",
    });
    expect(chatRes.status).toBe(201);
    const { id: chatReport } = (await chatRes.json()) as { id: string };

    const admin = await createUser({ role: "admin" });
    const queue = await getReportQueue(admin);
    expect(queue.open.find((r) => r.id === chatReport)).toMatchObject({
      chatMessageText: "you are all idiots",
      groupEventId: s.event.id,
    });
    const adminClient = new HttpClient();
    await adminClient.signIn(admin.email, TEST_PASSWORD, `198.51.100.${Math.floor(Math.random() * 250) + 1}`);
    const page = await (await adminClient.fetch("/admin/reports")).text();
    expect(page).toContain("you are all idiots");
    expect(page).toContain("the show&#x27;s chat");
    expect(page).toContain(`/admin/shows/${s.event.id}`);

    // Removing the author from the show's live room is one of the actions, and it names this room.
    await handleReport(admin, { reportId: chatReport, action: "remove_from_room", note: "insults in the chat" });
    const action = await db.moderationAction.findFirstOrThrow({ where: { reportId: chatReport } });
    expect(action).toMatchObject({ type: "remove_from_room", targetUserId: s.author.id });
    expect(action.details).toMatchObject({ roomSessionId: s.rs.id });
  });
});
