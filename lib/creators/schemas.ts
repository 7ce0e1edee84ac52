import { z } from "zod";
import { type RecordingPolicyName, recordingPolicies } from "@/lib/recordings/rules/policy";
import { currencies, parseAmountToCents } from "@/lib/money";
import { multiLine, singleLine } from "@/lib/schemas/text";
import { canonicalTimeZone, isValidTimeZone } from "@/lib/time";
import { dayName, parseTimeOfDay, validateWeeklyRules, type WeeklyRule } from "./availability";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const intField = (label: string, min: number, max: number) =>
  z.coerce
    .number(`Enter ${label.toLowerCase()} as a whole number`)
    .int(`${label} must be a whole number`)
    .min(min, `${label} must be at least ${min}`)
    .max(max, `${label} must be at most ${max}`);

/** An empty form field is "not given" (so a default applies, or "required" is said), never 0. */
const blankAsMissing = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);

export const slugField = singleLine()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, numbers and single hyphens, like jane-doe")
  .min(3, "Use at least 3 characters for your address")
  .max(40, "Use at most 40 characters for your address");

export const timeZoneField = singleLine()
  .trim()
  .min(1, "Choose your time zone")
  .refine(isValidTimeZone, "That is not a time zone we know. Pick one from the list, like Europe/Berlin")
  .transform(canonicalTimeZone);

export const updateProfileInput = z.object({
  slug: slugField,
  displayName: singleLine()
    .trim()
    .min(1, "Enter the name viewers will see")
    .max(80, "Keep your name under 80 characters"),
  bio: multiLine().trim().max(2000, "Keep your bio under 2,000 characters").default(""),
  avatarUrl: singleLine()
    .pipe(
      z.union([
        z.literal(""),
        z.url({ protocol: /^https?$/, message: "Enter an image address starting with https://" }),
      ]),
    )
    .optional()
    .transform((v) => v || null),
  timeZone: timeZoneField,
  published: checkbox,
});
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

/** Price typed in major units ("25.00"), stored in cents. */
export const priceField = singleLine()
  .trim()
  .min(1, "Enter a price, like 25.00")
  .transform((text, ctx) => {
    const cents = parseAmountToCents(text);
    if (cents === null) {
      ctx.addIssue({ code: "custom", message: "Enter the price as a number, like 25.00" });
      return z.NEVER;
    }
    if (cents < 0) {
      ctx.addIssue({ code: "custom", message: "The price can't be negative. Enter an amount of 0.50 or more" });
      return z.NEVER;
    }
    if (cents < 50) {
      ctx.addIssue({ code: "custom", message: "The lowest price card payments allow is 0.50" });
      return z.NEVER;
    }
    return cents;
  });

/** What the "add an offering" form starts with. (Kept out of the client component so server pages can read it.) */
export const newOfferingDefaults = {
  kind: "private_session" as "private_session" | "group_room",
  title: "",
  description: "",
  durationMinutes: 30,
  priceCents: 0,
  currency: "USD",
  capacity: null as number | null,
  minNoticeMinutes: 120,
  horizonDays: 60,
  freeCancellationHours: 24,
  recordingPolicy: "never" as RecordingPolicyName,
  recordingRetentionDays: null as number | null,
  active: true,
};

export const saveOfferingInput = z
  .object({
    id: singleLine()
      .optional()
      .transform((v) => v || undefined),
    kind: z.enum(["private_session", "group_room"], "Choose a private session or a group room"),
    title: singleLine().trim().min(1, "Give the offering a title").max(100, "Keep the title under 100 characters"),
    description: multiLine().trim().max(1000, "Keep the description under 1,000 characters").default(""),
    durationMinutes: blankAsMissing(
      intField("Duration", 10, 240).refine((n) => n % 5 === 0, "Use a duration in steps of 5 minutes"),
    ),
    price: priceField,
    currency: z.enum(currencies, `Choose one of ${currencies.join(", ")}`),
    capacity: blankAsMissing(intField("Capacity", 2, 1000).optional()),
    minNoticeMinutes: blankAsMissing(
      intField("Minimum notice", 0, 10080).default(newOfferingDefaults.minNoticeMinutes),
    ),
    horizonDays: blankAsMissing(intField("Booking horizon", 1, 365).default(newOfferingDefaults.horizonDays)),
    freeCancellationHours: blankAsMissing(
      intField("Free cancellation window", 0, 720).default(newOfferingDefaults.freeCancellationHours),
    ),
    recordingPolicy: z.enum(recordingPolicies, "Choose whether sessions are recorded").default("never"),
    recordingRetentionDays: blankAsMissing(intField("Days to keep recordings", 1, 3650).optional()),
    active: checkbox,
  })
  .superRefine((v, ctx) => {
    if (v.kind === "group_room" && v.capacity === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["capacity"],
        message: "Say how many viewers a group room holds (2 or more)",
      });
    }
  })
  .transform(({ capacity, kind, recordingRetentionDays, ...rest }) => ({
    ...rest,
    recordingRetentionDays: recordingRetentionDays ?? null,
    kind,
    capacity: kind === "group_room" ? (capacity ?? null) : null,
  }));
export type SaveOfferingInput = z.infer<typeof saveOfferingInput>;

const ruleInput = z.object({
  weekday: z.number().int().min(0).max(6),
  startMinute: z.number().int().min(0).max(1440),
  endMinute: z.number().int().min(0).max(1440),
});

export const replaceAvailabilityInput = z.object({
  rules: z
    .array(ruleInput)
    .max(28, "Use at most 4 time ranges a day")
    .superRefine((rules, ctx) => {
      for (const [day, message] of validateWeeklyRules(rules))
        ctx.addIssue({ code: "custom", path: [dayName(day)], message });
    }),
});

/**
 * Reads the weekly editor's fields (day{0-6}_start{1,2}, day{0-6}_end{1,2}). A range with both
 * times empty is no range; a half-filled or unreadable one is reported against its day.
 */
export function weeklyRulesFromForm(form: FormData): { rules: WeeklyRule[]; errors: Record<string, string[]> } {
  const rules: WeeklyRule[] = [];
  const errors: Record<string, string[]> = {};
  for (let day = 0; day < 7; day++) {
    for (const slot of [1, 2]) {
      const start = String(form.get(`day${day}_start${slot}`) ?? "").trim();
      const end = String(form.get(`day${day}_end${slot}`) ?? "").trim();
      if (!start && !end) continue;
      const s = parseTimeOfDay(start);
      const e = parseTimeOfDay(end);
      if (s === null || e === null) {
        (errors[dayName(day)] ??= []).push(
          `${dayName(day)}: enter both a start and an end time, like 09:00 and 17:00.`,
        );
        continue;
      }
      rules.push({ weekday: day, startMinute: s, endMinute: e });
    }
  }
  return { rules, errors };
}

export const addBlackoutInput = z.object({
  date: z.iso.date("Pick a date"),
  reason: singleLine()
    .trim()
    .max(200, "Keep the note under 200 characters")
    .optional()
    .transform((v) => v || null),
});

export const applyAsCreatorInput = z.object({
  displayName: singleLine()
    .trim()
    .min(1, "Enter the name viewers will see")
    .max(80, "Keep your name under 80 characters"),
  pitch: multiLine()
    .trim()
    .min(20, "Tell us a little more (at least 20 characters)")
    .max(1000, "Keep it under 1,000 characters"),
});

export const decideApplicationInput = z.object({
  applicationId: singleLine().min(1),
  decision: z.enum(["approve", "decline"], "Choose approve or decline"),
  note: multiLine()
    .trim()
    .max(500, "Keep the note under 500 characters")
    .optional()
    .transform((v) => v || null),
});
