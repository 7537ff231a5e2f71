import { NavLink } from "@remix-run/react";
import { useNavCapabilities } from "~/root";

const SECTIONS = [
  { to: "/mod", label: "Review queue", needs: "moderation" },
  { to: "/mod/edits", label: "Suggested edits", needs: "moderation" },
  { to: "/mod/log", label: "Audit log", needs: "moderation" },
  { to: "/mod/lexicon", label: "Reply lexicon", needs: "moderation" },
  { to: "/mod/synonyms", label: "Search synonyms", needs: "moderation" },
  { to: "/mod/reputation", label: "Reputation", needs: "moderation" },
  { to: "/mod/settings", label: "Settings and access", needs: "moderationSettings" },
  { to: "/mod/trust", label: "Trust levels", needs: "trustSettings" },
  { to: "/mod/rewards", label: "Rewards", needs: "rewardsCatalogue" },
] as const;

/** The moderation section's own navigation: the queue, the log, the lexicon and (admins) settings, trust levels and rewards. */
export function ModNav() {
  const nav = useNavCapabilities();
  return (
    <nav aria-label="Moderation" className="mod-nav">
      <ul className="segmented">
        {SECTIONS.filter((section) => nav?.[section.needs]).map((section) => (
          <li key={section.to}>
            <NavLink to={section.to} end>
              {section.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
