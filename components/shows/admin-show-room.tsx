"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { ChatPanel, useChat } from "./chat-panel";
import { ModerationList, type RoomPerson } from "./participants-panel";

/**
 * An admin's moderation of a live show from its support page: who is in the room (from the app's record of
 * LiveKit's webhooks, looked at again every 10 s) with mute, remove and ban, and the chat with delete and mute.
 */
export function AdminShowRoom({
  eventId,
  adminId,
  people,
}: {
  eventId: string;
  adminId: string;
  people: RoomPerson[];
}) {
  const router = useRouter();
  const chat = useChat(eventId, adminId);
  const { load } = chat;
  useEffect(() => {
    void load();
    const t = setInterval(() => {
      void load();
      router.refresh();
    }, 10_000);
    return () => clearInterval(t);
  }, [load, router]);
  return (
    <div className="room-surface grid gap-4 rounded-2xl bg-slate-950 p-4 text-slate-100 md:grid-cols-2">
      <ModerationList eventId={eventId} people={people} />
      <ChatPanel eventId={eventId} chat={chat} canModerate selfId={adminId} />
    </div>
  );
}
