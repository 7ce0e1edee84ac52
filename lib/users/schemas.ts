import { z } from "zod";
import { multiLine, singleLine } from "@/lib/schemas/text";

export const roleValues = ["viewer", "creator", "admin"] as const;

export const changeRoleInput = z.object({
  userId: singleLine().min(1, "Pick a user"),
  role: z.enum(roleValues, "Choose viewer, creator or admin"),
});
export type ChangeRoleInput = z.infer<typeof changeRoleInput>;

export const setStatusInput = z.object({
  userId: singleLine().min(1, "Pick a user"),
  status: z.enum(["active", "suspended"], "Choose active or suspended"),
  reason: multiLine().trim().max(500, "Keep the reason under 500 characters").optional(),
});
export type SetStatusInput = z.infer<typeof setStatusInput>;

export const listUsersInput = z.object({
  q: singleLine().trim().max(200).optional(),
  role: z.enum(roleValues).optional(),
  status: z.enum(["active", "suspended"]).optional(),
});

/** PATCH /api/admin/users/:id body: at least one change. */
export const updateUserInput = z
  .object({
    role: z.enum(roleValues, "Choose viewer, creator or admin").optional(),
    status: z.enum(["active", "suspended"], "Choose active or suspended").optional(),
    reason: multiLine().trim().max(500).optional(),
  })
  .refine((v) => v.role !== undefined || v.status !== undefined, {
    message: "Send a role or a status to change",
    path: ["role"],
  });

export const deleteAccountInput = z.object({
  currentPassword: singleLine().min(1, "Enter your current password").max(200),
  confirm: z.literal("on", "Tick the box to confirm"),
});
