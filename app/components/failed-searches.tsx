import { FAILED_SEARCH_DAYS, FAILED_SEARCHES_SHOWN } from "~/models/search/rules";

type FailedSearchRow = { query: string; searches: number; lastSearchedAt: string | Date };

const when = (at: string | Date) =>
  new Date(at).toLocaleString("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  });

/** Staff's list of searches that found nothing: where the knowledge base has gaps. */
export function FailedSearchesTable({ searches }: { searches: FailedSearchRow[] }) {
  return (
    <section aria-labelledby="failed-searches-heading">
      <h2 id="failed-searches-heading">Searches that found nothing</h2>
      <p className="hint">
        The last {FAILED_SEARCH_DAYS} days, most recently searched first (up to {FAILED_SEARCHES_SHOWN}), counted per
        query. A search whose typo was corrected and found something is not counted.
      </p>
      {searches.length === 0 ? (
        <p>No search came back empty.</p>
      ) : (
        <div className="report-block">
          <table className="report-table" id="table-failed-searches">
            <caption>Searches that found nothing</caption>
            <thead>
              <tr>
                <th scope="col">Search</th>
                <th scope="col">Times</th>
                <th scope="col">Last searched (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {searches.map((row) => (
                <tr key={row.query}>
                  <th scope="row">
                    <a href={`/search?${new URLSearchParams({ q: row.query })}`}>{row.query}</a>
                  </th>
                  <td>{row.searches}</td>
                  <td>{when(row.lastSearchedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
