import type { NextConfig } from "next";
// Parsing the environment here makes a bad or missing variable stop the server at start.
import "./lib/env";

const config: NextConfig = {
  // Tests build into their own folder so they never fight a running `next dev`.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  experimental: {
    // forbidden() renders app/forbidden.tsx with status 403.
    authInterrupts: true,
  },
  // Loaded from node_modules as they are: @touch4it/ical-timezones reads its zone files next to itself.
  serverExternalPackages: ["@node-rs/argon2", "pino", "livekit-server-sdk", "@touch4it/ical-timezones", "nodemailer"],
};

export default config;
