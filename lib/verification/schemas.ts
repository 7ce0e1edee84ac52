import { z } from "zod";
import { multiLine, singleLine } from "@/lib/schemas/text";

/** An admin's decision on a creator's identity and age check. */
export const decideVerificationInput = z.object({
  verificationId: singleLine().trim().min(1).max(100),
  decision: z.enum(["approve", "decline"], "Choose approve or decline"),
  note: multiLine()
    .trim()
    .min(3, "Say why (at least 3 characters): the creator reads it and it goes in the audit log")
    .max(1000, "Keep the note under 1,000 characters"),
});

export const verificationDocumentKinds = ["document", "selfie"] as const;
export type VerificationDocumentKind = (typeof verificationDocumentKinds)[number];
