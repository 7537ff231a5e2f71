import { Link, useLocation } from "@remix-run/react";

/** Previous / next links that keep every other query parameter. */
export function Pagination({
  page,
  hasNextPage,
  param = "page",
}: {
  page: number;
  hasNextPage: boolean;
  param?: string;
}) {
  const location = useLocation();
  const hrefFor = (target: number) => {
    const params = new URLSearchParams(location.search);
    if (target === 1) params.delete(param);
    else params.set(param, String(target));
    const query = params.toString();
    return `${location.pathname}${query ? `?${query}` : ""}`;
  };
  if (page === 1 && !hasNextPage) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? (
        <Link to={hrefFor(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : null}
      <span>Page {page}</span>
      {hasNextPage ? (
        <Link to={hrefFor(page + 1)} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}
