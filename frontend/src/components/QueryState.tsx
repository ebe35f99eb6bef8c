import { isValidElement, type ComponentProps, type ReactNode } from "react";
import { OfflineNothingSaved } from "@/features/offline/components/OfflineNothingSaved";
import { useT } from "@/lib/i18n";
import { EmptyState, ErrorState } from "./common";
import { ListSkeleton } from "./ui/skeleton";

type EmptyStateProps = ComponentProps<typeof EmptyState>;

/** The parts of a React Query result this component reads. */
interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  /** "paused": offline before anything was fetched */
  fetchStatus?: string;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

interface QueryStateProps<T> {
  query: QueryLike<T>;
  /** true when the loaded data has nothing to show (the empty state appears instead of children) */
  isEmpty?: (data: T) => boolean;
  /** the empty state: EmptyState's props, or a node of its own */
  empty?: EmptyStateProps | ReactNode;
  /** a skeleton shaped like the content (default: a few list rows) */
  loading?: ReactNode;
  /** wraps the error and empty states, e.g. in a Card, so they sit where the content would */
  frame?: (node: ReactNode) => ReactNode;
  /** when a refetch fails, keep showing the data already there instead of the error (offline-first lists) */
  keepData?: boolean;
  /** the page knows the device is offline: while pending, show "nothing saved" rather than a skeleton */
  offline?: boolean;
  children: (data: T) => ReactNode;
}

function isEmptyProps(value: unknown): value is EmptyStateProps {
  return typeof value === "object" && value !== null && !isValidElement(value) && "icon" in value && "title" in value;
}

/**
 * One query's loading, error and empty states, then its content.
 * Test ids: `loading` (with aria-busy) while pending, `offline-empty` when offline with nothing saved,
 * `error-state` on error (offline-aware, as ErrorState is), `empty-state` when empty.
 */
export function QueryState<T>({ query, isEmpty, empty, loading, frame = (n) => n, keepData = false, offline = false, children }: QueryStateProps<T>) {
  const t = useT();
  // Offline before the first answer, with nothing saved on this device: say so rather than load forever.
  if (query.isPending && (offline || query.fetchStatus === "paused")) return <>{frame(<OfflineNothingSaved />)}</>;
  if (query.isPending) {
    return loading === undefined ? (
      <ListSkeleton />
    ) : (
      <div data-testid="loading" aria-busy="true" aria-label={t("word.loading")} role="status">
        {loading}
      </div>
    );
  }
  if ((query.isError && !(keepData && query.data !== undefined)) || query.data === undefined) {
    return <>{frame(<ErrorState error={query.error} onRetry={() => void query.refetch()} />)}</>;
  }
  const data = query.data;
  if (isEmpty?.(data)) {
    const node = isEmptyProps(empty) ? <EmptyState {...empty} /> : (empty ?? null);
    return <>{frame(node)}</>;
  }
  return <>{children(data)}</>;
}
