import { requireRole } from "@/lib/auth/session";
import { readJson, toErrorResponse } from "@/lib/http";
import { routeLogger } from "@/lib/request";
import { updateUserInput } from "@/lib/users/schemas";
import { changeUserRole, setUserStatus } from "@/lib/users/service";

// PATCH /api/admin/users/:id – admin changes a user's role and/or suspends or reinstates them
export async function PATCH(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const log = routeLogger(req, "PATCH /api/admin/users/:id");
  try {
    const admin = await requireRole("admin");
    const { id } = await params;
    const input = updateUserInput.parse(await readJson(req));
    let user = null;
    if (input.role) user = await changeUserRole(admin, { userId: id, role: input.role });
    if (input.status) user = await setUserStatus(admin, { userId: id, status: input.status, reason: input.reason });
    return Response.json({ user });
  } catch (err) {
    return toErrorResponse(err, log);
  }
}
