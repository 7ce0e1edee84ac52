/**
 * Creator identity and age verification: the provider interface. Booth ships the manual provider (the creator
 * uploads an ID document and a selfie, an admin reviews them and decides). A third-party service (a hosted
 * ID-and-liveness check such as Stripe Identity, Onfido or Veriff) plugs in as another implementation: it
 * would start a check and return the URL to send the creator to, and report its result to a webhook route
 * that calls `decideVerification` with its own verdict. Pure types: no I/O here.
 */

/** An uploaded file as the provider receives it (already checked for type and size, lib/verification/files.ts). */
export type VerificationFile = { bytes: Buffer; ext: "jpg" | "png" | "pdf"; contentType: string };

export type StartedCheck =
  /** Documents kept by Booth for an admin to review (the manual provider). */
  | { kind: "documents"; documentKey: string; selfieKey: string }
  /** A hosted check elsewhere: send the creator to `url`; the provider reports back by webhook. */
  | { kind: "redirect"; url: string; reference: string };

export interface VerificationProvider {
  /** Stored on each verification row ("manual", or the third party's name). */
  readonly id: string;
  /** Starts a check for verification `verificationId` of `userId`. */
  start(input: {
    verificationId: string;
    userId: string;
    document: VerificationFile;
    selfie: VerificationFile;
  }): Promise<StartedCheck>;
  /** Removes whatever the check left behind (documents), once the retention period after the decision ends. */
  discard(row: { documentKey: string | null; selfieKey: string | null }): Promise<void>;
}
