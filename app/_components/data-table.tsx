import type { Key, ReactNode } from "react";

// The tables of the portal and the console: named (a caption, or the heading of their section),
// with scoped header cells, figures aligned right, and a sentence instead of a table with no rows.

export interface Column<Row> {
  /** The column's name in its header cell; with `hideHeader` only screen readers hear it (buttons). */
  header: string;
  hideHeader?: boolean;
  cell: (row: Row) => ReactNode;
  /** Money and counts: aligned right, in figures of one width, never wrapped. */
  numeric?: boolean;
  /** The cell names its row (a header cell of scope row), as an account's name does. */
  rowHeader?: boolean;
  /** More classes for the column's cells: a font, a width, a colour that depends on the row. */
  className?: string | ((row: Row) => string);
}

/** The table's accessible name: its own caption (for screen readers only unless shown), or a heading's id. */
type Name = { caption: string; showCaption?: boolean; labelledBy?: never } | { labelledBy: string; caption?: never };

export type DataTableProps<Row> = Name & {
  /** Falsy entries are left out: columns only some people see. */
  columns: readonly (Column<Row> | false | null | undefined)[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => Key;
  /** Said instead of the table when there are no rows; without it an empty list shows nothing. */
  empty?: ReactNode;
  /** Said in one row across the table instead of the rows (loading, a failure, a filter that finds nothing). */
  placeholder?: ReactNode;
  /** The table reaches its card's edges (a card without padding): its cells keep a margin. */
  inset?: boolean;
  /** A newer list is loading (aria-busy). */
  busy?: boolean;
  /** Classes for a row of its own, such as a highlight. */
  rowClassName?: (row: Row) => string;
};

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(" ");
const rowLine = "border-b border-surface-line align-top last:border-0";

export function DataTable<Row>(props: DataTableProps<Row>) {
  const { rows, rowKey, empty, placeholder, inset = false, busy, rowClassName } = props;
  const columns = props.columns.filter((column): column is Column<Row> => !!column);
  if (rows.length === 0 && placeholder === undefined) {
    return empty === undefined ? null : <p className={classes("text-sm text-ink-muted", inset && "p-4")}>{empty}</p>;
  }
  const pad = inset ? "px-4 py-2" : "py-2 pr-4 last:pr-0";
  const figures = (column: Column<Row>) => column.numeric && "whitespace-nowrap text-right tabular-nums";
  return (
    // Relative, so that what is positioned inside (a screen reader's label) scrolls with the table, never the page.
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-sm" aria-labelledby={props.labelledBy} aria-busy={busy}>
        {props.caption !== undefined && (
          <caption className={props.showCaption ? classes("mb-1 text-left font-medium", inset && "px-4") : "sr-only"}>
            {props.caption}
          </caption>
        )}
        <thead className="border-b border-surface-line text-ink-muted">
          <tr>
            {columns.map((column, at) => (
              <th key={at} scope="col" className={classes(pad, "font-medium", column.numeric && "text-right")}>
                {column.hideHeader ? <span className="sr-only">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {placeholder !== undefined ? (
            <tr>
              <td colSpan={columns.length} className={classes(inset && "px-4", "py-6 text-ink-muted")}>
                {placeholder}
              </td>
            </tr>
          ) : (
            rows.map((row, index) => (
              <tr key={rowKey(row, index)} className={classes(rowLine, rowClassName?.(row))}>
                {columns.map((column, at) => {
                  const own = typeof column.className === "function" ? column.className(row) : column.className;
                  const className = classes(pad, figures(column), column.rowHeader && "font-normal", own);
                  return column.rowHeader ? (
                    <th key={at} scope="row" className={className}>
                      {column.cell(row)}
                    </th>
                  ) : (
                    <td key={at} className={className}>
                      {column.cell(row)}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
