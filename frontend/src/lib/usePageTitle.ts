import { useEffect } from "react";

/** Sets the document title for a page: "Invoices · KAVI". Every routed page calls it once. */
export function usePageTitle(title: string | null | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · KAVI`;
  }, [title]);
}
