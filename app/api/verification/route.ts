import { requireRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http";
import { maxUploadRequestBytes, submitVerification } from "@/lib/verification/service";

async function fileBytes(form: FormData, name: string) {
  const f = form.get(name);
  return f instanceof File ? Buffer.from(await f.arrayBuffer()) : null;
}

// POST /api/verification – a creator sends an ID document and a selfie (multipart: document, selfie) for review.
// 201 { message }; 413 past the size limit; 422 names the file that is the wrong type or too big; 409 while one waits.
export const POST = route("POST /api/verification", async (req) => {
  const creator = await requireRole("creator");
  // Not behind proxy.ts (so not buffered there): the length is checked here, before anything is read.
  const length = Number(req.headers.get("content-length") ?? "");
  if (!Number.isFinite(length) || length <= 0)
    throw new AppError("bad_request", "Send the files as a form upload (with a Content-Length).");
  if (length > maxUploadRequestBytes())
    throw new AppError("payload_too_large", "These files are too big together; send each under the limit.");
  const form = await req.formData().catch(() => {
    throw new AppError("bad_request", "Send the files as a multipart form with the fields document and selfie.");
  });
  const message = await submitVerification(creator, {
    document: await fileBytes(form, "document"),
    selfie: await fileBytes(form, "selfie"),
  });
  return Response.json(
    { message },
    { status: 201, headers: { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" } },
  );
});
