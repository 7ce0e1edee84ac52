import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RoomOpensAt } from "@/components/room/room-gate";
import { SessionRoom } from "@/components/room/session-room";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { getRoomPage } from "@/lib/sessions/room";
import { TIP_PRESETS } from "@/lib/tips/schemas";

export const metadata: Metadata = { title: "Session room" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

// The room of a private session (id = booking id), for its viewer and creator only; anyone else gets 404.
export default async function SessionRoomPage({ params }: Props) {
  const { id } = await params;
  const user = await requirePageUser(`/sessions/${id}`);
  const room = await getRoomPage(user, id);
  if (!room) notFound();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{room.title}</h1>
          <p className="text-slate-600">
            with {room.otherName} · <LocalTime iso={room.startsAt} /> to <LocalTime iso={room.endsAt} />
          </p>
        </div>
        <Link className="text-sm underline" href={`/bookings/${room.bookingId}`}>
          Booking details
        </Link>
      </div>

      {room.state === "open" ? (
        <SessionRoom
          bookingId={room.bookingId}
          otherName={room.otherName}
          startsAt={room.startsAt}
          endsAt={room.endsAt}
          closesAt={room.closesAt}
          warningAt={room.warningAt}
          serverNow={room.serverNow}
          selfId={user.id}
          recordingNotice={room.recordingNotice}
          recordingActive={room.recordingActive}
          recordingControl={room.recordingControl}
          tips={
            room.role === "viewer"
              ? {
                  minCents: env.TIP_MIN_CENTS,
                  maxCents: env.TIP_MAX_CENTS,
                  presets: TIP_PRESETS,
                  currency: room.currency,
                }
              : undefined
          }
        />
      ) : (
        <section
          className="rounded-2xl bg-slate-950 p-6 text-slate-100"
          data-testid="room-unavailable"
          data-state={room.state}
        >
          {room.state === "not_open_yet" ? (
            <RoomOpensAt opensAt={room.opensAt} serverNow={room.serverNow} />
          ) : room.state === "ended" ? (
            <p>This session has ended; its room is closed.</p>
          ) : room.status === "pending_payment" ? (
            <p>
              This session is not paid yet.{" "}
              {room.role === "viewer"
                ? "Finish the payment on the booking page first."
                : "The room opens once the viewer has paid."}
            </p>
          ) : room.status === "cancelled" ? (
            <p>This session was cancelled, so its room will not open.</p>
          ) : (
            <p>This session was never paid, so its room will not open.</p>
          )}
          <p className="mt-4">
            <Link className="underline" href={`/bookings/${room.bookingId}`}>
              Back to the booking
            </Link>
          </p>
        </section>
      )}
    </div>
  );
}
