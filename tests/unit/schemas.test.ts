import { describe, expect, it } from "vitest";
import { z } from "zod";
import { safeCallbackPath, signUpInput } from "@/lib/auth/schemas";
import { saveOfferingInput, updateProfileInput, weeklyRulesFromForm } from "@/lib/creators/schemas";
import { updateUserInput } from "@/lib/users/schemas";

function errorsOf(schema: z.ZodType, value: unknown) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error("expected a validation error");
  return z.flattenError(r.error).fieldErrors as Record<string, string[]>;
}

describe("sign-up input", () => {
  it("normalises the email and asks for a longer password", () => {
    expect(
      signUpInput.parse({ name: " Ann ", email: " Ann@Example.COM ", password: "0123456789", acceptTerms: "on" }),
    ).toEqual({
      name: "Ann",
      email: "ann@example.com",
      password: "0123456789",
      acceptTerms: "on",
    });
    expect(errorsOf(signUpInput, { name: "", email: "nope", password: "short" })).toEqual({
      name: ["Enter your name"],
      email: ["Enter an email address like name@example.com"],
      password: ["Use at least 10 characters for your password"],
      acceptTerms: ["Tick the box to agree to the terms and privacy policy"],
    });
  });
});

describe("profile input", () => {
  const base = { slug: "jane-doe", displayName: "Jane", timeZone: "America/New_York" };
  it("accepts a good profile and reads the published checkbox", () => {
    expect(updateProfileInput.parse({ ...base, published: "on" })).toMatchObject({
      slug: "jane-doe",
      published: true,
      avatarUrl: null,
      bio: "",
    });
    expect(updateProfileInput.parse(base).published).toBe(false);
  });
  it.each([
    ["Jane Doe", /lowercase letters, numbers and single hyphens/],
    ["jane--doe", /single hyphens/],
    ["-jane", /single hyphens/],
    ["jd", /at least 3 characters/],
  ])("explains what is wrong with the slug %j", (slug, message) => {
    expect(errorsOf(updateProfileInput, { ...base, slug }).slug?.[0]).toMatch(message);
  });
  it("stores a time zone in its canonical spelling", () => {
    expect(updateProfileInput.parse({ ...base, timeZone: "europe/berlin" }).timeZone).toBe("Europe/Berlin");
  });
  it("rejects an unknown time zone and a non-http avatar", () => {
    const errors = errorsOf(updateProfileInput, {
      ...base,
      timeZone: "Europe/Atlantis",
      avatarUrl: "javascript:alert(1)",
    });
    expect(errors.timeZone?.[0]).toMatch(/not a time zone we know/);
    expect(errors.avatarUrl?.[0]).toMatch(/https:\/\//);
  });
});

describe("offering input", () => {
  const base = { kind: "private_session", title: "Chat", durationMinutes: "30", price: "25", currency: "USD" };
  it("parses the price into cents and drops capacity for private sessions", () => {
    expect(saveOfferingInput.parse({ ...base, capacity: "10" })).toMatchObject({
      price: 2500,
      capacity: null,
      durationMinutes: 30,
      active: false,
    });
  });
  it.each([
    ["-1", /can't be negative/],
    ["0.10", /lowest price card payments allow is 0.50/],
    ["abc", /like 25.00/],
    ["", /Enter a price/],
  ])("explains a bad price %j", (price, message) => {
    expect(errorsOf(saveOfferingInput, { ...base, price }).price?.[0]).toMatch(message);
  });
  it("treats an emptied field as not given: defaults apply, a required one says so, never a silent 0", () => {
    expect(
      saveOfferingInput.parse({ ...base, minNoticeMinutes: "", horizonDays: " ", freeCancellationHours: "" }),
    ).toMatchObject({ minNoticeMinutes: 120, horizonDays: 60, freeCancellationHours: 24 });
    expect(errorsOf(saveOfferingInput, { ...base, durationMinutes: "" }).durationMinutes?.[0]).toBe(
      "Enter duration as a whole number",
    );
    expect(errorsOf(saveOfferingInput, { ...base, kind: "group_room", capacity: "" }).capacity?.[0]).toMatch(
      /how many viewers/,
    );
  });
  it("asks for whole, 5-minute durations within limits and a known currency", () => {
    expect(errorsOf(saveOfferingInput, { ...base, durationMinutes: "33" }).durationMinutes?.[0]).toMatch(/steps of 5/);
    expect(errorsOf(saveOfferingInput, { ...base, durationMinutes: "500" }).durationMinutes?.[0]).toMatch(
      /at most 240/,
    );
    expect(errorsOf(saveOfferingInput, { ...base, currency: "XYZ" }).currency?.[0]).toMatch(/USD, EUR, GBP/);
  });
});

describe("weekly editor form", () => {
  it("reads filled ranges, skips empty ones and reports half-filled ones by day", () => {
    const form = new FormData();
    form.set("day1_start1", "09:00");
    form.set("day1_end1", "12:00");
    form.set("day1_start2", "");
    form.set("day1_end2", "");
    form.set("day3_start1", "10:00");
    form.set("day3_end1", "");
    const { rules, errors } = weeklyRulesFromForm(form);
    expect(rules).toEqual([{ weekday: 1, startMinute: 540, endMinute: 720 }]);
    expect(errors).toEqual({ Wednesday: ["Wednesday: enter both a start and an end time, like 09:00 and 17:00."] });
  });
});

describe("admin user update", () => {
  it("needs a role or a status", () => {
    expect(errorsOf(updateUserInput, {}).role?.[0]).toMatch(/Send a role or a status/);
    expect(updateUserInput.parse({ status: "suspended", reason: " spam " })).toEqual({
      status: "suspended",
      reason: "spam",
    });
  });
});

describe("safeCallbackPath", () => {
  it("allows same-site paths only", () => {
    expect(safeCallbackPath("/studio?tab=1")).toBe("/studio?tab=1");
    // Dot segments stay as given, so they can never be normalised into "//evil.example".
    for (const tricky of ["/.//evil.example", "/%2e//evil.example", "/x/..//evil.example"]) {
      const out = safeCallbackPath(tricky);
      expect(out === null || !/^\/[/\\]/.test(out), tricky).toBe(true);
    }
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/ /evil.example",
      "studio",
      42,
      undefined,
    ]) {
      expect(safeCallbackPath(bad), String(bad)).toBeNull();
    }
  });
});
