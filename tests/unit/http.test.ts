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
    expect(await res.json()).toEqual({
      error: "Please fix the highlighted fields.",
      code: "invalid",
      fieldErrors: { price: ["The price can't be negative"] },
    });
  });
  it("uses an AppError's own status and message", async () => {
    const res = toErrorResponse(new AppError("conflict", "This slot was just taken; pick another."), log);
    expect(res.status).toBe(409);
    expect((await res.json()).error).toBe("This slot was just taken; pick another.");
  });
  it("answers a body that is not JSON with 400", async () => {
    const json = { "content-type": "application/json" };
    const err = await readJson(new Request("http://x", { method: "POST", body: "{nope", headers: json })).catch(
      (e) => e,
    );
    expect(toErrorResponse(err, log).status).toBe(400);
    const empty = await readJson(new Request("http://x", { method: "POST", body: "", headers: json })).catch((e) => e);
    expect(toErrorResponse(empty, log).status).toBe(400);
    expect(
      await readJson(
        new Request("http://x", {
          method: "POST",
          body: '{"a":1}',
          headers: { "content-type": "application/json; charset=utf-8" },
        }),
      ),
    ).toEqual({ a: 1 });
  });
  it("answers a body cut off by the client (a closed tab) with 400, not a logged 500", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"events":['));
      },
      pull(c) {
        c.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      },
    });
    const req = new Request("http://x", {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    const spy = vi.spyOn(log, "error").mockImplementation(() => undefined as never);
    const err = await readJson(req).catch((e) => e);
    const res = toErrorResponse(err, log);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/cut off/);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
  it("refuses a body that is not declared as JSON with 415 (a cross-site form post)", async () => {
    const err = await readJson(
      new Request("http://x", { method: "POST", body: '{"role":"admin"}', headers: { "content-type": "text/plain" } }),
    ).catch((e) => e);
    const res = toErrorResponse(err, log);
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatch(/Content-Type: application\/json/);
  });
  it("hides unexpected errors behind a generic 500 and logs them", async () => {
    const spy = vi.spyOn(log, "error").mockImplementation(() => undefined as never);
    const res = toErrorResponse(new Error("db password is hunter2"), log);
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toMatch(/hunter2/);
    expect(spy).toHaveBeenCalledOnce();
  });
});
