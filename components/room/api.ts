"use client";

/** The answer of one of the app's JSON endpoints as the room uses it: the data, or the server's own words. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; reason?: string };

/** Calls one of the app's JSON endpoints (POST when there is a body); never throws (a network failure is an answer too). */
export async function callApi<T = unknown>(
  url: string,
  { body, method }: { body?: unknown; method?: "GET" | "POST" | "DELETE" } = {},
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: method ?? (body === undefined ? "GET" : "POST"),
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, error: "We could not reach the server. Check your connection and try again." };
  }
  const json = (await res.json().catch(() => null)) as (T & { error?: string; details?: { reason?: string } }) | null;
  if (!res.ok)
    return {
      ok: false,
      status: res.status,
      error: json?.error ?? "Something went wrong on our side. Try again in a moment.",
      reason: json?.details?.reason,
    };
  // 204: no body, nothing to read.
  return { ok: true, data: json as T };
}
