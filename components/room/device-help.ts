/**
 * What to tell a person whose camera or microphone did not start, in the words of their own browser.
 * Pure: the user agent and the error name in, the text out.
 */

export type DeviceKind = "camera" | "microphone";
export type DeviceErrorKind = "denied" | "not_found" | "busy" | "other";
/**
 * Phones get their own names: their controls and settings are nowhere near a desktop's (no menu bar, no
 * System Settings). Every browser on an iPhone or iPad is WebKit and takes the camera permission from
 * iOS's settings for that app, so iOS Safari and the other iOS browsers (Chrome, Firefox, Edge) differ only
 * in where their settings are.
 */
export type BrowserName =
  | "chrome"
  | "edge"
  | "firefox"
  | "safari"
  | "ios_safari"
  | "ios_other"
  | "android_chrome"
  | "other";

export function detectBrowser(userAgent: string): BrowserName {
  if (/iPhone|iPad|iPod/.test(userAgent)) {
    if (/CriOS|FxiOS|EdgiOS|OPiOS|GSA\//.test(userAgent) || !/Safari\//.test(userAgent)) return "ios_other";
    return "ios_safari";
  }
  if (
    /Android/.test(userAgent) &&
    /Chrome\//.test(userAgent) &&
    !/Edg|SamsungBrowser|OPR\/|Firefox|; wv\)/.test(userAgent)
  )
    return "android_chrome";
  if (/Edg(e|A|iOS)?\//.test(userAgent)) return "edge";
  if (/Firefox\/|FxiOS\//.test(userAgent)) return "firefox";
  // Chrome on iPhone (CriOS) follows the system's Safari settings, but names itself Chrome.
  if (/Chrome\/|Chromium\/|CriOS\//.test(userAgent)) return "chrome";
  if (/Safari\//.test(userAgent)) return "safari";
  return "other";
}

/** getUserMedia's DOMException names, across browsers and their older spellings. */
export function classifyDeviceError(err: unknown): { error: DeviceErrorKind; name: string } {
  const name = (
    err instanceof Error || (typeof err === "object" && err !== null && "name" in err)
      ? String((err as { name: unknown }).name)
      : "Error"
  ).slice(0, 64);
  if (["NotAllowedError", "PermissionDeniedError", "SecurityError"].includes(name)) return { error: "denied", name };
  if (["NotFoundError", "DevicesNotFoundError", "OverconstrainedError", "ConstraintNotSatisfiedError"].includes(name))
    return { error: "not_found", name };
  if (["NotReadableError", "TrackStartError", "AbortError"].includes(name)) return { error: "busy", name };
  return { error: "other", name };
}

const both = (devices: DeviceKind[]) => (devices.length > 1 ? "camera and microphone" : (devices[0] ?? "camera"));

const isPhone = (b: BrowserName) => b === "ios_safari" || b === "ios_other" || b === "android_chrome";

/** The app's own settings on an iPhone, where iOS keeps each browser's camera permission. */
const iosAppSettings = (b: BrowserName) =>
  b === "ios_safari"
    ? "Open the Settings app, go to Safari (on iOS 18 and later: Apps › Safari), set Camera and Microphone to Allow or Ask, then come back and press Try again."
    : "Open the Settings app, find this browser (Chrome, Firefox, …; on iOS 18 and later under Apps), turn on Camera and Microphone, then come back and press Try again.";

/** A heading and the steps to take, for the devices that failed with one kind of error. */
export function deviceHelp(
  kind: DeviceErrorKind,
  devices: DeviceKind[],
  browser: BrowserName,
): { title: string; steps: string[] } {
  const what = both(devices);
  const plural = devices.length > 1;
  switch (kind) {
    case "denied": {
      const where: Record<BrowserName, string> = {
        chrome: `Click the camera icon at the right of the address bar, choose "Always allow", then press Try again.`,
        edge: `Click the lock icon at the left of the address bar, open "Permissions for this site", set Camera and Microphone to Allow, then press Try again.`,
        firefox: `Click the crossed-out camera icon at the left of the address bar, clear the "Blocked temporarily" permission (×), then press Try again and choose Allow.`,
        safari: `In the menu bar choose Safari › Settings for This Website…, set Camera and Microphone to Allow, then press Try again.`,
        ios_safari: `Tap the page-settings button (aA) at the left of the address bar, choose Website Settings, set Camera and Microphone to Allow, then press Try again.`,
        ios_other: `Reload this page and choose Allow when it asks for the ${what}.`,
        android_chrome: `Tap the icon at the left of the address bar (sliders or a lock), choose Permissions, turn on Camera and Microphone, then press Try again.`,
        other: `Open this site's settings in your browser (usually an icon in the address bar), allow the camera and microphone, then press Try again.`,
      };
      const system =
        browser === "ios_safari" || browser === "ios_other"
          ? `Still blocked? ${iosAppSettings(browser)}`
          : browser === "android_chrome"
            ? "Still blocked? Open your phone's Settings › Apps › Chrome › Permissions, allow Camera and Microphone, then come back and press Try again."
            : `Still blocked? Your computer may block the browser itself: on a Mac, System Settings › Privacy & Security › Camera (and Microphone); on Windows, Settings › Privacy › Camera.`;
      return {
        title: `Allow the ${what} to join with ${devices.includes("camera") ? "video" : "sound"}`,
        steps: [`Your browser is blocking the ${what} for this site.`, where[browser], system],
      };
    }
    case "not_found":
      if (isPhone(browser))
        return {
          title: `No ${what} found`,
          steps: [
            `Your phone did not give this page a ${what}. Close any app that may be using ${plural ? "them" : "it"}, then press Try again.`,
            `Still nothing? Close the browser completely (swipe it away) and open this page again.`,
          ],
        };
      return {
        title: `No ${what} found`,
        steps: [
          `We could not find a ${what}. Plug ${plural ? "them" : "it"} in (or switch ${plural ? "them" : "it"} on), then press Try again.`,
          browser === "chrome" || browser === "edge"
            ? `If ${plural ? "they are" : "it is"} plugged in, check that the browser's site settings pick the right device.`
            : `If ${plural ? "they are" : "it is"} plugged in, restart the browser so it sees new devices.`,
        ],
      };
    case "busy":
      return {
        title: `Your ${what} ${plural ? "are" : "is"} in use`,
        steps: [
          isPhone(browser)
            ? `Another app (a phone or video call, the camera app) is using your ${what}. Finish or close it, then press Try again.`
            : `Another app (a video call, the camera app) or another browser tab is using your ${what}. Close it, then press Try again.`,
        ],
      };
    default:
      return {
        title: `Your ${what} did not start`,
        steps: [
          `Something stopped the ${what} from starting. Reload the page; if it keeps happening, restart the browser and press Try again.`,
        ],
      };
  }
}
