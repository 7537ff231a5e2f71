import { NavLink } from "@remix-run/react";
import { useSignedInUser } from "~/root";

const SECTIONS = [
  { to: "/mod", label: "Review queue", adminOnly: false },
  { to: "/mod/log", label: "Audit log", adminOnly: false },
  { to: "/mod/lexicon", label: "Reply lexicon", adminOnly: false },
  { to: "/mod/settings", label: "Settings and access", adminOnly: true },
];

/** The moderation section's own navigation: the queue, the log, the lexicon and (admins) settings. */
export function ModNav() {
  const user = useSignedInUser();
  return (
    <nav aria-label="Moderation" className="mod-nav">
      <ul className="segmented">
        {SECTIONS.filter((section) => !section.adminOnly || user?.role === "admin").map((section) => (
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
