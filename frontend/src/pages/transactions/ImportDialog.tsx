import { CheckCircle2, Copy, FileWarning } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { TBody, TD, TH, THead, TR, Table } from "@/components/ui/table";
import { api } from "@/lib/client";
import { fieldError, formError, useBizMutation } from "@/lib/hooks";
import { useT } from "@/lib/i18n";

interface ImportResult {
  created: number;
  duplicates: number;
  errors: Array<{ row: number | string; message: string }>;
}

export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<"generic" | "mpesa">("mpesa");

  const upload = useBizMutation(async () => {
    const fd = new FormData();
    fd.append("file", file!);
    fd.append("format", format);
    return api.request<ImportResult>("finance/transactions/import/", { method: "POST", form: fd });
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) upload.mutate(undefined);
  };

  const result = upload.data;
  const errors = Array.isArray(result?.errors) ? result.errors : [];

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Import transactions"
      description="Upload an M-Pesa statement or a CSV in the standard layout. Rows already imported are skipped."
      testId="import-dialog"
      closeLabel={t("btn.close")}
      footer={
        result ? (
          <>
            <Button variant="outline" onClick={() => upload.reset()} data-testid="import-another">
              Import another file
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
            <Button type="submit" form="import-form" loading={upload.isPending} disabled={!file} data-testid="import-submit">
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
                <CheckCircle2 className="size-4" /> Created
              </div>
              <p className="mt-1 text-2xl font-semibold tabular" data-testid="import-created">
                {result.created ?? 0}
              </p>
            </div>
            <div className="rounded-lg border bg-muted p-3">
              <div className="flex items-center gap-1.5 text-sm text-muted-foreground">
                <Copy className="size-4" /> Duplicates skipped
              </div>
              <p className="mt-1 text-2xl font-semibold tabular" data-testid="import-duplicates">
                {result.duplicates ?? 0}
              </p>
            </div>
          </div>
          {errors.length > 0 ? (
            <div>
              <p className="mb-2 flex items-center gap-1.5 text-sm font-medium text-destructive">
                <FileWarning className="size-4" /> {errors.length} row{errors.length === 1 ? "" : "s"} could not be imported
              </p>
              <div className="max-h-60 overflow-y-auto rounded-md border">
                <Table data-testid="import-errors">
                  <THead>
                    <tr>
                      <TH className="w-16">Row</TH>
                      <TH>Problem</TH>
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
            <p className="text-sm text-muted-foreground">Every row was read without errors.</p>
          )}
        </div>
      ) : (
        <form id="import-form" onSubmit={submit} className="grid gap-4" noValidate>
          <FormError message={formError(upload.error, ["file", "format"])} />
          <Field label="File format" error={fieldError(upload.error, "format")}>
            <Select value={format} onChange={(e) => setFormat(e.target.value as "generic" | "mpesa")} data-testid="import-format">
              <option value="mpesa">M-Pesa statement</option>
              <option value="generic">CSV (standard columns)</option>
            </Select>
          </Field>
          <Field label="File" error={fieldError(upload.error, "file")} hint="CSV or the statement file exported from M-Pesa.">
            <Input type="file" accept=".csv,.xlsx,.xls,.pdf,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
          </Field>
        </form>
      )}
    </Dialog>
  );
}
