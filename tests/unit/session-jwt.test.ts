import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { decodeSessionJwt } from "@/lib/auth/jwt";

const secret = "unit-secret-unit-secret-unit-secret-0123";
const salt = "authjs.session-token";
const claims = { uid: "u1", sid: "s1", tv: 3, role: "viewer" };

describe("decodeSessionJwt reads next-auth's session cookie", () => {
  it("gives back the claims next-auth's encode wrote", async () => {
    const token = await encode({ token: claims, secret, salt, maxAge: 3600 });
    expect(await decodeSessionJwt(token, secret, salt)).toMatchObject(claims);
    // Twice: the second read uses the key derived by the first.
    expect(await decodeSessionJwt(token, secret, salt)).toMatchObject(claims);
  });

  it("refuses another secret, another cookie name, an altered token and an expired one", async () => {
    const token = await encode({ token: claims, secret, salt, maxAge: 3600 });
    // Read once with the right secret first: what is kept for it answers no one else.
    expect(await decodeSessionJwt(token, secret, salt)).toMatchObject(claims);
    await expect(decodeSessionJwt(token, `${secret}x`, salt)).rejects.toThrow();
    await expect(decodeSessionJwt(token, secret, `__Secure-${salt}`)).rejects.toThrow();
    const parts = token.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith("A") ? "B" : "A"}A`;
    await expect(decodeSessionJwt(parts.join("."), secret, salt)).rejects.toThrow();
    const expired = await encode({ token: claims, secret, salt, maxAge: -60 });
    await expect(decodeSessionJwt(expired, secret, salt)).rejects.toThrow();
  });

  it("stops accepting a kept token once it expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const token = await encode({ token: claims, secret, salt, maxAge: 60 });
      expect(await decodeSessionJwt(token, secret, salt)).toMatchObject(claims);
      vi.setSystemTime(Date.now() + 76_000); // past its 60 s and the 15 s tolerance
      await expect(decodeSessionJwt(token, secret, salt)).rejects.toThrow(/expired/);
      await expect(decodeSessionJwt(token, secret, salt)).rejects.toThrow();
    } finally {
      vi.useRealTimers();
    }
  });
});
