/**
 * Small server-rendered SVG charts: no script, scale with the page, and each carries a title and a
 * description; the numbers are in a table beside it, the accessible source (screen readers, copying).
 */
import { useId } from "react";

type Series = { name: string; className: string };

const WIDTH = 640;
const HEIGHT = 220;
const PADDING = { top: 16, right: 12, bottom: 40, left: 40 };

function niceMax(value: number) {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((candidate) => candidate * magnitude >= value)!;
  return step * magnitude;
}

/** Grouped bars: one group per label, one bar per series. Missing values are left out. */
export function GroupedBarChart({
  title,
  labels,
  series,
  values,
  unit = "",
  max: fixedMax,
  source,
}: {
  title: string;
  labels: string[];
  series: Series[];
  values: (number | null)[][];
  unit?: string;
  /** The top of the scale (100 for percentages); else rounded up from the largest value. */
  max?: number;
  /** Where the figures are as a table, e.g. "the table Per week below". */
  source: string;
}) {
  const id = useId();
  const max = fixedMax ?? niceMax(Math.max(0, ...values.flat().map((value) => value ?? 0)));
  const plotWidth = WIDTH - PADDING.left - PADDING.right;
  const plotHeight = HEIGHT - PADDING.top - PADDING.bottom;
  const groupWidth = plotWidth / Math.max(1, labels.length);
  const barWidth = (groupWidth * 0.7) / series.length;
  // Past a dozen groups the labels would overlap: every second (third…) one is written.
  const labelEvery = Math.ceil(labels.length / 12);
  const y = (value: number) => PADDING.top + plotHeight - (value / max) * plotHeight;
  const description = `${series.map((s) => s.name).join(" and ")} for ${labels.length} ${labels.length === 1 ? "bar group" : "bar groups"}; the figures are in ${source}.`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction}>
            <line
              x1={PADDING.left}
              x2={WIDTH - PADDING.right}
              y1={y(max * fraction)}
              y2={y(max * fraction)}
              className="chart-grid"
            />
            <text x={PADDING.left - 6} y={y(max * fraction) + 4} textAnchor="end" className="chart-axis">
              {Number((max * fraction).toFixed(1))}
            </text>
          </g>
        ))}
        {labels.map((label, i) => {
          const groupX = PADDING.left + i * groupWidth + groupWidth * 0.15;
          return (
            <g key={label}>
              {series.map((s, j) =>
                values[i][j] === null ? null : (
                  <rect
                    key={s.name}
                    x={groupX + j * barWidth}
                    y={y(values[i][j]!)}
                    width={barWidth - 2}
                    height={Math.max(0, PADDING.top + plotHeight - y(values[i][j]!))}
                    className={s.className}
                  >
                    <title>{`${label}, ${s.name}: ${values[i][j]}${unit}`}</title>
                  </rect>
                ),
              )}
              {i % labelEvery === 0 ? (
                <text
                  x={PADDING.left + i * groupWidth + groupWidth / 2}
                  y={HEIGHT - PADDING.bottom + 16}
                  textAnchor="middle"
                  className="chart-axis"
                >
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {title}
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.name}>
              <svg width="12" height="12" aria-hidden="true">
                <rect width="12" height="12" className={s.className} />
              </svg>{" "}
              {s.name}
            </span>
          ))}
        </span>
      </figcaption>
    </figure>
  );
}

/**
 * A running total over days (`day` as YYYY-MM-DD, ascending), drawn as steps: it holds its value
 * between the days it changed. The figures themselves are in `source`.
 */
export function RunningTotalChart({
  title,
  points,
  source,
}: {
  title: string;
  points: { day: string; total: number }[];
  source: string;
}) {
  const id = useId();
  if (points.length === 0) return null;
  const time = (day: string) => Date.parse(`${day}T00:00:00Z`);
  const first = time(points[0].day);
  // One day past the last change, so a single day still draws a step.
  const span = Math.max(time(points[points.length - 1].day) + 86_400_000 - first, 86_400_000);
  const totals = points.map((point) => point.total);
  const top = niceMax(Math.max(0, ...totals));
  const lowest = Math.min(0, ...totals);
  const bottom = lowest < 0 ? -niceMax(-lowest) : 0;
  const plotWidth = WIDTH - PADDING.left - PADDING.right;
  const plotHeight = HEIGHT - PADDING.top - PADDING.bottom;
  const x = (day: string) => PADDING.left + ((time(day) - first) / span) * plotWidth;
  const y = (value: number) => PADDING.top + plotHeight - ((value - bottom) / (top - bottom)) * plotHeight;
  let path = `M ${PADDING.left} ${y(0)}`;
  for (const point of points) path += ` H ${x(point.day)} V ${y(point.total)}`;
  path += ` H ${WIDTH - PADDING.right}`;
  const last = points[points.length - 1];
  const description = `From 0 on ${points[0].day} to ${last.total} on ${last.day}; the figures are in ${source}.`;
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {[...new Set([bottom, 0, top])].map((value) => (
          <g key={value}>
            <line x1={PADDING.left} x2={WIDTH - PADDING.right} y1={y(value)} y2={y(value)} className="chart-grid" />
            <text x={PADDING.left - 6} y={y(value) + 4} textAnchor="end" className="chart-axis">
              {value}
            </text>
          </g>
        ))}
        <path d={path} className="chart-line" fill="none" />
        <text x={PADDING.left} y={HEIGHT - PADDING.bottom + 16} className="chart-axis">
          {points[0].day}
        </text>
        <text x={WIDTH - PADDING.right} y={HEIGHT - PADDING.bottom + 16} textAnchor="end" className="chart-axis">
          {last.day}
        </text>
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}
