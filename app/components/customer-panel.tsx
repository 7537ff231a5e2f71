import { RelativeTime } from "./relative-time";

type Panel = {
  email: string;
  timeZone: string | null;
  localTime: string | null;
  domain: string;
  knownCustomerDomain: boolean;
  satisfaction: {
    count: number;
    average: number | null;
    recent: {
      followUpId: number;
      rating: number | null;
      comment: string | null;
      answeredAt: Date | null;
      threadTitle: string;
    }[];
  };
};

/** Staff only: how to reach the customer, what time it is for them, where they write from, and how they rated us. */
export function CustomerPanel({ panel }: { panel: Panel }) {
  const { satisfaction } = panel;
  return (
    <dl className="customer-facts">
      <dt>Email</dt>
      <dd>
        <a href={`mailto:${panel.email}`}>{panel.email}</a>
      </dd>
      <dt>Local time</dt>
      <dd>{panel.timeZone ? `${panel.localTime ?? "unknown"} (${panel.timeZone})` : "time zone not set"}</dd>
      <dt>Domain</dt>
      <dd>{panel.knownCustomerDomain ? `${panel.domain} (a known customer domain)` : panel.domain}</dd>
      <dt>Satisfaction before</dt>
      <dd>
        {satisfaction.count === 0 || satisfaction.average === null
          ? "no ratings yet"
          : `${satisfaction.average.toFixed(1)} of 5 on average, from ${satisfaction.count} rating${satisfaction.count === 1 ? "" : "s"}`}
        {satisfaction.recent.length > 0 ? (
          <ul className="link-list">
            {satisfaction.recent.map((item) => (
              <li key={item.followUpId}>
                <a href={`/support/${item.followUpId}`}>{item.threadTitle}</a>: {item.rating} of 5
                {item.comment ? ` “${item.comment}”` : ""}
                {item.answeredAt ? (
                  <>
                    {" "}
                    <RelativeTime date={item.answeredAt} />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </dd>
    </dl>
  );
}
