"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ServerMessage } from "@/lib/sessions/schemas";
import { callApi } from "@/components/room/api";
import { ReportInRoom } from "@/components/room/report-in-room";

type ChatLine = { id: string; userId: string; name: string; body: string; at: string };
const MAX_LINES = 200;
const MAX_LENGTH = 500;

/** The show's chat as this page knows it: the history on joining, then the server's messages. */
export function useChat(eventId: string, selfId: string) {
  const [lines, setLines] = useState<ChatLine[]>([]);
  const [muted, setMuted] = useState(false);
  const load = useCallback(async () => {
    const res = await callApi<{ messages: ChatLine[] }>(`/api/shows/${eventId}/chat`);
    if (res.ok)
      setLines((now) => {
        const known = new Set(res.data.messages.map((m) => m.id));
        return [...res.data.messages, ...now.filter((m) => !known.has(m.id))].slice(-MAX_LINES);
      });
  }, [eventId]);
  const onMessage = useCallback(
    (msg: ServerMessage) => {
      if (msg.type === "chat")
        setLines((now) => (now.some((m) => m.id === msg.id) ? now : [...now, msg].slice(-MAX_LINES)));
      else if (msg.type === "chat_deleted") setLines((now) => now.filter((m) => m.id !== msg.id));
      else if (msg.type === "chat_muted" && msg.userId === selfId) setMuted(true);
    },
    [selfId],
  );
  return { lines, muted, setMuted, load, onMessage };
}

/**
 * The chat panel: messages, the box to write, for the host a Delete and a Mute beside each message, and for
 * the show's people (`canReport`) a Report on each message of someone else.
 */
export function ChatPanel({
  eventId,
  chat,
  canModerate,
  selfId,
  canReport = false,
}: {
  eventId: string;
  chat: ReturnType<typeof useChat>;
  canModerate: boolean;
  selfId: string;
  canReport?: boolean;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const count = chat.lines.length;
  // Keep the newest message in view as they arrive.
  useEffect(() => {
    if (count) list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [count]);

  const send = async () => {
    if (!text.trim()) return;
    setSending(true);
    setError(null);
    const res = await callApi(`/api/shows/${eventId}/chat`, { body: { body: text } });
    setSending(false);
    if (res.ok) setText("");
    else {
      setError(res.error);
      if (res.reason === "muted") chat.setMuted(true);
    }
  };
  const act = async (url: string, init: Parameters<typeof callApi>[1]) => {
    const res = await callApi(url, init);
    setError(res.ok ? null : res.error);
  };

  return (
    <section className="flex flex-col rounded-xl border border-slate-800 bg-slate-900" aria-label="Chat">
      <h2 className="border-b border-slate-800 px-3 py-2 text-sm font-semibold">Chat</h2>
      <ol ref={list} className="max-h-80 min-h-32 space-y-1 overflow-y-auto px-3 py-2 text-sm" data-testid="chat-list">
        {chat.lines.length === 0 ? <li className="text-slate-400">No messages yet. Say hello!</li> : null}
        {chat.lines.map((m) => (
          <li key={m.id} className="group break-words" data-testid="chat-message" data-id={m.id}>
            <span className="font-semibold text-slate-200">{m.userId === selfId ? "You" : m.name}</span>{" "}
            <span className="text-slate-100">{m.body}</span>
            {canModerate && m.userId !== selfId ? (
              <span className="ml-2 inline-flex gap-2 text-xs">
                <button
                  type="button"
                  className="text-red-300 underline"
                  data-testid="chat-delete"
                  onClick={() => void act(`/api/shows/${eventId}/chat/${m.id}`, { method: "DELETE" })}
                >
                  Delete
                </button>
                <button
                  type="button"
                  className="text-amber-300 underline"
                  data-testid="chat-mute"
                  onClick={() => void act(`/api/shows/${eventId}/moderation/mute-chat`, { body: { userId: m.userId } })}
                >
                  Mute {m.name}
                </button>
              </span>
            ) : null}
            {canReport && m.userId !== selfId ? (
              <span className="ml-2 inline-block" data-testid="chat-report">
                <ReportInRoom target={{ context: "chat", eventId, messageId: m.id }} otherName={m.name} compact />
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      <form
        className="space-y-1 border-t border-slate-800 p-2"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        {chat.muted ? (
          <p className="text-sm text-amber-200" data-testid="chat-muted">
            The host muted you in this chat.
          </p>
        ) : (
          <div className="flex gap-2">
            <label className="sr-only" htmlFor="chat-input">
              Message
            </label>
            <input
              id="chat-input"
              data-testid="chat-input"
              value={text}
              maxLength={MAX_LENGTH}
              onChange={(e) => setText(e.target.value)}
              placeholder="Write a message"
              className="min-w-0 flex-1 rounded-md border border-slate-700 bg-slate-950 px-2 py-1.5 text-sm"
            />
            <button
              type="submit"
              disabled={sending || !text.trim()}
              data-testid="chat-send"
              className="rounded-md bg-brand px-3 py-1.5 text-sm font-semibold text-on-brand disabled:opacity-50"
            >
              Send
            </button>
          </div>
        )}
        {text.length > MAX_LENGTH - 50 ? (
          <p className="text-xs text-slate-400">
            {text.length}/{MAX_LENGTH}
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-xs text-red-200">
            {error}
          </p>
        ) : null}
      </form>
    </section>
  );
}
