import { totpCode } from "@/lib/auth/totp";
import { DEMO_ADMIN_TOTP_SECRET } from "../../prisma/seed";

/**
 * The second factor of every test account that has one (admins by default, see createUser) and of the
 * demo admin, so sign-in helpers can compute its code.
 */
export const TEST_TOTP_SECRET = DEMO_ADMIN_TOTP_SECRET;
export const currentTestCode = () => totpCode(TEST_TOTP_SECRET);
