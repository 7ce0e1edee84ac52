import { freshTestCode, hasSecondFactor } from "./totp";

/** HTTP against the running app (`next start` from npm test), with a cookie jar per client. */
export const baseUrl = () => process.env.BOOTH_BASE_URL!;

export class HttpClient {
  private cookies = new Map<string, string>();

  /**
   * `base`: the app process this client talks to, the suite's by default. `host`: the host name the
   * browser would have addressed (a brand's, like nightowl.localhost), sent as the Host header while the
   * connection still goes to `base` (Node does not resolve *.localhost names as browsers do).
   */
  constructor(
    private readonly base = baseUrl(),
    private readonly host?: string,
  ) {}

  /** The same app addressed by another host name: a visitor of the brand served there (own cookie jar). */
  static onHost(host: string, base = baseUrl()) {
    return new HttpClient(base, host);
  }

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
    const request = {
      redirect: "manual" as const,
      ...init,
      headers: { ...(init.headers ?? {}), cookie: this.cookieHeader() },
    };
    const res = this.host
      ? await requestWithHost(this.base + path, request, this.host)
      : await fetch(this.base + path, request);
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

/**
 * A request to `url` with the Host header set to `host` (and the URL's port), which fetch() does not allow:
 * through node:http, the body and headers normalised by a Request first (forms, JSON), no redirects followed.
 */
async function requestWithHost(url: string, init: RequestInit, host: string): Promise<Response> {
  const http = await import("node:http");
  const req = new Request(url, init);
  const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await req.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(req.headers);
  const port = new URL(url).port;
  headers.host = port ? `${host}:${port}` : host;
  if (body) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const out = http.request(url, { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const one of v) h.append(k, one);
          else if (v !== undefined) h.set(k, String(v));
        }
        const status = res.statusCode ?? 500;
        const empty = [101, 204, 205, 304].includes(status);
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: h }));
      });
    });
    out.on("error", reject);
    out.end(body);
  });
}
