import { badgeDefinition, badgePath, type HeldBadge } from "~/models/badges/rules";

const TIER_LABELS = { gold: "Gold", silver: "Silver", bronze: "Bronze" } as const;

/**
 * One badge as a link to its page, its tier a coloured mark (in words too with `tierInWords`: a
 * thread shows 50 of these, so there it stays short).
 */
export function BadgeChip({ badge, tierInWords = false }: { badge: HeldBadge; tierInWords?: boolean }) {
  const definition = badgeDefinition(badge.key);
  if (!definition) return null;
  return (
    <a href={badgePath(badge.key, badge.tag)} className={`badge badge-tier badge-${definition.tier}`}>
      {tierInWords ? <span className="visually-hidden">{TIER_LABELS[definition.tier]} badge: </span> : null}
      {badge.tag ? `${definition.name}: ${badge.tag}` : definition.name}
    </a>
  );
}

/** An author's reputation (the number in `data-reputation`, for scripts) and most notable badge. */
export function AuthorStanding({ reputation, badge }: { reputation: number; badge: HeldBadge | null }) {
  return (
    <>
      <span className="reputation" data-reputation={reputation}>
        {reputation.toLocaleString("en")}
        <span className="visually-hidden"> reputation</span>
      </span>
      {badge ? <BadgeChip badge={badge} /> : null}
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
              <BadgeChip badge={badge} tierInWords />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
