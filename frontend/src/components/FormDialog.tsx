import { useId, type FormEvent, type ReactNode } from "react";
import { formError } from "@/lib/hooks";
import { useT } from "@/lib/i18n";
import { Button } from "./ui/button";
import { Dialog } from "./ui/dialog";
import { FormError } from "./ui/field";

interface FormDialogProps {
  open?: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** called on submit (the button or Enter in a field); the browser's default is already prevented */
  onSubmit: () => void;
  /** the mutation is running: the submit button shows the saving state and is disabled */
  pending?: boolean;
  /** the mutation's error: its non-field part shows above the fields (role="alert") */
  error?: unknown;
  /** fields that show their own server errors (left out of the form-level message) */
  fields?: string[];
  /** a form-level message of the caller's own, shown instead of the one taken from `error` */
  message?: ReactNode;
  submitLabel?: ReactNode;
  pendingLabel?: ReactNode;
  submitDisabled?: boolean;
  /** extra buttons in the footer, before Cancel */
  extraActions?: ReactNode;
  testId?: string;
  submitTestId?: string;
  cancelTestId?: string;
  side?: "center" | "right" | "left";
  className?: string;
  formClassName?: string;
  children: ReactNode;
}

/** A dialog holding one form: Enter submits, the footer has Cancel and a submit button with the saving state. */
export function FormDialog({
  open = true,
  onClose,
  title,
  description,
  onSubmit,
  pending = false,
  error,
  fields = [],
  message,
  submitLabel,
  pendingLabel,
  submitDisabled,
  extraActions,
  testId,
  submitTestId,
  cancelTestId,
  side,
  className,
  formClassName = "grid gap-4",
  children,
}: FormDialogProps) {
  const t = useT();
  const formId = `form${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // A dialog opened from inside another form (a new customer from the invoice form) is portalled out
    // of it in the DOM but not in React's tree: its submit must not reach the outer form.
    e.stopPropagation();
    if (pending || submitDisabled) return;
    onSubmit();
  };
  const formMessage = message ?? formError(error, fields);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      testId={testId}
      side={side}
      className={className}
      footer={
        <>
          {extraActions}
          <Button variant="outline" onClick={onClose} data-testid={cancelTestId}>
            {t("btn.cancel")}
          </Button>
          <Button type="submit" form={formId} loading={pending} disabled={submitDisabled} data-testid={submitTestId}>
            {pending ? (pendingLabel ?? t("btn.saving")) : (submitLabel ?? t("btn.save"))}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className={formClassName} noValidate>
        {typeof formMessage === "string" || formMessage == null ? (
          <FormError message={formMessage as string | null} />
        ) : (
          <div role="alert" data-testid="form-error" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive">
            {formMessage}
          </div>
        )}
        {children}
      </form>
    </Dialog>
  );
}
