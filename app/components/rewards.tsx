/** Rewards' pieces: the profile's points balance, the points history, redemptions and the redeem form. */
import { Form, Link } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import {
  LOYALTY_POINT_KIND_LABELS,
  REDEMPTION_STATUS_LABELS,
  REWARD_AUDIENCE_LABELS,
  REWARD_KIND_LABELS,
} from "~/models/rewards/rules";

type Kind = keyof typeof REWARD_KIND_LABELS;

/** A refused form's answer (`actionResult`): its messages and what was typed. */
export type Failure = {
  formError: string | null;
  fieldErrors: Record<string, string>;
  values?: Record<string, string>;
};

/** The profile's one line about loyalty points: shown to the person and to staff only (the loader decides). */
export function LoyaltyPointsBalance({ points }: { points: number | null }) {
  if (points === null) return null;
  return (
    <p className="loyalty-balance">
      <strong data-loyalty-points={points}>{points}</strong> loyalty {points === 1 ? "point" : "points"} ·{" "}
      <Link to="/rewards">Rewards</Link>
    </p>
  );
}

export function leftLabel(left: number | null, kind: Kind) {
  if (left === null) return "Unlimited";
  if (left === 0) return kind === "discount_code" ? "No codes left" : "Out of stock";
  return `${left} left`;
}

export type CatalogueItem = {
  id: number;
  name: string;
  description: string;
  kind: Kind;
  audience: keyof typeof REWARD_AUDIENCE_LABELS;
  cost: number;
  left: number | null;
  refusal: string | null;
};

export function RewardSummary({ reward }: { reward: CatalogueItem }) {
  return (
    <>
      <p>{reward.description}</p>
      <p className="hint">
        {REWARD_KIND_LABELS[reward.kind]} · {REWARD_AUDIENCE_LABELS[reward.audience]} ·{" "}
        {leftLabel(reward.left, reward.kind)}
      </p>
    </>
  );
}

export type PointsRow = {
  id: number;
  kind: keyof typeof LOYALTY_POINT_KIND_LABELS;
  points: number;
  reputationTotal: number | null;
  reason: string | null;
  createdAt: Date | string;
};

export function PointsHistory({ history }: { history: PointsRow[] }) {
  if (history.length === 0)
    return <p>No points yet: they come with reputation, when others find your posts helpful.</p>;
  return (
    <div className="table-scroll">
      <table className="report-table">
        <caption className="visually-hidden">Points history, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">Points</th>
          </tr>
        </thead>
        <tbody>
          {history.map((row) => (
            <tr key={row.id}>
              <td>
                <RelativeTime date={new Date(row.createdAt)} />
              </td>
              <td>
                {LOYALTY_POINT_KIND_LABELS[row.kind]}
                {row.reputationTotal !== null ? ` (reputation ${row.reputationTotal})` : null}
                {row.reason ? `: ${row.reason}` : null}
              </td>
              <td>{row.points > 0 ? `+${row.points}` : row.points}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export type MyRedemption = {
  id: number;
  rewardName: string;
  cost: number;
  status: keyof typeof REDEMPTION_STATUS_LABELS;
  staffNote: string | null;
  createdAt: Date | string;
  code: string | null;
};

export function MyRedemptions({ redemptions }: { redemptions: MyRedemption[] }) {
  if (redemptions.length === 0) return <p>You have not redeemed anything yet.</p>;
  return (
    <ul className="plain-list redemption-list">
      {redemptions.map((item) => (
        <li key={item.id} id={`redemption-${item.id}`}>
          <strong>{item.rewardName}</strong> for {item.cost} points, <RelativeTime date={new Date(item.createdAt)} />:{" "}
          <span className={`badge redemption-${item.status}`} data-status={item.status}>
            {REDEMPTION_STATUS_LABELS[item.status]}
          </span>
          {item.code ? (
            <p>
              Your code: <code className="reward-code">{item.code}</code>
            </p>
          ) : null}
          {item.staffNote ? <p className="hint">{item.staffNote}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** The shipping address's fields: name, label, the browser's autofill name, length. */
const ADDRESS_FIELDS = [
  ["shipName", "Name", "name", 100],
  ["shipAddress", "Street address", "street-address", 300],
  ["shipCity", "Town or city", "address-level2", 100],
  ["shipPostcode", "Postal code", "postal-code", 12],
  ["shipCountry", "Country", "country-name", 60],
] as const;

/** The redeem form; merchandise asks where to send it. */
export function RedeemForm({ reward, failure }: { reward: CatalogueItem; failure: Failure | null }) {
  const values = failure?.values ?? {};
  const errors = failure?.fieldErrors ?? {};
  return (
    <Form method="post" aria-labelledby="redeem-title">
      {reward.kind === "merchandise" ? (
        <fieldset>
          <legend>Where should we send it?</legend>
          {ADDRESS_FIELDS.map(([name, label, autoComplete, maxLength]) => {
            const Field = name === "shipAddress" ? TextAreaField : TextField;
            return (
              <Field
                key={name}
                name={name}
                label={label}
                autoComplete={autoComplete}
                maxLength={maxLength}
                defaultValue={values[name]}
                error={errors[name]}
              />
            );
          })}
        </fieldset>
      ) : null}
      <FormError message={failure?.formError} />
      {/* The price the person saw: a price changed since is refused, never charged. */}
      <input type="hidden" name="cost" value={reward.cost} />
      <button type="submit" className="button">
        Redeem for {reward.cost} points
      </button>
    </Form>
  );
}
