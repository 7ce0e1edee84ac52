/** Inputs of the support pages (pure zod). */
import { z } from "zod";
import { singleLine } from "@/lib/schemas/text";

/** GET /api/admin/sessions?q= : the search box of the support page. */
export const sessionSearch = z.object({ q: singleLine().trim().min(2, "type at least 2 characters").max(200) });

/** GET /admin/metrics?from=&to= (dates, inclusive); `brand` (a slug, platform admins only) is read in queries.ts. */
export const metricsPeriod = z.object({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
