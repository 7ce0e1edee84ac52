import { describe, expect, it } from "vitest";
import { detectBrowser, deviceHelp } from "@/components/room/device-help";

// Real user agents of each browser, as they send them.
const UA = {
  iosSafari:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  iosChrome:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
  iosFirefox:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
  ipadSafari:
    "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
  androidChrome:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
  androidSamsung:
    "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  androidFirefox: "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  macSafari:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  macChrome:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  winEdge:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.51",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
};

describe("which browser's words to use", () => {
  it("tells iOS Safari, the other iOS browsers and Android Chrome apart from the desktop browsers", () => {
    expect(detectBrowser(UA.iosSafari)).toBe("ios_safari");
    expect(detectBrowser(UA.ipadSafari)).toBe("ios_safari");
    expect(detectBrowser(UA.iosChrome)).toBe("ios_other");
    expect(detectBrowser(UA.iosFirefox)).toBe("ios_other");
    expect(detectBrowser(UA.androidChrome)).toBe("android_chrome");
    // Samsung Internet names Chrome too, but its menus are its own.
    expect(detectBrowser(UA.androidSamsung)).not.toBe("android_chrome");
    expect(detectBrowser(UA.androidFirefox)).toBe("firefox");
    expect(detectBrowser(UA.macSafari)).toBe("safari");
    expect(detectBrowser(UA.macChrome)).toBe("chrome");
    expect(detectBrowser(UA.winEdge)).toBe("edge");
    expect(detectBrowser(UA.linuxFirefox)).toBe("firefox");
  });
});

describe("what to do when the camera is blocked", () => {
  const blocked = (ua: string) => deviceHelp("denied", ["camera", "microphone"], detectBrowser(ua)).steps.join("\n");

  it("on an iPhone in Safari: the aA menu's Website Settings, then iOS's Settings for Safari; no Mac or Windows", () => {
    const text = blocked(UA.iosSafari);
    expect(text).toMatch(/aA.*Website Settings/);
    expect(text).toMatch(/Settings app, go to Safari/);
    expect(text).not.toMatch(/Mac|Windows|menu bar/);
  });

  it("on an iPhone in Chrome: reload and allow, then the app's entry in iOS's Settings", () => {
    const text = blocked(UA.iosChrome);
    expect(text).toMatch(/Reload this page and choose Allow/);
    expect(text).toMatch(/find this browser \(Chrome, Firefox/);
    expect(text).not.toMatch(/Mac|Windows/);
  });

  it("on Android Chrome: the icon left of the address bar, Permissions, then Android's app settings", () => {
    const text = blocked(UA.androidChrome);
    expect(text).toMatch(/left of the address bar .*Permissions/);
    expect(text).toMatch(/Settings › Apps › Chrome › Permissions/);
    expect(text).not.toMatch(/Mac|Windows/);
  });

  it("on a desktop still names the browser's control and the computer's privacy settings", () => {
    expect(blocked(UA.macChrome)).toMatch(/camera icon at the right of the address bar/);
    expect(blocked(UA.macChrome)).toMatch(/on a Mac, System Settings/);
    expect(blocked(UA.macSafari)).toMatch(/Safari › Settings for This Website/);
  });

  it("a phone without the device or with it busy is not told to plug anything in", () => {
    for (const ua of [UA.iosSafari, UA.androidChrome]) {
      const missing = deviceHelp("not_found", ["camera"], detectBrowser(ua)).steps.join("\n");
      expect(missing).not.toMatch(/Plug|plugged/);
      expect(deviceHelp("busy", ["camera"], detectBrowser(ua)).steps[0]).toMatch(/phone or video call/);
    }
    expect(deviceHelp("not_found", ["camera"], "chrome").steps[0]).toMatch(/Plug it in/);
  });
});
