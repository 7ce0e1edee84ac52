import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http";
import { exportMyData } from "@/lib/users/export";

// GET /account/export – the signed-in user's own data as a JSON download
export const GET = route("GET /account/export", async () => {
  const user = await requireUser();
  const data = await exportMyData(user);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="my-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
});
