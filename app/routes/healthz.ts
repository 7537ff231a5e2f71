import { checkDatabaseHealth } from "~/server/health.server";

export async function loader() {
  const health = await checkDatabaseHealth();
  return Response.json(health.ok ? { ok: true } : { ok: false, reason: health.reason }, {
    status: health.ok ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
