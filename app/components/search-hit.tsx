import type { SerializeFrom } from "@remix-run/node";
import type { SearchHit, Segment } from "~/models/search/rules";
import { TagList } from "./tag-list";

/** Text with the words that matched marked; built from segments, so nothing is parsed as HTML. */
export function Highlighted({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((segment, index) =>
        segment.hit ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </>
  );
}

export function AudienceBadge({ audience }: { audience: string }) {
  if (audience === "customers") return <span className="badge badge-customers">Customers</span>;
  if (audience === "staff") return <span className="badge badge-staff">Staff only</span>;
  return null;
}

export function SearchHitRow({ hit }: { hit: SerializeFrom<SearchHit> }) {
  return (
    <li className="search-hit">
      <div className="search-hit-kind">{hit.type === "article" ? "Article" : "Question"}</div>
      <h3 className="thread-title">
        <a href={hit.url}>
          <Highlighted segments={hit.title} />
        </a>
      </h3>
      <p className="search-snippet">
        <Highlighted segments={hit.snippet} />
      </p>
      <div className="thread-meta">
        {hit.type === "question" && hit.status === "solved" ? (
          <span className="badge badge-solved">{hit.verified ? "Solved · staff-verified" : "Solved"}</span>
        ) : null}
        {hit.type === "article" ? <AudienceBadge audience={hit.audience} /> : null}
        {hit.type === "article" && hit.teaser ? <span>Sign in as a customer to read it</span> : null}
        <span>{hit.categoryName}</span>
        <TagList
          tags={hit.tags}
          hrefFor={hit.type === "article" ? (tag) => `/search?tag=${encodeURIComponent(tag)}` : undefined}
        />
        {hit.type === "question" ? (
          <span>{hit.answerCount === 1 ? "1 answer" : `${hit.answerCount} answers`}</span>
        ) : null}
      </div>
    </li>
  );
}
