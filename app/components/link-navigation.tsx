import { useNavigate } from "@remix-run/react";
import { useEffect } from "react";

/**
 * Long lists render plain <a href> (a Remix <Link> costs a router lookup each, which dominated the
 * server render of a 50-answer thread). This one document-level listener gives those anchors
 * client-side navigation once JavaScript runs; without it they are ordinary links.
 */
export function usePlainLinkNavigation() {
  const navigate = useNavigate();
  useEffect(() => {
    function onClick(event: MouseEvent) {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      const anchor = (event.target as Element | null)?.closest?.("a[href]");
      if (!(anchor instanceof HTMLAnchorElement) || anchor.target || anchor.hasAttribute("download")) return;
      const url = new URL(anchor.href);
      if (url.origin !== window.location.origin || anchor.dataset.reload !== undefined) return;
      if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
      event.preventDefault();
      navigate(url.pathname + url.search + url.hash);
    }
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [navigate]);
}
