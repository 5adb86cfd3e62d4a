import { parseMoney, type DecimalMark } from "./amount";
import { fullYear, isoDate } from "./dates";
import { StatementError, type AccountKind, type StatementAccount, type StatementTransaction } from "./types";

// Quicken Interchange Format: `!Type:Bank` (or Cash, CCard …) then records of one-letter fields, each record
// ended by `^`. `!Account` blocks name the account the records after them belong to, so one file may hold
// several. Splits, categories and addresses are not needed here.

export function looksLikeQif(text: string): boolean {
  return /^\s*!(Type|Account|Option|Clear)/im.test(text.slice(0, 2048));
}

const KINDS: Record<string, AccountKind> = {
  bank: "checking",
  cash: "checking",
  ccard: "creditCard",
  "oth a": "other",
  "oth l": "other",
};

interface Draft {
  startLine: number;
  date: { text: string; line: number } | null;
  amount: { text: string; line: number } | null;
  payee: string | null;
  memo: string | null;
  number: string | null;
}

interface AccountDraft {
  number: string | null;
  kind: AccountKind;
  rows: Draft[];
}

export function parseQif(text: string): StatementAccount[] {
  const lines = text.split(/\r\n|\r|\n/);
  const accounts: AccountDraft[] = [];
  let account: AccountDraft | null = null;
  let pendingAccount: { name: string | null } | null = null;
  let inAccountBlock = false;
  let skipping = false;
  let draft: Draft | null = null;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trimEnd();
    if (text.trim() === "") return;
    if (text.startsWith("!")) {
      if (draft)
        throw new StatementError(`line ${draft.startLine}: this transaction has no closing ^ before line ${line}`, {
          line: draft.startLine,
        });
      const header = text.slice(1).trim().toLowerCase();
      if (header === "account") {
        inAccountBlock = true;
        pendingAccount = { name: null };
        return;
      }
      if (header.startsWith("type:")) {
        const type = header.slice(5).trim();
        skipping = !(type in KINDS);
        if (skipping) return;
        account = { number: pendingAccount?.name ?? null, kind: KINDS[type]!, rows: [] };
        accounts.push(account);
        pendingAccount = null;
        return;
      }
      return;
    }
    if (inAccountBlock) {
      if (text === "^") {
        inAccountBlock = false;
        return;
      }
      if (text[0] === "N") pendingAccount!.name = text.slice(1).trim() || null;
      return;
    }
    if (skipping) return;
    if (!account) throw new StatementError(`line ${line}: a transaction before any !Type: line`, { line });
    if (text === "^") {
      if (draft) account.rows.push(draft);
      draft = null;
      return;
    }
    draft ??= { startLine: line, date: null, amount: null, payee: null, memo: null, number: null };
    const value = text.slice(1).trim();
    switch (text[0]) {
      case "D":
        draft.date = { text: value, line };
        break;
      case "T":
      case "U":
        draft.amount ??= { text: value, line };
        break;
      case "P":
        draft.payee = value;
        break;
      case "M":
        draft.memo = value;
        break;
      case "N":
        draft.number = value;
        break;
    }
  });
  if (draft)
    throw new StatementError(
      `line ${(draft as Draft).startLine}: the file ends inside a transaction that has no closing ^: ` +
        "it looks cut off (download it again)",
      { line: (draft as Draft).startLine },
    );
  if (inAccountBlock)
    throw new StatementError(`line ${lines.length}: the file ends inside an !Account block: it looks cut off`, {
      line: lines.length,
    });
  const withRows = accounts.filter((a) => a.rows.length > 0);
  if (withRows.length === 0) throw new StatementError("the QIF file holds no bank or card transactions", {});
  const order = dateOrder(withRows.flatMap((a) => a.rows));
  const mark = decimalMark(withRows.flatMap((a) => a.rows));
  return withRows.map((a) => {
    const transactions = a.rows.map((row) => readRow(row, order, mark));
    const signsReversed =
      a.kind === "creditCard" &&
      transactions.length >= 3 &&
      transactions.filter((t) => t.amountCents > 0).length > transactions.length * 0.7;
    return {
      number: a.number,
      bankId: null,
      kind: a.kind,
      currency: null,
      signsReversed,
      transactions: signsReversed ? transactions.map((t) => ({ ...t, amountCents: -t.amountCents })) : transactions,
    };
  });
}

type DateOrder = "mdy" | "dmy" | "ymd";

const DATE = /^(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*(?:[/.-]|')\s*(\d{1,4})$/;

/** Quicken writes the US order (3/14'26); European exports the day first. A part above 12 tells which. */
function dateOrder(rows: readonly Draft[]): DateOrder {
  let dayFirst = false;
  let monthFirst = false;
  for (const row of rows) {
    const parts = row.date && DATE.exec(row.date.text);
    if (!parts) continue;
    if (parts[1]!.length === 4) return "ymd";
    if (Number(parts[1]) > 12) dayFirst = true;
    if (Number(parts[2]) > 12) monthFirst = true;
  }
  return dayFirst && !monthFirst ? "dmy" : "mdy";
}

function decimalMark(rows: readonly Draft[]): DecimalMark {
  let comma = 0;
  let point = 0;
  for (const row of rows) {
    if (!row.amount) continue;
    if (/,\d{1,2}$/.test(row.amount.text)) comma++;
    else if (/\.\d{1,2}$/.test(row.amount.text)) point++;
  }
  return comma > point ? "," : ".";
}

function readRow(row: Draft, order: DateOrder, mark: DecimalMark): StatementTransaction {
  if (!row.date)
    throw new StatementError(`line ${row.startLine}: the transaction there has no date (D line)`, {
      line: row.startLine,
    });
  if (!row.amount)
    throw new StatementError(`line ${row.startLine}: the transaction there has no amount (T line)`, {
      line: row.startLine,
    });
  const parts = DATE.exec(row.date.text);
  const [a, b, c] = parts ? [Number(parts[1]), Number(parts[2]), Number(parts[3])] : [0, 0, 0];
  const date = !parts
    ? null
    : order === "ymd"
      ? isoDate(a, b, c)
      : order === "dmy"
        ? isoDate(fullYear(c), b, a)
        : isoDate(fullYear(c), a, b);
  if (!date)
    throw new StatementError(`line ${row.date.line}: "${row.date.text}" is not a date`, { line: row.date.line });
  const number = row.number && /^\d+$/.test(row.number) ? row.number.replace(/^0+(?=\d)/, "") : null;
  const description = [row.payee, row.memo && row.memo !== row.payee ? row.memo : null]
    .filter(Boolean)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return {
    reference: null,
    date,
    amountCents: parseMoney(row.amount.text, mark, row.amount.line),
    description: description || (number ? `CHECK ${number}` : ""),
    checkNumber: number,
    line: row.startLine,
  };
}
