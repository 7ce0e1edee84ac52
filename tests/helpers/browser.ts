import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { baseUrl } from "./http";

/** Debian's Chromium, headless, with a fake camera and microphone, and no network but loopback. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH,
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
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ],
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 } });
  ctx.setDefaultTimeout(20000);
  return ctx;
}

/** Signs in through the real form and waits for the role's home page. */
export async function signInThroughForm(page: Page, email: string, password: string, expectPath: RegExp) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(expectPath);
}

/** Saves a screenshot under the OS temp folder when a step fails, and says where. */
export async function screenshotOnFailure(page: Page, name: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    const file = path.join(os.tmpdir(), `booth-e2e-${name}-${Date.now()}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    if (fs.existsSync(file)) console.error(`screenshot: ${file}`);
    throw err;
  }
}
