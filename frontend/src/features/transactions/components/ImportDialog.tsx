import { CheckCircle2, Copy, FileWarning } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { fieldError, formError } from "@/lib/hooks";
import { interpolate, useT } from "@/lib/i18n";
import { useOnline } from "@/features/offline/hooks";
import { useImportTransactions } from "../api";

export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<"generic" | "mpesa">("mpesa");

  const online = useOnline();
  const upload = useImportTransactions();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file && online) upload.mutate({ file, format });
  };

  const result = upload.data;
  const errors = Array.isArray(result?.errors) ? result.errors : [];

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("transactions.import.title")}
      description={t("transactions.import.description")}
      testId="import-dialog"
      footer={
        result ? (
          <>
            <Button variant="outline" onClick={() => upload.reset()} data-testid="import-another">
              {t("transactions.import.another")}
            </Button>
            <Button onClick={onClose} data-testid="import-done">
              {t("btn.close")}
            </Button>
          </>
        ) : (
          <>
            <Button variant="outline" onClick={onClose}>
              {t("btn.cancel")}
            </Button>
            <Button type="submit" form="import-form" loading={upload.isPending} disabled={!file || !online} data-testid="import-submit">
              {t("btn.import")}
            </Button>
          </>
        )
      }
    >
      {result ? (
        <div className="grid gap-4" data-testid="import-result">
          <div className="grid grid-cols-2 gap-3">
            <div className="rounded-lg border bg-emerald-50 p-3">
              <div className="flex items-center gap-1.5 text-sm text-emerald-800">
                <CheckCircle2 className="size-4" aria-hidden /> {t("transactions.import.created")}
              </div>
              <p className="mt-1 text-2xl font-semibold tabular" data-testid="import-created">
                {result.created ?? 0}
              </p>
            </div>
            <div className="rounded-lg border bg-muted p-3">
              <div className="flex items-center gap-1.5 text-sm text-muted-foreground">
                <Copy className="size-4" aria-hidden /> {t("transactions.import.duplicates")}
              </div>
              <p className="mt-1 text-2xl font-semibold tabular" data-testid="import-duplicates">
                {result.duplicates ?? 0}
              </p>
            </div>
          </div>
          {errors.length > 0 ? (
            <div>
              <p className="mb-2 flex items-center gap-1.5 text-sm font-medium text-destructive">
                <FileWarning className="size-4" aria-hidden />{" "}
                {errors.length === 1 ? t("transactions.import.rowErrors.one") : interpolate(t("transactions.import.rowErrors.many"), { count: errors.length })}
              </p>
              <div className="max-h-60 overflow-y-auto rounded-md border">
                <Table data-testid="import-errors">
                  <THead>
                    <tr>
                      <TH className="w-16">{t("transactions.import.row")}</TH>
                      <TH>{t("transactions.import.problem")}</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {errors.map((e, i) => (
                      <TR key={i}>
                        <TD className="tabular">{e.row}</TD>
                        <TD>{e.message}</TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </div>
            </div>
          ) : (
            <p className="text-sm text-muted-foreground">{t("transactions.import.allGood")}</p>
          )}
        </div>
      ) : (
        <form id="import-form" onSubmit={submit} className="grid gap-4" noValidate>
          {!online && (
            <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="import-offline">
              {t("transactions.import.needsConnection")}
            </p>
          )}
          <FormError message={formError(upload.error, ["file", "format"])} />
          <Field label={t("transactions.import.format")} error={fieldError(upload.error, "format")}>
            <Select value={format} onChange={(e) => setFormat(e.target.value as "generic" | "mpesa")} data-testid="import-format">
              <option value="mpesa">{t("transactions.import.format.mpesa")}</option>
              <option value="generic">{t("transactions.import.format.generic")}</option>
            </Select>
          </Field>
          <Field label={t("transactions.import.file")} error={fieldError(upload.error, "file")} hint={t("transactions.import.fileHint")}>
            <Input type="file" accept=".csv,.xlsx,.xls,.pdf,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
          </Field>
        </form>
      )}
    </Dialog>
  );
}
