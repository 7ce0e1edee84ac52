import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { env } from "@/lib/env";
import { logger, withLogContext } from "@/lib/logger";
import { clientIp, requestIdOf } from "@/lib/request";
import type { Role } from "@/lib/generated/prisma/enums";
import { signInInput } from "./schemas";
import { SignInRefused, authenticate } from "./service";
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
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = signInInput.safeParse(credentials);
        if (!parsed.success) throw new InvalidCredentials();
        try {
          const user = await withLogContext(requestIdOf(request.headers), () =>
            authenticate(parsed.data!, clientIp(request.headers)),
          );
          return { id: user.id, email: user.email, name: user.name, role: user.role, tokenVersion: user.tokenVersion };
        } catch (err) {
          if (err instanceof SignInRefused) {
            if (err.reason === "rate_limited") throw new RateLimited();
            if (err.reason === "suspended") throw new Suspended();
            throw new InvalidCredentials();
          }
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
