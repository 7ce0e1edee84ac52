import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RoomOpensAt } from "@/components/room/room-gate";
import { ShowRoom } from "@/components/shows/show-room";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { getShowRoomPage } from "@/lib/shows/live";
import { TIP_PRESETS } from "@/lib/tips/schemas";

export const metadata: Metadata = { title: "Show room" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

// A show's room: its creator and ticket holders only (anyone else is sent to the show's page to buy one).
export default async function ShowRoomPage({ params }: Props) {
  const { id } = await params;
  const user = await requirePageUser(`/shows/${id}/room`);
  const room = await getShowRoomPage(user, id);
  if (!room) notFound();

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">{room.title}</h1>
          <p className="text-slate-600">
            {room.role === "creator" ? "Your show" : `with ${room.creatorName}`} · <LocalTime iso={room.startsAt} /> to{" "}
            <LocalTime iso={room.endsAt} />
          </p>
        </div>
        <Link className="text-sm underline" href={`/shows/${room.eventId}`}>
          Show details
        </Link>
      </div>
      {room.state === "open" && room.role ? (
        <ShowRoom
          eventId={room.eventId}
          title={room.title}
          creatorName={room.creatorName}
          creatorUserId={room.creatorUserId}
          role={room.role}
          self={{ id: user.id, name: user.name }}
          startsAt={room.startsAt}
          endsAt={room.endsAt}
          closesAt={room.closesAt}
          warningAt={room.warningAt}
          serverNow={room.serverNow}
          tips={{
            minCents: env.TIP_MIN_CENTS,
            maxCents: env.TIP_MAX_CENTS,
            presets: TIP_PRESETS,
            currency: room.currency,
          }}
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
            <p>This show has ended; its room is closed.</p>
          ) : room.state === "cancelled" ? (
            <p>This show was cancelled, so its room will not open. Every ticket was refunded.</p>
          ) : (
            <p>You need a ticket to join this show.</p>
          )}
          <p className="mt-4">
            <Link className="underline" href={`/shows/${room.eventId}`}>
              {room.state === "no_ticket" ? "Get a ticket" : "Back to the show"}
            </Link>
          </p>
        </section>
      )}
    </div>
  );
}
