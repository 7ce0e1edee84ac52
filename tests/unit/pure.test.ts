import { describe, expect, it } from "vitest";
import { assertRole, homeFor } from "@/lib/auth/permissions";
import { brandCssVariables, brandFromEnv, contrastRatio, mergeBrand, readableOn } from "@/lib/branding/theme";
import { formatTimeOfDay, parseTimeOfDay, summariseWeek, validateWeeklyRules } from "@/lib/creators/availability";
import { slugify } from "@/lib/creators/slug";
import type { AppError } from "@/lib/errors";
import { centsToAmount, formatMoney, parseAmountToCents } from "@/lib/money";
import { formatDateTime, isValidTimeZone } from "@/lib/time";

describe("money", () => {
  it.each([
    ["25", 2500],
    ["25.5", 2550],
    ["25,50", 2550],
    [" 0.05 ", 5],
    ["-3.20", -320],
    ["1.234", null],
    ["1e3", null],
    ["", null],
  ])("parses %j as %j cents", (text, cents) => expect(parseAmountToCents(text)).toBe(cents));
  it("formats with the currency for the locale", () => {
    expect(formatMoney(4000, "EUR", "en-US")).toBe("€40.00");
    expect(formatMoney(4000, "EUR", "de-DE").replace(/\s/g, " ")).toBe("40,00 €");
    expect(centsToAmount(2550)).toBe("25.50");
  });
});

describe("time", () => {
  it("knows IANA zones", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("UTC")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
  });
  it("always shows the zone with a time", () => {
    // 29 March 2026 is the day Berlin moves to summer time: 12:00 UTC is 14:00 CEST.
    expect(formatDateTime(new Date("2026-03-29T12:00:00Z"), "Europe/Berlin")).toBe("Sun, 29 Mar 2026, 14:00 CEST");
    expect(formatDateTime(new Date("2026-03-28T12:00:00Z"), "Europe/Berlin")).toBe("Sat, 28 Mar 2026, 13:00 CET");
  });
});

describe("weekly availability helpers", () => {
  it("parses and formats times of day, including end of day", () => {
    expect(parseTimeOfDay("09:30")).toBe(570);
    expect(parseTimeOfDay("24:00")).toBe(1440);
    expect(parseTimeOfDay("24:30")).toBeNull();
    expect(parseTimeOfDay("9:30")).toBeNull();
    expect(formatTimeOfDay(570)).toBe("09:30");
  });
  it("finds overlaps and inverted ranges per day, and allows touching ranges", () => {
    expect(
      validateWeeklyRules([
        { weekday: 1, startMinute: 540, endMinute: 720 },
        { weekday: 1, startMinute: 720, endMinute: 800 },
      ]).size,
    ).toBe(0);
    expect([
      ...validateWeeklyRules([
        { weekday: 1, startMinute: 540, endMinute: 720 },
        { weekday: 1, startMinute: 700, endMinute: 800 },
      ]).values(),
    ]).toEqual(["Monday: the two time ranges overlap."]);
    expect([...validateWeeklyRules([{ weekday: 0, startMinute: 600, endMinute: 600 }]).values()]).toEqual([
      "Sunday: the end time must be after the start time.",
    ]);
  });
  it("summarises the week Monday first", () => {
    expect(
      summariseWeek([
        { weekday: 0, startMinute: 600, endMinute: 660 },
        { weekday: 1, startMinute: 780, endMinute: 840 },
        { weekday: 1, startMinute: 540, endMinute: 600 },
      ]),
    ).toEqual([
      { day: "Monday", ranges: ["09:00–10:00", "13:00–14:00"] },
      { day: "Sunday", ranges: ["10:00–11:00"] },
    ]);
  });
});

describe("brand theme", () => {
  it("computes WCAG contrast and picks readable text", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(readableOn("#4f46e5")).toBe("#ffffff");
    expect(readableOn("#fde047")).toBe("#111827");
  });
  it("lets saved settings override the environment's defaults, ignoring blanks", () => {
    const defaults = brandFromEnv({
      BRAND_NAME: "Booth",
      BRAND_PRIMARY_COLOR: "#4f46e5",
      BRAND_ACCENT_COLOR: "#db2777",
    });
    const brand = mergeBrand(defaults, { name: "Agency Live", primaryColor: "#fde047", logoUrl: "  " });
    expect(brand).toMatchObject({ name: "Agency Live", primaryColor: "#fde047", logoUrl: null, legalName: "Booth" });
    expect(brandCssVariables(brand)).toMatchObject({ "--brand-primary": "#fde047", "--brand-on-primary": "#111827" });
  });
});

describe("permissions", () => {
  const actor = {
    id: "u1",
    brandId: "default",
    email: "a@b.c",
    name: "A",
    role: "creator",
    status: "active",
    twoFactor: false,
  } as const;
  it("maps each refusal to its status", () => {
    const status = (fn: () => void) => {
      try {
        fn();
        return 200;
      } catch (e) {
        return (e as AppError).status;
      }
    };
    expect(status(() => assertRole(null, ["admin"]))).toBe(401);
    expect(status(() => assertRole(actor, ["admin"]))).toBe(403);
    expect(status(() => assertRole({ ...actor, status: "suspended" }, ["creator"]))).toBe(403);
    expect(status(() => assertRole(actor, ["creator", "admin"]))).toBe(200);
  });
  it("refuses an admin without two-step sign-in wherever admin rights are checked", () => {
    const admin = {
      id: "a1",
      brandId: "default",
      email: "a@b.c",
      name: "A",
      role: "admin",
      status: "active",
      twoFactor: true,
    } as const;
    expect(() => assertRole(admin, ["admin"])).not.toThrow();
    expect(() => assertRole({ ...admin, twoFactor: false }, ["admin"])).toThrow(/two-step sign-in/);
    expect(() => assertRole({ ...admin, twoFactor: false }, ["creator", "admin"])).toThrow(/two-step sign-in/);
  });
  it("sends each role to its home", () => {
    expect([homeFor("viewer"), homeFor("creator"), homeFor("admin")]).toEqual(["/dashboard", "/studio", "/admin"]);
  });
});

describe("slugify", () => {
  it.each([
    ["Zoë O'Neil!", "zoe-oneil"],
    ["  Maya   Chen ", "maya-chen"],
    ["李", "creator"],
    ["Al", "creator-al"],
  ])("%j → %j", (text, slug) => expect(slugify(text)).toBe(slug));
});
