import type { LoaderFunctionArgs } from "@remix-run/node";
import { resourceResult } from "~/lib/http.server";
import { supportReportCsv } from "~/models/support/reports.server";
import { queryValues } from "~/lib/forms.server";

/** One table of the support report as a CSV download (same filters as /support/reports, plus `table`). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = queryValues(request);
  return resourceResult(async () => {
    const { table, body } = await supportReportCsv(context.actor, params);
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="support-report-${table}.csv"`,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
