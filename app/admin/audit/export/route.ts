import { exportAuditCsv } from "@/lib/audit/queries";
import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";

// GET /admin/audit/export?actor=&subject=&action=&from=&to= – the audit log's matching rows as CSV (admins only)
export const GET = route("GET /admin/audit/export", async (req) => {
  const user = await requireUser();
  const query = Object.fromEntries(new URL(req.url).searchParams);
  const csv = await exportAuditCsv(user, query);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "no-store",
    },
  });
});
