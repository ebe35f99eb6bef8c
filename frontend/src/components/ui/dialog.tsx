import { X } from "lucide-react";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { useT } from "@/lib/i18n";
import { cn } from "@/lib/utils";

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  /** center: modal dialog; right/left: a drawer (full width on phones) */
  side?: "center" | "right" | "left";
  className?: string;
  testId?: string;
  closeLabel?: string;
}

let openCount = 0;

/** A modal dialog / drawer: focus moves in, Escape and the backdrop close it, focus returns on close. */
export function Dialog({ open, onClose, title, description, children, footer, side = "center", className, testId, closeLabel }: DialogProps) {
  const t = useT();
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descId = useId();
  const onCloseRef = useRef(onClose);
  // The latest onClose, without reopening the dialog's effect each time the parent renders.
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    if (!open) return;
    const previouslyFocused = document.activeElement as HTMLElement | null;
    openCount += 1;
    document.body.style.overflow = "hidden";
    const panel = panelRef.current;
    const focusable = panel?.querySelector<HTMLElement>("[data-autofocus], input:not([type=hidden]), select, textarea");
    (focusable ?? panel)?.focus();

    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onCloseRef.current();
      } else if (e.key === "Tab" && panel) {
        const items = panel.querySelectorAll<HTMLElement>(
          'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
        );
        if (items.length === 0) return;
        const first = items[0];
        const last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    panel?.addEventListener("keydown", onKey);
    return () => {
      panel?.removeEventListener("keydown", onKey);
      openCount -= 1;
      if (openCount <= 0) document.body.style.overflow = "";
      previouslyFocused?.focus?.();
    };
  }, [open]);

  if (!open) return null;

  const panelClass =
    side === "center"
      ? "relative m-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-1.5rem)] max-w-lg overflow-y-auto rounded-lg"
      : cn("fixed inset-y-0 flex h-full w-full flex-col sm:max-w-md", side === "right" ? "right-0" : "left-0");

  return createPortal(
    <div className="fixed inset-0 z-50 flex">
      <div className="fixed inset-0 bg-black/40 backdrop-blur-[1px]" aria-hidden onClick={() => onCloseRef.current()} />
      <div
        ref={panelRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        data-testid={testId}
        className={cn("z-10 border bg-card shadow-xl outline-none", panelClass, className)}
      >
        <div className="flex items-start justify-between gap-4 border-b px-4 py-3 sm:px-5">
          <div className="min-w-0">
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            {description && (
              <p id={descId} className="mt-0.5 text-sm text-muted-foreground">
                {description}
              </p>
            )}
          </div>
          <button
            type="button"
            onClick={() => onCloseRef.current()}
            className="-mr-1 rounded-md p-1.5 text-muted-foreground hover:bg-muted hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
            aria-label={closeLabel ?? t("btn.close")}
            data-testid="dialog-close"
          >
            <X className="size-5" />
          </button>
        </div>
        <div className={cn(side === "center" ? "px-4 py-4 sm:px-5" : "min-h-0 flex-1 overflow-y-auto")}>{children}</div>
        {footer && <div className="flex flex-wrap justify-end gap-2 border-t px-4 py-3 sm:px-5">{footer}</div>}
      </div>
    </div>,
    document.body,
  );
}

interface ConfirmProps {
  open: boolean;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  destructive?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmDialog({ open, title, body, confirmLabel, cancelLabel, destructive, busy, onConfirm, onClose }: ConfirmProps) {
  const t = useT();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      testId="confirm-dialog"
      footer={
        <>
          <button
            type="button"
            className="h-10 rounded-md border px-4 text-sm font-medium hover:bg-muted"
            onClick={onClose}
            data-testid="confirm-cancel"
          >
            {cancelLabel ?? t("btn.cancel")}
          </button>
          <button
            type="button"
            data-autofocus
            disabled={busy}
            className={cn(
              "h-10 rounded-md px-4 text-sm font-medium text-white disabled:opacity-50",
              destructive ? "bg-destructive hover:bg-destructive/90" : "bg-primary hover:bg-primary/90",
            )}
            onClick={onConfirm}
            data-testid="confirm-ok"
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="text-sm text-muted-foreground">{body}</div>
    </Dialog>
  );
}
