import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { brandIdOfRequest } from "@/lib/branding/queries";
import { env } from "@/lib/env";
import { logger, withLogContext } from "@/lib/logger";
import { clientIp, requestIdOf } from "@/lib/request";
import type { Role } from "@/lib/generated/prisma/enums";
import { signInCodeInput, signInInput } from "./schemas";
import { SignInRefused, authenticate, authenticateWithCode } from "./service";
import { endAuthSession, resolveSession, startAuthSession } from "./sessions";
import { confirmEmail } from "./verification";

// The code travels in the URL to the sign-in page: it names the kind of refusal, never the account.
class InvalidCredentials extends CredentialsSignin {
  override code = "invalid";
}
class RateLimited extends CredentialsSignin {
  override code = "rate_limited";
}
class Suspended extends CredentialsSignin {
  override code = "suspended";
}
class LinkInvalid extends CredentialsSignin {
  override code = "link_invalid";
}
class ConfirmedSignIn extends CredentialsSignin {
  override code = "confirmed_sign_in";
}
class CodeRequired extends CredentialsSignin {
  override code = "code_required";
}
class CodeInvalid extends CredentialsSignin {
  override code = "code_invalid";
}

/** next-auth's refusal for each reason the service gives (lib/auth/service.ts). */
function refusal(err: SignInRefused) {
  switch (err.reason) {
    case "rate_limited":
      return new RateLimited();
    case "suspended":
      return new Suspended();
    case "code_required":
      return new CodeRequired();
    case "code_invalid":
      return new CodeInvalid();
    default:
      return new InvalidCredentials();
  }
}

declare module "next-auth" {
  interface User {
    role?: string;
    tokenVersion?: number;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: env.AUTH_SECRET,
  trustHost: true,
  // The cookie lives as long as the longest sign-in; the session row decides (admins end sooner).
  session: { strategy: "jwt", maxAge: env.AUTH_SESSION_MAX_AGE_HOURS * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  // next-auth's own messages go through our structured logger; a refused sign-in is expected, not an error.
  logger: {
    error: (error) => {
      if (error instanceof CredentialsSignin) logger.debug({ code: error.code }, "next-auth refused credentials");
      else logger.error({ err: error }, "next-auth error");
    },
    warn: (code) => logger.warn({ code }, "next-auth warning"),
    debug: (message) => logger.debug({ message }, "next-auth"),
  },
  providers: [
    Credentials({
      // `code` is the second factor (or a recovery code) for accounts that have one; `pending` replaces the
      // password in the sign-in form's second step (lib/auth/two-factor.ts issuePendingSignIn).
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
        code: { label: "Code", type: "text" },
        pending: { label: "Pending", type: "text" },
      },
      async authorize(credentials, request) {
        const ip = clientIp(request.headers);
        const brandId = await brandIdOfRequest(request.headers);
        const withCode = credentials?.pending ? signInCodeInput.safeParse(credentials) : null;
        const parsed = withCode ? null : signInInput.safeParse(credentials);
        if (withCode ? !withCode.success : !parsed?.success) throw new InvalidCredentials();
        try {
          const user = await withLogContext(requestIdOf(request.headers), () =>
            withCode ? authenticateWithCode(withCode.data!, ip, brandId) : authenticate(parsed!.data!, ip, brandId),
          );
          return { id: user.id, email: user.email, name: user.name, role: user.role, tokenVersion: user.tokenVersion };
        } catch (err) {
          if (err instanceof SignInRefused) throw refusal(err);
          throw err;
        }
      },
    }),
    // The link in the welcome (or "send again") email: confirms the address and signs in, once.
    Credentials({
      id: "email-link",
      credentials: { token: { label: "Token", type: "text" } },
      async authorize(credentials, request) {
        const user = await withLogContext(requestIdOf(request.headers), () => confirmEmail(credentials));
        if (!user) throw new LinkInvalid();
        if (user.status === "suspended") throw new Suspended();
        // The address is confirmed; a link is no second factor, so two-step accounts sign in with their code.
        if (user.twoFactor) throw new ConfirmedSignIn();
        return { id: user.id, email: user.email, name: user.name, role: user.role, tokenVersion: user.tokenVersion };
      },
    }),
  ],
  events: {
    // Signing out (the header's button, /auth/ended) ends this session on the server, not just the cookie.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await endAuthSession(sid);
    },
  },
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        // A new sign-in: its own session row, whose id the cookie carries from now on.
        const session = await startAuthSession(String(user.id), (user.role ?? "viewer") as Role);
        token.uid = user.id;
        token.role = user.role;
        token.tv = user.tokenVersion;
        token.sid = session.id;
        return token;
      }
      // Every later read of the cookie (auth() on each request, /api/auth/session) checks the row;
      // null ends the session there and then (next-auth clears the cookie where it can).
      return (await resolveSession(token)).kind === "user" ? token : null;
    },
    session({ session, token }) {
      // The role here is a hint for the UI; every check reads the user row (lib/auth/session.ts).
      return {
        ...session,
        user: { ...session.user, id: String(token.uid ?? ""), role: String(token.role ?? "") },
        sessionId: typeof token.sid === "string" ? token.sid : "",
        tokenVersion: typeof token.tv === "number" ? token.tv : -1,
      };
    },
  },
});
