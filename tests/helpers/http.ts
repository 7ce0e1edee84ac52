import { freshTestCode, hasSecondFactor } from "./totp";

/** HTTP against the running app (`next start` from npm test), with a cookie jar per client. */
export const baseUrl = () => process.env.BOOTH_BASE_URL!;

export class HttpClient {
  private cookies = new Map<string, string>();

  /** `base`: the app process this client talks to, the suite's by default. */
  constructor(private readonly base = baseUrl()) {}

  /**
   * The same browser (one cookie jar) talking to another app process at `base`, as a load balancer may send
   * any request of a visit to any replica (tests/integration/two-apps.test.ts).
   */
  at(base: string) {
    const other = new HttpClient(base);
    other.cookies = this.cookies;
    return other;
  }

  private store(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  hasSession() {
    return this.cookies.has("authjs.session-token");
  }

  async fetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const res = await fetch(this.base + path, {
      redirect: "manual",
      ...init,
      headers: { ...(init.headers ?? {}), cookie: this.cookieHeader() },
    });
    this.store(res);
    return res;
  }

  json(path: string, method: string, body: unknown) {
    return this.fetch(path, { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  }

  /**
   * Signs in through next-auth's own credentials endpoint, as a browser form post would. `code` is sent
   * for accounts with two-step sign-in: by default the current code of the test accounts' secret
   * (admins', the demo admin's), one this account has not used yet; lib/auth ignores it for accounts without a
   * second factor. Pass "" to send none.
   */
  async signIn(email: string, password: string, ip = "203.0.113.10", givenCode?: string) {
    const code = givenCode ?? ((await hasSecondFactor(email)) ? await freshTestCode(email) : "");
    const { csrfToken } = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const fields: Record<string, string> = { csrfToken, email, password, callbackUrl: "/dashboard" };
    if (code) fields.code = code;
    return this.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/**
 * Calls a server action the way the browser does: POST with the action's id from the build's
 * manifest, the (previous state, form data) arguments encoded as React's reply format.
 * `page` is a page that uses the action (Next forwards other pages' actions to it).
 * `headers` are sent too (an X-Forwarded-For, an Origin). Returns the RSC text the action answered with.
 */
export async function callServerAction(
  client: HttpClient,
  file: string,
  exportedName: string,
  fields: Record<string, string>,
  page: string,
  headers: Record<string, string> = {},
) {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const manifest = JSON.parse(
    fs.readFileSync(
      path.join(process.cwd(), process.env.NEXT_DIST_DIR ?? ".next", "server/server-reference-manifest.json"),
      "utf8",
    ),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  const id = Object.entries(manifest.node).find(([, v]) => v.filename === file && v.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`no server action ${exportedName} in ${file}`);
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(`_1_${k}`, v);
  body.append("0", JSON.stringify([{ ok: false }, "$K1"]));
  const res = await client.fetch(page, {
    method: "POST",
    body,
    headers: { ...headers, "next-action": id, accept: "text/x-component" },
  });
  return { status: res.status, text: await res.text() };
}
