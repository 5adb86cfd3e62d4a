"use client";

import { DataTable } from "@/app/_components/data-table";
import type { CsvMapping, StatementPreview } from "@/server/statements/schemas";

type Csv = NonNullable<StatementPreview["csv"]>;

/** Which column is what in a CSV export: proposed by Bankline, confirmed or changed here, remembered per account. */
export function CsvMappingForm({
  csv,
  mapping,
  onChange,
}: {
  csv: Csv;
  mapping: CsvMapping;
  onChange: (next: CsvMapping) => void;
}) {
  const columnOptions = csv.columns.map((name, at) => (
    <option key={at} value={at}>
      {name}
    </option>
  ));
  const column = (value: string) => Number(value);
  const optional = (value: string) => (value === "" ? null : Number(value));
  return (
    <fieldset className="space-y-3 rounded-card border border-surface-line p-3">
      <legend className="px-1 text-sm font-medium">Columns of this CSV file</legend>
      {csv.rememberedFor && (
        <p className="text-xs text-ink-muted">Read with the columns you chose for this bank&apos;s exports before.</p>
      )}
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor="csv-date" className="label">
            Date column
          </label>
          <select
            id="csv-date"
            className="field"
            value={mapping.date}
            onChange={(e) => onChange({ ...mapping, date: column(e.target.value) })}
          >
            {columnOptions}
          </select>
        </div>
        <div>
          <label htmlFor="csv-date-format" className="label">
            Date format
          </label>
          <select
            id="csv-date-format"
            className="field"
            value={mapping.dateFormat}
            onChange={(e) => onChange({ ...mapping, dateFormat: e.target.value as CsvMapping["dateFormat"] })}
          >
            {csv.dateFormats.map((format) => (
              <option key={format} value={format}>
                {format}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="csv-decimal" className="label">
            Decimal mark
          </label>
          <select
            id="csv-decimal"
            className="field"
            value={mapping.decimalMark}
            onChange={(e) => onChange({ ...mapping, decimalMark: e.target.value as "." | "," })}
          >
            <option value=".">Point (1,234.56)</option>
            <option value=",">Comma (1.234,56)</option>
          </select>
        </div>
        <div>
          <label htmlFor="csv-amount-kind" className="label">
            Amounts
          </label>
          <select
            id="csv-amount-kind"
            className="field"
            value={mapping.amount.kind}
            onChange={(e) =>
              onChange({
                ...mapping,
                amount:
                  e.target.value === "signed"
                    ? {
                        kind: "signed",
                        column: mapping.amount.kind === "signed" ? mapping.amount.column : mapping.amount.debit,
                      }
                    : { kind: "split", debit: 0, credit: 0 },
              })
            }
          >
            <option value="signed">One column, minus for money out</option>
            <option value="split">Money out and in apart</option>
          </select>
        </div>
        {mapping.amount.kind === "signed" ? (
          <div>
            <label htmlFor="csv-amount" className="label">
              Amount column
            </label>
            <select
              id="csv-amount"
              className="field"
              value={mapping.amount.column}
              onChange={(e) => onChange({ ...mapping, amount: { kind: "signed", column: column(e.target.value) } })}
            >
              {columnOptions}
            </select>
          </div>
        ) : (
          <>
            <div>
              <label htmlFor="csv-debit" className="label">
                Money out column
              </label>
              <select
                id="csv-debit"
                className="field"
                value={mapping.amount.debit}
                onChange={(e) =>
                  onChange({
                    ...mapping,
                    amount: {
                      ...(mapping.amount as { kind: "split"; debit: number; credit: number }),
                      debit: column(e.target.value),
                    },
                  })
                }
              >
                {columnOptions}
              </select>
            </div>
            <div>
              <label htmlFor="csv-credit" className="label">
                Money in column
              </label>
              <select
                id="csv-credit"
                className="field"
                value={mapping.amount.credit}
                onChange={(e) =>
                  onChange({
                    ...mapping,
                    amount: {
                      ...(mapping.amount as { kind: "split"; debit: number; credit: number }),
                      credit: column(e.target.value),
                    },
                  })
                }
              >
                {columnOptions}
              </select>
            </div>
          </>
        )}
        <div>
          <label htmlFor="csv-description" className="label">
            Description column
          </label>
          <select
            id="csv-description"
            className="field"
            value={mapping.description[0]}
            onChange={(e) => onChange({ ...mapping, description: [column(e.target.value)] })}
          >
            {columnOptions}
          </select>
        </div>
        <div>
          <label htmlFor="csv-reference" className="label">
            Reference column
          </label>
          <select
            id="csv-reference"
            className="field"
            value={mapping.reference ?? ""}
            onChange={(e) => onChange({ ...mapping, reference: optional(e.target.value) })}
          >
            <option value="">None</option>
            {columnOptions}
          </select>
        </div>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={mapping.signsReversed}
          onChange={(e) => onChange({ ...mapping, signsReversed: e.target.checked })}
        />
        Charges are positive in this file (some card exports)
      </label>
      {csv.sample.length > 0 && (
        <details className="space-y-2">
          <summary id="csv-sample" className="cursor-pointer text-xs text-ink-muted">
            First rows as read
          </summary>
          <DataTable
            labelledBy="csv-sample"
            columns={csv.columns.map((name, at) => ({ header: name, cell: (row: string[]) => row[at] }))}
            rows={csv.sample}
            rowKey={(_, index) => index}
          />
        </details>
      )}
    </fieldset>
  );
}
