import { isValidElement, type ComponentProps, type ReactNode } from "react";
import { useT } from "@/lib/i18n";
import { EmptyState, ErrorState } from "./common";
import { ListSkeleton } from "./ui/skeleton";

type EmptyStateProps = ComponentProps<typeof EmptyState>;

/** The parts of a React Query result this component reads. */
interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
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
  children: (data: T) => ReactNode;
}

function isEmptyProps(value: unknown): value is EmptyStateProps {
  return typeof value === "object" && value !== null && !isValidElement(value) && "icon" in value && "title" in value;
}

/**
 * One query's loading, error and empty states, then its content.
 * Test ids: `loading` (with aria-busy) while pending, `error-state` on error (offline-aware), `empty-state` when empty.
 */
export function QueryState<T>({ query, isEmpty, empty, loading, frame = (n) => n, children }: QueryStateProps<T>) {
  const t = useT();
  if (query.isPending) {
    return loading === undefined ? (
      <ListSkeleton />
    ) : (
      <div data-testid="loading" aria-busy="true" aria-label={t("word.loading")} role="status">
        {loading}
      </div>
    );
  }
  if (query.isError || query.data === undefined) {
    return <>{frame(<ErrorState error={query.error} onRetry={() => void query.refetch()} />)}</>;
  }
  const data = query.data;
  if (isEmpty?.(data)) {
    const node = isEmptyProps(empty) ? <EmptyState {...empty} /> : (empty ?? null);
    return <>{frame(node)}</>;
  }
  return <>{children(data)}</>;
}
