import { Link } from "@remix-run/react";

type TrustProgressData = {
  level: string;
  label: string;
  own: boolean;
  next: {
    level: string;
    label: string;
    needs: { field: string; label: string; have: number; need: number }[];
    unlocks: string[];
  } | null;
};

/** A profile's trust level; for its owner, what the next level asks and unlocks. */
export function TrustProgress({ trust }: { trust: TrustProgressData }) {
  return (
    <section aria-labelledby="trust-level" className="trust-progress" data-trust-level={trust.level}>
      <h2 id="trust-level" className="section-title">
        Trust level: {trust.label}
      </h2>
      {trust.next ? (
        <>
          <p>
            Next: <strong>{trust.next.label}</strong>, which unlocks: {trust.next.unlocks.join("; ")}.
          </p>
          <ul className="plain-list">
            {trust.next.needs.map((need) => (
              <li key={need.field}>
                <label htmlFor={`trust-${need.field}`}>{need.label}</label>{" "}
                <meter
                  id={`trust-${need.field}`}
                  min={0}
                  max={Math.max(need.need, 1)}
                  value={Math.min(need.have, need.need)}
                />{" "}
                {need.have >= need.need ? "done" : `${need.have} of ${need.need}`}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="hint">
        <Link to="/privileges">What each trust level unlocks</Link>
      </p>
    </section>
  );
}
