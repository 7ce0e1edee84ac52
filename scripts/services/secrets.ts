import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Development secrets, generated once per checkout and kept in the git-ignored .data folder. */
export function devSecrets(dataDir: string) {
  const file = path.join(dataDir, "dev-secrets.json");
  type Secrets = { AUTH_SECRET: string; LIVEKIT_API_SECRET: string; STRIPE_WEBHOOK_SECRET: string };
  const fresh = (): Secrets => ({
    AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
    LIVEKIT_API_SECRET: crypto.randomBytes(32).toString("base64url"),
    STRIPE_WEBHOOK_SECRET: `whsec_${crypto.randomBytes(24).toString("base64url")}`,
  });
  // Secrets added in later versions are filled in without replacing the ones already issued.
  const kept = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Secrets>) : {};
  const secrets = { ...fresh(), ...kept };
  if (Object.keys(kept).length === Object.keys(secrets).length) return secrets;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Reads .env into process.env without overriding what the shell already set; empty values count as unset. */
export function loadDotEnv(root: string) {
  const file = path.join(root, ".env");
  if (!fs.existsSync(file)) return;
  process.loadEnvFile(file);
  for (const [k, v] of Object.entries(process.env)) if (v === "") delete process.env[k];
}
