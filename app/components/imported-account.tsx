type ImportedAccount = {
  sites: string[];
  badges: { site: string; name: string; tier: "gold" | "silver" | "bronze"; times: number }[];
  claimable: boolean;
};

const TIER_LABELS = { gold: "Gold", silver: "Silver", bronze: "Bronze" } as const;

/** Where an imported account came from, how its owner claims it, and the badges it earned there. */
export function ImportedAccountNote({ account }: { account: ImportedAccount }) {
  return (
    <p className="notice" role="note">
      Imported from {account.sites.join(", ")}.{" "}
      {account.claimable ? (
        <>
          Is this you? <a href="/forgot-password">Claim it by email</a>: we send a link to the address the account has,
          and the password you choose with it is yours.
        </>
      ) : null}
    </p>
  );
}

export function ImportedBadges({ account }: { account: ImportedAccount }) {
  if (account.badges.length === 0) return null;
  return account.sites.map((site) => {
    const earned = account.badges.filter((badge) => badge.site === site);
    if (earned.length === 0) return null;
    return (
      <section key={site} aria-label={`Badges earned on ${site}`}>
        <h2 className="section-title">Earned on {site}</h2>
        <ul className="badge-list">
          {earned.map((badge) => (
            <li key={`${badge.tier} ${badge.name}`}>
              <span className={`badge badge-tier badge-${badge.tier}`}>
                <span className="visually-hidden">{TIER_LABELS[badge.tier]} badge: </span>
                {badge.name}
              </span>
              {badge.times > 1 ? ` × ${badge.times}` : null}
            </li>
          ))}
        </ul>
      </section>
    );
  });
}
