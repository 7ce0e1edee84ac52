// Integration and end-to-end suites talk to the real stack that `npm test` starts.
if (!process.env.BOOTH_TEST || !process.env.BOOTH_BASE_URL || !process.env.DATABASE_URL) {
  throw new Error("Run these suites with `npm test` (it starts PostgreSQL, livekit-server, stripe-mock and the app).");
}
