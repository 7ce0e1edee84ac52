import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { baseUrl } from "./http";
import { freshTestCode } from "./totp";

/** Every page opened by a browser from launchBrowser(), with what its console said since it opened. */
type Tracked = { page: Page; n: number; log: string[] };
let tracked: Tracked[] = [];
let pageCount = 0;

function track(page: Page) {
  const t: Tracked = { page, n: ++pageCount, log: [] };
  const opened = Date.now();
  const add = (line: string) => t.log.push(`${((Date.now() - opened) / 1000).toFixed(1).padStart(6)} s  ${line}`);
  page.on("console", (m) => add(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => add(`[pageerror] ${e.stack ?? e.message}`));
  page.on("crash", () => add("[crash] the page crashed"));
  page.on("requestfailed", (r) => {
    // Aborted requests are the browser's own doing (a prefetch or navigation superseded), not failures.
    const reason = r.failure()?.errorText ?? "";
    if (reason !== "net::ERR_ABORTED") add(`[requestfailed] ${r.method()} ${r.url()}: ${reason}`);
  });
  page.on("response", (r) => void (r.status() >= 400 && add(`[${r.status()}] ${r.request().method()} ${r.url()}`)));
  page.on("framenavigated", (f) => void (f === page.mainFrame() && add(`[navigated] ${f.url()}`)));
  page.on("close", () => add("[closed]"));
  tracked.push(t);
}

/** Called before each test: pages closed by earlier tests are not this test's business. */
export function forgetClosedPages() {
  tracked = tracked.filter((t) => !t.page.isClosed());
}

const safe = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 90);

/** test-results/<file>--<test name>/, relative to the project (test-results/ is git-ignored). */
export function failureDir(file: string, testName: string) {
  return path.join("test-results", `${safe(path.basename(file).replace(/\.test\.ts$/, ""))}--${safe(testName)}`);
}

/**
 * Saves a full-page screenshot of every open page and the console of every page the test opened
 * (page-N.png, page-N.console.txt) and the failure itself (failure.txt) into `dir`; returns `dir`.
 * Bounded in time: a hung page gets 5 s for its screenshot.
 */
export async function saveFailureArtifacts(
  dir: string,
  failure: { test: string; step?: string | null; error?: unknown; steps?: string[] },
) {
  const abs = path.resolve(dir);
  fs.rmSync(abs, { recursive: true, force: true });
  fs.mkdirSync(abs, { recursive: true });
  const pages = [...tracked];
  await Promise.all(
    pages.map(async (t) => {
      const url = t.page.isClosed() ? "(closed)" : t.page.url();
      if (!t.page.isClosed())
        await t.page
          .screenshot({ path: path.join(abs, `page-${t.n}.png`), fullPage: true, timeout: 5000 })
          .catch((e: Error) => t.log.push(`[screenshot failed] ${e.message.split("\n")[0]}`));
      fs.writeFileSync(path.join(abs, `page-${t.n}.console.txt`), `page ${t.n}: ${url}\n\n${t.log.join("\n")}\n`);
    }),
  );
  const error = failure.error instanceof Error ? (failure.error.stack ?? failure.error.message) : failure.error;
  fs.writeFileSync(
    path.join(abs, "failure.txt"),
    [
      `test: ${failure.test}`,
      `step: ${failure.step ?? "(outside any step)"}`,
      `pages: ${pages.map((t) => `page-${t.n} ${t.page.isClosed() ? "(closed)" : t.page.url()}`).join(", ") || "none"}`,
      "",
      "steps that finished:",
      ...(failure.steps ?? []).map((s) => `  ${s}`),
      "",
      String(error ?? ""),
      "",
    ].join("\n"),
  );
  return dir;
}

/**
 * Debian's Chromium, headless, with a fake camera and microphone, and no network but loopback. Every
 * page it opens has its console collected from the start (saved with a screenshot when a test fails).
 */
export async function launchBrowser(
  opts: {
    /** Another way to start Chromium (the network matrix starts it inside a network namespace). */
    executablePath?: string;
    /** Replaces the resolver rule (by default every name but 127.0.0.1 fails to resolve). */
    hostResolverRules?: string;
    extraArgs?: string[];
  } = {},
): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: opts.executablePath ?? process.env.CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--host-resolver-rules=${opts.hostResolverRules ?? "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"}`,
      ...(opts.extraArgs ?? []),
    ],
  });
  browser.on("context", (ctx) => ctx.on("page", track));
  return browser;
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 } });
  ctx.setDefaultTimeout(20000);
  return ctx;
}

/**
 * Signs in through the real form and waits for the role's home page. An account with two-step sign-in
 * (admins, the demo admin) is asked for its code next: `code` gives it, by default the current code of
 * the test accounts' key that this account has not used yet (tests/helpers/totp.ts).
 */
export async function signInThroughForm(
  page: Page,
  email: string,
  password: string,
  expectPath: RegExp,
  code: () => string | Promise<string> = () => freshTestCode(email),
) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const codeField = page.getByLabel("Code", { exact: true });
  const next = await Promise.race([
    page.waitForURL(expectPath).then(
      () => "home" as const,
      () => "none" as const,
    ),
    codeField.waitFor({ state: "visible" }).then(
      () => "code" as const,
      () => "none" as const,
    ),
  ]);
  if (next === "code") {
    await codeField.fill(await code());
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(expectPath);
  } else if (next === "none") {
    throw new Error(`signing in as ${email} reached neither ${expectPath} nor the code step (at ${page.url()})`);
  }
}

/**
 * Kept for tests written before steps: any failure in the e2e project now saves every page's
 * screenshot and console (tests/helpers/e2e-setup.ts). Prefer step() from ./steps.
 * @deprecated
 */
export async function screenshotOnFailure(_page: Page, _name: string, fn: () => Promise<void>) {
  await fn();
}
