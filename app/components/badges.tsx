import { badgeDefinition, badgePath, type HeldBadge } from "~/models/badges/rules";

const TIER_LABELS = { gold: "Gold", silver: "Silver", bronze: "Bronze" } as const;

/** One badge as a link to its page: the tier as a mark and in words for screen readers. */
export function BadgeChip({ badge }: { badge: HeldBadge }) {
  const definition = badgeDefinition(badge.key);
  if (!definition) return null;
  const name = badge.tag ? `${definition.name}: ${badge.tag}` : definition.name;
  return (
    <a
      href={badgePath(badge.key, badge.tag)}
      className={`badge badge-tier badge-${definition.tier}`}
      title={definition.description}
    >
      <span aria-hidden="true">● </span>
      <span className="visually-hidden">{TIER_LABELS[definition.tier]} badge </span>
      {name}
    </a>
  );
}

/** An author's reputation (the number in `data-reputation`, for scripts) and most notable badges. */
export function AuthorStanding({ reputation, badges }: { reputation: number; badges: HeldBadge[] }) {
  return (
    <>
      <span className="reputation" data-reputation={reputation} title="Reputation">
        {reputation.toLocaleString("en")}
        <span className="visually-hidden"> reputation</span>
      </span>
      {badges.map((badge) => (
        <BadgeChip key={`${badge.key} ${badge.tag}`} badge={badge} />
      ))}
    </>
  );
}

/** A profile's badges, most notable first. */
export function ProfileBadges({ badges }: { badges: HeldBadge[] }) {
  return (
    <section aria-labelledby="profile-badges">
      <h2 id="profile-badges" className="section-title">
        Badges
      </h2>
      {badges.length === 0 ? (
        <p>No badges yet.</p>
      ) : (
        <ul className="badge-list">
          {badges.map((badge) => (
            <li key={`${badge.key} ${badge.tag}`}>
              <BadgeChip badge={badge} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
