import type { LoaderFunctionArgs } from "@remix-run/node";
import { loaderResult } from "~/lib/http.server";
import { supportReportCsv } from "~/models/support/reports.server";

/** The support report as a CSV download (same filters as /support/reports). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return loaderResult(
    async () =>
      new Response(await supportReportCsv(context.actor, params), {
        headers: {
          "Content-Type": "text/csv; charset=utf-8",
          "Content-Disposition": 'attachment; filename="support-report.csv"',
          "Cache-Control": "private, no-store",
        },
      }),
  );
}
