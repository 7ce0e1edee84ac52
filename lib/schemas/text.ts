import { z } from "zod";

// zod 4 compiles object schemas with `new Function` after probing whether it may; the CSP forbids eval,
// so in the browser that probe is a reported violation. Interpreted parsing is fast enough for forms and
// request bodies. Set here because every Booth schema, on the server and in the browser, imports this file.
z.config({ jitless: true });

/**
 * The one rule for text that people send: no C0 control characters (U+0000–U+001F) and no DEL (U+007F),
 * except tab and newline in multi-line text. PostgreSQL refuses NUL in text and jsonb (a 500 if it gets
 * that far), and the others are invisible tricks (a name that renders differently from what is stored,
 * a log line split in two). Every zod string field that carries user text starts from `singleLine()` or
 * `multiLine()`, so a control character is a 422 that names the field, never a crash.
 * Pure and dependency-free: client forms import the schemas too.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_EXCEPT_TAB_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export const CONTROL_CHARACTER_MESSAGE =
  "Remove the invisible control characters (such as NUL or a line break) from this field.";
export const MULTILINE_CONTROL_CHARACTER_MESSAGE =
  "Remove the invisible control characters (such as NUL) from this text; only tabs and line breaks are allowed.";

/** True when `s` holds a control character that no text field allows (everything but tab, CR and LF). */
export function hasForbiddenControl(s: string) {
  return CONTROL_EXCEPT_TAB_NEWLINE.test(s.replace(/\r\n?/g, "\n"));
}

/** One line of text: a name, a title, an email, an id, a search box. No control characters at all. */
export function singleLine(message = CONTROL_CHARACTER_MESSAGE) {
  return z.string().refine((s) => !ANY_CONTROL.test(s), { message, abort: true });
}

/**
 * Text that may span lines (a bio, a reason, a note). Browsers send a textarea's line breaks as CRLF;
 * they are stored as LF. Tabs and line breaks are allowed, every other control character is refused.
 */
export function multiLine(message = MULTILINE_CONTROL_CHARACTER_MESSAGE) {
  return z
    .string()
    .overwrite((s) => s.replace(/\r\n?/g, "\n"))
    .refine((s) => !CONTROL_EXCEPT_TAB_NEWLINE.test(s), { message, abort: true });
}

/**
 * The first field of a form or of a route's path parameters whose value holds a control character no
 * field allows, as a zod-style field error; null when there is none. lib/action.ts and lib/http.ts run it
 * before anything else, so raw ids read straight from a form or a path (never through a schema) are
 * covered too.
 */
export function controlCharacterErrors(fields: Iterable<[string, unknown]>): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const [name, value] of fields) {
    if (typeof value === "string" && hasForbiddenControl(value)) errors[name] = [MULTILINE_CONTROL_CHARACTER_MESSAGE];
  }
  return Object.keys(errors).length ? errors : null;
}
