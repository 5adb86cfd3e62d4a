"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type DragEvent } from "react";
import { useFocusOnMount } from "@/app/_components/connections/dialog";
import { DataTable } from "@/app/_components/data-table";
import { formatDay, formatMoney } from "@/app/_lib/money";
import { useTRPC } from "@/app/_lib/trpc";
import type {
  CsvMapping,
  StatementImported as Imported,
  StatementPreview as Preview,
} from "@/server/statements/schemas";
import { MAX_STATEMENT_BYTES as MAX_BYTES } from "@/server/statements/types";
import { CsvMappingForm } from "./csv-mapping-form";

const FORMATS: Record<Preview["format"], string> = {
  ofx: "OFX",
  qfx: "QFX",
  qif: "QIF",
  csv: "CSV",
  camt053: "CAMT.053",
};
const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

/** A file's bytes as base64, in slices (a 10 MB file is too long for one String.fromCharCode call). */
function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/** The steps of Import statement (import-statement-dialog.tsx), loaded when the dialog first opens. */
export function ImportSteps({ orgSlug, onDone }: { orgSlug: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [file, setFile] = useState<{ name: string; contentBase64: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [mapping, setMapping] = useState<CsvMapping | null>(null);
  const [targets, setTargets] = useState<Record<number, string>>({});
  const [result, setResult] = useState<Imported | null>(null);
  const [dragging, setDragging] = useState(false);
  const accounts = useQuery(trpc.feed.accounts.queryOptions({ orgSlug }));
  const registers = useQuery(trpc.register.list.queryOptions({ orgSlug }));

  const preview = useMutation(
    trpc.statements.preview.mutationOptions({
      onSuccess: (data) => {
        setProblem(null);
        if (data.csv?.mapping) setMapping(data.csv.mapping);
        setTargets(
          Object.fromEntries(
            data.accounts.map((a) => [a.index, a.suggestedBankAccountId ? `bank:${a.suggestedBankAccountId}` : ""]),
          ),
        );
      },
      onError: (error) => setProblem(error.message),
    }),
  );
  const importFile = useMutation(
    trpc.statements.import.mutationOptions({
      onSuccess: (data) => {
        setResult(data);
        setProblem(null);
      },
      onError: (error) => setProblem(error.message),
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.feed.pathFilter());
        void queryClient.invalidateQueries(trpc.register.pathFilter());
      },
    }),
  );

  async function choose(chosen: File | undefined) {
    setResult(null);
    setProblem(null);
    setMapping(null);
    preview.reset();
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      setFile(null);
      setProblem(
        `${chosen.name} is ${(chosen.size / 1024 / 1024).toFixed(1)} MB. Statement files of up to 10 MB can be ` +
          `imported; download a shorter period.`,
      );
      return;
    }
    const next = { name: chosen.name, contentBase64: toBase64(await chosen.arrayBuffer()) };
    setFile(next);
    preview.mutate({ orgSlug, fileName: next.name, contentBase64: next.contentBase64 });
  }

  function remap(next: CsvMapping) {
    setMapping(next);
    if (file) preview.mutate({ orgSlug, fileName: file.name, contentBase64: file.contentBase64, csvMapping: next });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer.files[0]);
  }

  const data = preview.data;
  const chosenTargets = data ? data.accounts.filter((a) => targets[a.index]) : [];
  const bankAccounts = (accounts.data ?? []).filter((a) => !a.removed && a.register);

  function submit() {
    if (!file || !data) return;
    setProblem(null);
    importFile.mutate({
      orgSlug,
      fileName: file.name,
      contentBase64: file.contentBase64,
      csvMapping: data.csv ? mapping : null,
      targets: chosenTargets.map((a) => {
        const [kind, id] = targets[a.index]!.split(":") as ["bank" | "register", string];
        return kind === "bank" ? { account: a.index, bankAccountId: id } : { account: a.index, registerId: id };
      }),
    });
  }

  if (result) {
    const total = result.accounts.reduce((sum, a) => sum + a.added, 0);
    return (
      <div className="space-y-4">
        <h2 id="import-statement-title" ref={heading} tabIndex={-1} className="text-lg font-semibold">
          Statement imported
        </h2>
        <ul className="space-y-1" role="status">
          {result.accounts.map((a) => (
            <li key={a.account}>
              <strong>{a.bankAccountName}</strong>: {plural(a.added, "new row")} in the feed
              {a.flagged ? `, ${plural(a.flagged, "possible duplicate")} flagged` : ""}
              {a.hidden ? `, ${a.hidden} hidden again` : ""}
              {a.alreadyInFeed ? `, ${plural(a.alreadyInFeed, "transaction")} already in the feed` : ""}.
            </li>
          ))}
        </ul>
        {total === 0 && (
          <p className="text-ink-muted">Everything in this file was in the feed already; nothing was added twice.</p>
        )}
        <div className="flex justify-end">
          <button type="button" className="btn-primary" onClick={onDone}>
            Done
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <h2 id="import-statement-title" ref={heading} tabIndex={-1} className="text-lg font-semibold">
        Import a statement file
      </h2>
      <p className="text-sm text-ink-muted">
        OFX, QFX, QIF, CSV or CAMT.053 from your bank&apos;s site, up to 10 MB. Its transactions join the bank feed and
        are checked against the register like retrieved ones; nothing is saved before you import.
      </p>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={
          "rounded-card border-2 border-dashed p-4 " +
          (dragging ? "border-brand-600 bg-surface-sunken" : "border-surface-line")
        }
      >
        <label htmlFor="statement-file" className="label">
          Statement file
        </label>
        <input
          id="statement-file"
          type="file"
          accept=".ofx,.qfx,.qif,.csv,.txt,.xml,.camt,.053"
          className="block text-sm"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        <p className="mt-1 text-xs text-ink-muted">…or drop it here.</p>
      </div>

      <div aria-live="polite">
        {preview.isPending && <p className="text-ink-muted">Reading {file?.name}…</p>}
        {problem && (
          <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
            {problem}
          </p>
        )}
      </div>

      {data && (
        <div className="space-y-4">
          <p className="text-sm">
            Read <strong>{data.fileName}</strong> as {FORMATS[data.format]}
            {data.encoding && data.encoding !== "utf-8" ? ` (${data.encoding})` : ""}:{" "}
            {plural(data.accounts.length, "account")}.
          </p>
          {data.csv && mapping && <CsvMappingForm csv={data.csv} mapping={mapping} onChange={remap} />}
          {data.csv && !mapping && (
            <p role="alert" className="text-sm text-warn">
              Bankline could not tell which columns hold the date, the amount and the description of this CSV file.
            </p>
          )}
          <DataTable
            caption="Accounts found in the file"
            rows={data.accounts}
            rowKey={(a) => a.index}
            columns={[
              {
                header: "Account in the file",
                rowHeader: true,
                cell: (a) => (
                  <>
                    <div className="font-medium">{a.label}</div>
                    {a.currency && <div className="text-xs text-ink-muted">{a.currency}</div>}
                    {a.signsReversed && (
                      <div className="text-xs text-warn">
                        Charges were listed as positive amounts; shown here as money out.
                      </div>
                    )}
                  </>
                ),
              },
              { header: "Transactions", cell: (a) => a.count.toLocaleString("en-US"), numeric: true },
              {
                header: "Dates",
                cell: (a) => (a.firstDate && a.lastDate ? `${formatDay(a.firstDate)} – ${formatDay(a.lastDate)}` : "–"),
                className: "whitespace-nowrap",
              },
              {
                header: "Total",
                numeric: true,
                cell: (a) => (
                  <>
                    <div>{formatMoney(a.totalCents)}</div>
                    <div className="text-xs text-ink-muted">
                      in {formatMoney(a.moneyInCents)} · out {formatMoney(-a.moneyOutCents)}
                    </div>
                  </>
                ),
              },
              {
                header: "Goes to",
                cell: (a) => (
                  <select
                    aria-label={`Where ${a.label} goes`}
                    className="field w-auto"
                    value={targets[a.index] ?? ""}
                    onChange={(e) => setTargets({ ...targets, [a.index]: e.target.value })}
                  >
                    <option value="">Don&apos;t import</option>
                    {bankAccounts.length > 0 && (
                      <optgroup label="Bank account">
                        {bankAccounts.map((b) => (
                          <option key={b.id} value={`bank:${b.id}`}>
                            {b.institutionName} · {b.name} ··{b.mask} → {b.register!.name}
                          </option>
                        ))}
                      </optgroup>
                    )}
                    {(registers.data ?? []).length > 0 && (
                      <optgroup label="Register (statements only)">
                        {registers.data!.map((r) => (
                          <option key={r.id} value={`register:${r.id}`}>
                            {r.name}
                          </option>
                        ))}
                      </optgroup>
                    )}
                  </select>
                ),
              },
            ]}
          />
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={onDone}>
              Cancel
            </button>
            <button
              type="button"
              className="btn-primary"
              aria-disabled={importFile.isPending || chosenTargets.length === 0}
              onClick={() => !importFile.isPending && chosenTargets.length > 0 && submit()}
            >
              {importFile.isPending
                ? "Importing…"
                : `Import ${plural(
                    chosenTargets.reduce((sum, a) => sum + a.count, 0),
                    "transaction",
                  )}`}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
