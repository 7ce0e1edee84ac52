// npm run demo:code – the demo admin's current two-step sign-in code (the key is public demo data).
import { totpCode } from "@/lib/auth/totp";
import { DEMO_ADMIN_TOTP_SECRET } from "../prisma/seed";

const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(
  `${totpCode(DEMO_ADMIN_TOTP_SECRET)}   (admin@booth.test; good once, for ${left} more seconds; once used, run this again for the next one)`,
);
