"use client";
import { RoomContext } from "@livekit/components-react";
import type { Room } from "livekit-client";
import { type TipBounds, TipFeed, TipForm, type TipNotice } from "@/components/tips/tip-form";
import { CallView } from "./call-view";
import { ReportInRoom } from "./report-in-room";

/** A private session's call once joined: the call view and the tips, in the room's context. Loaded on Join. */
export default function SessionCall({
  room,
  bookingId,
  tipFeed,
  tips,
  ...view
}: {
  room: Room;
  bookingId: string;
  otherName: string;
  startsAt: string;
  endsAt: string;
  closesAt: string;
  warningAt: string;
  closingSoon: { endsAt: string; closesAt: string } | null;
  reconnecting: boolean;
  clockOffset: number;
  onFirstRemoteFrame: () => void;
  tipFeed: TipNotice[];
  tips?: TipBounds;
}) {
  return (
    <RoomContext.Provider value={room}>
      <CallView {...view} onLeave={() => void room.disconnect()} />
      <div className="mt-3 space-y-2">
        <TipFeed tips={tipFeed} />
        {tips ? <TipForm room={{ kind: "booking", id: bookingId }} bounds={tips} /> : null}
        <ReportInRoom target={{ context: "room", bookingId }} otherName={view.otherName} />
      </div>
    </RoomContext.Provider>
  );
}
