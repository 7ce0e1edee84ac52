/**
 * Booth's architecture, checked in CI (`npm run check`, the first step of `npm test`).
 *
 *   app/ (routes)  →  lib/runtime (wiring)  →  features  →  lib/payments  →  shared leaves
 *   features:      lib/bookings, lib/shows, lib/tips, lib/sessions, lib/support, lib/creators, lib/users, lib/moderation,
 *                  lib/recordings
 *   shared leaves: lib/trace, lib/audit, lib/ops, lib/mail, lib/auth, lib/branding and the files at lib/'s top level
 *   components/:   browser code; it may reach lib/ only through pure modules, schemas and server actions
 *                  (checked by scripts/check-architecture.ts on this tool's output: a lib module that
 *                  imports server-only is server code, and only its actions.ts may be imported from here)
 *
 * Type-only imports count too, except for the cycle rule (a type import has no run-time order).
 */
const FEATURES = "^lib/(bookings|shows|tips|sessions|support|creators|users|moderation|recordings)/";
const SHARED = "^lib/(trace|audit|ops|mail|auth|branding)/|^lib/[^/]+\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "An import cycle (a chain of run-time imports that leads back to where it started).",
      from: { path: "^(lib|app|components)/" },
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "lib-not-to-app-or-components",
      severity: "error",
      comment: "lib/ is the domain; routes (app/) and browser code (components/) use it, never the other way.",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "payments-not-to-features",
      severity: "error",
      comment: "The money path serves every purchase kind and knows none of them: kinds plug in through lib/runtime.",
      from: { path: "^lib/payments/" },
      to: { path: `${FEATURES}|^lib/runtime/` },
    },
    {
      name: "shared-not-to-features-or-payments",
      severity: "error",
      comment: "Shared leaves (trace, outbox, mail, auth, branding, env, db…) import no domain.",
      from: { path: SHARED },
      to: { path: `${FEATURES}|^lib/(payments|runtime)/` },
    },
    {
      name: "features-not-to-runtime",
      severity: "error",
      comment: "lib/runtime wires the features together; a feature importing it would close a loop.",
      from: { path: FEATURES },
      to: { path: "^lib/runtime/" },
    },
    {
      name: "pure-rules-stay-pure",
      severity: "error",
      comment: "Rules folders hold pure code (no database, environment, SDK or server-only module).",
      from: { path: "^lib/[^/]+/rules/" },
      to: { path: "^lib/(db|env)\\.ts$|server-only|livekit-server-sdk|^lib/generated/prisma/client" },
    },
    {
      name: "components-not-to-server-only",
      severity: "error",
      comment: "Browser code never imports a module that imports server-only (except server actions).",
      from: { path: "^components/" },
      to: { path: "server-only", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^lib/generated/|\\.next" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
