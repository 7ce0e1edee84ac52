import type { NextConfig } from "next";
// Parsing the environment here makes a bad or missing variable stop the server at start.
import "./lib/env";

const config: NextConfig = {
  // Tests build into their own folder so they never fight a running `next dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // `npm run dev` serves the demo's second brand on nightowl.localhost: let its pages load the dev
  // server's scripts and hot reload (development only; production serves whichever hosts brands list).
  allowedDevOrigins: ["*.localhost"],
  experimental: {
    // forbidden() renders app/forbidden.tsx with status 403.
    authInterrupts: true,
    // Next.js buffers a request body for proxy.ts before the route reads it (default 10 MB, the rest
    // dropped). Twice the largest route cap (lib/http.ts, Stripe's 1 MB): what is held stays small, and a
    // body cut short here is still over the route's own cap, so it gets 413 rather than a truncated read.
    proxyClientMaxBodySize: 2 * 1024 * 1024,
  },
  // Loaded from node_modules as they are: @touch4it/ical-timezones reads its zone files next to itself.
  serverExternalPackages: ["@node-rs/argon2", "pino", "livekit-server-sdk", "@touch4it/ical-timezones", "nodemailer"],
};

export default config;
