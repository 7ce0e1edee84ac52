"use client";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * The app's clock as this browser can know it: an offset (server − browser, in ms) from the server's
 * time at the page's render and from each token's `serverTime`. Countdowns and "is the room still
 * open" use `Date.now() + offset`, so a browser whose clock is wrong still counts to the server's end.
 */
/**
 * The offset (server − browser, ms) from one round trip: the server stamped `serverTime` while the request
 * was out, so the midpoint of the browser's send and receive times is its best estimate (error at most half
 * the round trip). Never from how late something arrived. NaN when there is no server time.
 */
export function offsetFromRoundTrip(serverTime: string | undefined, sentAt: number, receivedAt: number) {
  const t = serverTime ? Date.parse(serverTime) : Number.NaN;
  return t - (sentAt + receivedAt) / 2;
}

export function useServerClock(serverNow: string) {
  const [offset, setOffset] = useState(0);
  const ref = useRef(0);
  const apply = useCallback((ms: number) => {
    if (!Number.isFinite(ms)) return;
    ref.current = ms;
    setOffset(ms);
  }, []);

  // The page's render time, read on arrival (the transfer makes it a little behind: safe for countdowns).
  useEffect(() => {
    apply(Date.parse(serverNow) - Date.now());
  }, [serverNow, apply]);

  /** A server time from an answer: `sentAt`/`receivedAt` are Date.now() around the request; its midpoint is the estimate. */
  const syncFrom = useCallback(
    (serverTime: string | undefined, sentAt: number, receivedAt: number) => {
      apply(offsetFromRoundTrip(serverTime, sentAt, receivedAt));
    },
    [apply],
  );

  /** Date.now() on the server's clock, for event handlers (no re-render). */
  const now = useCallback(() => Date.now() + ref.current, []);
  return { offset, now, syncFrom };
}

/** The server's time, ticking every `everyMs`. */
export function useServerNow(offset: number, everyMs = 1000) {
  const [now, setNow] = useState(() => Date.now() + offset);
  useEffect(() => {
    setNow(Date.now() + offset);
    const t = setInterval(() => setNow(Date.now() + offset), everyMs);
    return () => clearInterval(t);
  }, [everyMs, offset]);
  return now;
}
