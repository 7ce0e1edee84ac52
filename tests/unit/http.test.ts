import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { readJson, toErrorResponse } from "@/lib/http";
import { logger } from "@/lib/logger";

describe("toErrorResponse", () => {
  const log = logger.child({});
  it("answers invalid input with 422 and errors per field", async () => {
    const err = z.object({ price: z.number().min(0, "The price can't be negative") }).safeParse({ price: -1 }).error!;
    const res = toErrorResponse(err, log);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "Some fields are not valid.", fieldErrors: { price: ["The price can't be negative"] } });
  });
  it("uses an AppError's own status and message", async () => {
    const res = toErrorResponse(new AppError("conflict", "This slot was just taken; pick another."), log);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("This slot was just taken; pick another.");
  });
  it("answers a body that is not JSON with 400", async () => {
    const err = await readJson(new Request("http://x", { method: "POST", body: "{nope" })).catch((e) => e);
    expect(toErrorResponse(err, log).status).toBe(400);
    const empty = await readJson(new Request("http://x", { method: "POST", body: "" })).catch((e) => e);
    expect(toErrorResponse(empty, log).status).toBe(400);
  });
  it("hides unexpected errors behind a generic 500 and logs them", async () => {
    const spy = vi.spyOn(log, "error").mockImplementation(() => undefined as never);
    const res = toErrorResponse(new Error("db password is hunter2"), log);
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toMatch(/hunter2/);
    expect(spy).toHaveBeenCalledOnce();
  });
});
