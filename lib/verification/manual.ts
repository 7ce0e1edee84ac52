import "server-only";
import { storage } from "@/lib/storage";
import { storageKey } from "@/lib/storage/keys";
import type { VerificationProvider } from "./provider";

/**
 * The manual provider: the documents go to private storage (never public/, never served without an admin's
 * signed link) under keys made from the verification's id; an admin decides.
 */
export const manualProvider: VerificationProvider = {
  id: "manual",
  async start({ verificationId, document, selfie }) {
    const documentKey = storageKey("verification", verificationId, `document.${document.ext}`);
    const selfieKey = storageKey("verification", verificationId, `selfie.${selfie.ext}`);
    await storage().put(documentKey, document.bytes);
    await storage().put(selfieKey, selfie.bytes);
    return { kind: "documents", documentKey, selfieKey };
  },
  async discard(row) {
    for (const key of [row.documentKey, row.selfieKey]) if (key) await storage().delete(key);
  },
};
