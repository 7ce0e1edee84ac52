"use client";
import { useEffect } from "react";

/** Calls `onFirst` once, at the first decoded frame the element presents. */
export function useFirstFrame(el: HTMLVideoElement | null, key: string | undefined, onFirst: () => void) {
  useEffect(() => {
    if (!el || !key) return;
    let done = false;
    const fire = () => {
      if (done) return;
      done = true;
      onFirst();
    };
    if (typeof el.requestVideoFrameCallback === "function") {
      const id = el.requestVideoFrameCallback(fire);
      return () => {
        done = true;
        el.cancelVideoFrameCallback(id);
      };
    }
    // No requestVideoFrameCallback: the first frame with a size is close enough.
    const video: HTMLVideoElement = el;
    const t = setInterval(() => {
      if (video.videoWidth > 0 && video.readyState >= 2) fire();
    }, 50);
    return () => {
      done = true;
      clearInterval(t);
    };
  }, [el, key, onFirst]);
}
