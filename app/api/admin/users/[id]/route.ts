import { requireRole } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { updateUser } from "@/lib/users/service";

// PATCH /api/admin/users/:id – admin changes a user's role and/or suspends or reinstates them, in one transaction
export const PATCH = route(
  "PATCH /api/admin/users/:id",
  async (req, { params }: { params: Promise<{ id: string }> }) => {
    const admin = await requireRole("admin");
    const { id } = await params;
    return Response.json({ user: await updateUser(admin, id, await readJson(req)) });
  },
);
