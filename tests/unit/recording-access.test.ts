import { describe, expect, it } from "vitest";
import { mayOpenRecording } from "@/lib/recordings/rules/access";

const session = { creatorUserId: "creator-1", viewerId: "viewer-1" };
const person = (id: string, fullAdmin = false) => ({ id, fullAdmin });

describe("who may open a session's recording", () => {
  it("an admin (with two-step sign-in) and the session's creator, whatever the operator's setting", () => {
    for (const viewersAllowed of [false, true]) {
      expect(mayOpenRecording(person("admin-1", true), session, viewersAllowed)).toBe(true);
      expect(mayOpenRecording(person("creator-1"), session, viewersAllowed)).toBe(true);
    }
  });

  it("the session's viewer only where the operator lets viewers watch", () => {
    expect(mayOpenRecording(person("viewer-1"), session, false)).toBe(false);
    expect(mayOpenRecording(person("viewer-1"), session, true)).toBe(true);
  });

  it("nobody else: another viewer or creator, or an admin without two-step sign-in", () => {
    for (const viewersAllowed of [false, true]) {
      expect(mayOpenRecording(person("viewer-2"), session, viewersAllowed)).toBe(false);
      expect(mayOpenRecording(person("creator-2"), session, viewersAllowed)).toBe(false);
      expect(mayOpenRecording(person("admin-2", false), session, viewersAllowed)).toBe(false);
    }
  });
});
