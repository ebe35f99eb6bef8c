import { useCallback, useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";

/** Filter state kept in the URL (shareable, survives reloads); any change resets to page 1. */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const out = {} as Record<K, string>;
    for (const k of keys) out[k] = params.get(k) ?? "";
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);
  const page = Math.max(1, Number(params.get("page")) || 1);

  const setFilter = useCallback(
    (patch: Partial<Record<K, string>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch) as Array<[string, string | undefined]>) {
            if (v) next.set(k, v);
            else next.delete(k);
          }
          next.delete("page");
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setPage = useCallback(
    (p: number) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (p > 1) next.set("page", String(p));
          else next.delete("page");
          return next;
        },
        { replace: false },
      ),
    [setParams],
  );

  const clear = useCallback(() => setParams(new URLSearchParams(), { replace: true }), [setParams]);
  const active = keys.filter((k) => values[k] !== "").length;
  return { values, page, setFilter, setPage, clear, active };
}

export function useDebounced<T>(value: T, delay = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), delay);
    return () => clearTimeout(id);
  }, [value, delay]);
  return v;
}

/** A search box bound to a URL filter, debounced so typing doesn't fire a request per key. */
export function useSearchBox(current: string, apply: (v: string) => void) {
  const [text, setText] = useState(current);
  const debounced = useDebounced(text, 350);
  useEffect(() => {
    if (debounced !== current) apply(debounced);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  // Only an outside change (e.g. "clear filters") overwrites what is being typed. Adjusted while
  // rendering (React's pattern for state that follows a prop) rather than in an effect.
  const [seen, setSeen] = useState(current);
  if (current !== seen) {
    setSeen(current);
    if (current !== debounced) setText(current);
  }
  return [text, setText] as const;
}
