import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable, type Column, type DataTableProps } from "./data-table";

type Account = { id: string; name: string; balanceCents: number };

const columns: Column<Account>[] = [
  { header: "Account", cell: (a) => a.name, rowHeader: true },
  { header: "Balance", cell: (a) => `$${(a.balanceCents / 100).toFixed(2)}`, numeric: true },
  { header: "Actions", hideHeader: true, cell: (a) => `Remove ${a.name}` },
];
const accounts: Account[] = [
  { id: "a", name: "Checking", balanceCents: 12_345 },
  { id: "b", name: "Savings", balanceCents: 500 },
];

const html = (props: Partial<DataTableProps<Account>> & ({ caption: string } | { labelledBy: string })) =>
  renderToStaticMarkup(createElement(DataTable<Account>, { columns, rows: accounts, rowKey: (a) => a.id, ...props }));

describe("the data table", () => {
  it("is named by its caption, heard only by screen readers unless shown", () => {
    expect(html({ caption: "Linked accounts" })).toContain('<caption class="sr-only">Linked accounts</caption>');
    const shown = html({ caption: "Linked accounts", showCaption: true });
    expect(shown).toMatch(/<caption class="[^"]*font-medium[^"]*">Linked accounts/);
    const labelled = html({ labelledBy: "accounts-title" });
    expect(labelled).toContain('aria-labelledby="accounts-title"');
    expect(labelled).not.toContain("<caption");
  });

  it("scopes its header cells, names each row by its row header, and aligns figures right", () => {
    const table = html({ caption: "Linked accounts" });
    expect(table.match(/<th scope="col"/g)).toHaveLength(3);
    expect(table).toMatch(/<th scope="col" class="[^"]*text-right[^"]*">Balance<\/th>/);
    expect(table).toMatch(/<th scope="row" class="[^"]*">Checking<\/th><td class="([^"]*)">\$123\.45</);
    expect(table.match(/<td class="([^"]*)">\$123\.45</)![1]).toContain("text-right tabular-nums");
    expect(table).toContain('<span class="sr-only">Actions</span>');
  });

  it("says its empty text instead of an empty table, and nothing without one", () => {
    const empty = html({ caption: "Linked accounts", rows: [], empty: "No accounts linked yet." });
    expect(empty).not.toContain("<table");
    expect(empty).toContain("No accounts linked yet.");
    expect(html({ caption: "Linked accounts", rows: [] })).toBe("");
  });

  it("keeps the table and says a placeholder across it in place of the rows", () => {
    const loading = html({ caption: "Entries", placeholder: "Loading entries…", busy: true });
    expect(loading).toContain('aria-busy="true"');
    expect(loading).toContain('<td colSpan="3"');
    expect(loading).toContain("Loading entries…");
    expect(loading).not.toContain("Checking");
  });
});
