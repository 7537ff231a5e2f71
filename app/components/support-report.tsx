/** The tables of /support/reports, each the accessible source of the chart beside it, with its CSV link. */
import type { ReactNode } from "react";

import type { ReportFigures, StaffFigures, SupportSurveys, Timing } from "~/models/support/report-figures";

export const hours = (ms: number | null) => (ms === null ? "–" : `${(ms / 3600_000).toFixed(1)} h`);
export const medianText = (t: Pick<Timing, "medianMs" | "atLeast">) =>
  t.medianMs === null ? "–" : `${t.atLeast ? "≥ " : ""}${hours(t.medianMs)}`;
const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 100)} %`);
export const withinTarget = (t: Timing) =>
  t.met + t.missed === 0 ? "–" : `${percent(t.withinTargetShare)} (${t.met} of ${t.met + t.missed})`;
export const rating = (s: SupportSurveys) => (s.average === null ? "–" : `${s.average.toFixed(1)} (${s.answered})`);
export const communitySolved = (c: ReportFigures["community"]) =>
  c.answered === 0 ? "–" : `${c.solved} of ${c.answered}`;

/** A table with its caption and a link to the same figures as CSV. */
function ReportTable({
  id,
  caption,
  csvHref,
  head,
  children,
}: {
  id: string;
  caption: string;
  csvHref: string;
  head: string[];
  children: ReactNode;
}) {
  return (
    <div className="report-block">
      <table className="report-table" id={id}>
        <caption>
          {caption}{" "}
          <a href={csvHref} download>
            Download “{caption}” as CSV
          </a>
        </caption>
        <thead>
          <tr>
            {head.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

const FIGURE_HEADINGS = [
  "Opened",
  "Resolved",
  "Median first response",
  "First response within target",
  "Still waiting",
  "Median resolution",
  "Resolution within target",
  "Support rating 1–5 (answers)",
  "Community answer solved it (yes of answers)",
];

/** Rows of figures (per week, per category, per priority). */
export function FiguresTable({
  id,
  caption,
  csvHref,
  firstHeading,
  rows,
}: {
  id: string;
  caption: string;
  csvHref: string;
  firstHeading: string;
  rows: { key: string; label: string; figures: ReportFigures }[];
}) {
  return (
    <ReportTable id={id} caption={caption} csvHref={csvHref} head={[firstHeading, ...FIGURE_HEADINGS]}>
      {rows.map(({ key, label, figures: f }) => (
        <tr key={key}>
          <th scope="row">{label}</th>
          <td>{f.opened}</td>
          <td>{f.resolved}</td>
          <td>{medianText(f.firstResponse)}</td>
          <td>{withinTarget(f.firstResponse)}</td>
          <td>{f.stillWaiting}</td>
          <td>{medianText(f.resolution)}</td>
          <td>{withinTarget(f.resolution)}</td>
          <td>{rating(f.support)}</td>
          <td>{communitySolved(f.community)}</td>
        </tr>
      ))}
    </ReportTable>
  );
}

export function StaffTable({ csvHref, rows }: { csvHref: string; rows: StaffFigures[] }) {
  return (
    <ReportTable
      id="table-staff"
      caption="Per staff member"
      csvHref={csvHref}
      head={[
        "Staff member",
        "Replies",
        "Resolved (assigned)",
        "First responses",
        "Median first response",
        "Support rating 1–5 (answers)",
      ]}
    >
      {rows.map((row) => (
        <tr key={row.userId}>
          <th scope="row">{row.username}</th>
          <td>{row.replies}</td>
          <td>{row.resolved}</td>
          <td>{row.firstResponses}</td>
          <td>{hours(row.medianFirstResponseMs)}</td>
          <td>{rating(row.support)}</td>
        </tr>
      ))}
    </ReportTable>
  );
}

export function BacklogTable({
  csvHref,
  step,
  points,
}: {
  csvHref: string;
  step: "day" | "week";
  points: { label: string; open: number }[];
}) {
  return (
    <ReportTable
      id="table-backlog"
      caption="Backlog"
      csvHref={csvHref}
      head={[step === "day" ? "End of day" : "End of week", "Open follow-ups"]}
    >
      {points.map((point) => (
        <tr key={point.label}>
          <th scope="row">{point.label}</th>
          <td>{point.open}</td>
        </tr>
      ))}
    </ReportTable>
  );
}
