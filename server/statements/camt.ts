import { parseMoney } from "./amount";
import { isoDate } from "./dates";
import { child, children, findAll, parseXml, textAt, type Element } from "./tree";
import { StatementError, type StatementAccount, type StatementTransaction } from "./types";

// ISO 20022 CAMT.053, the bank-to-customer statement: Document/BkToCstmrStmt/Stmt per account, Ntry per booked
// entry with its amount, credit/debit indicator, booking date and references. Entries not booked are left out.

export function looksLikeCamt053(text: string): boolean {
  const head = text.slice(0, 4096);
  return /camt\.053/i.test(head) || /<(\w+:)?BkToCstmrStmt\b/.test(head);
}

export function parseCamt053(text: string): StatementAccount[] {
  const root = parseXml(text);
  const report = findAll(root, "BkToCstmrStmt")[0];
  if (!report)
    throw new StatementError("no <BkToCstmrStmt> element: this is not a CAMT.053 statement", {
      element: "BkToCstmrStmt",
    });
  const statements = children(report, "Stmt");
  if (statements.length === 0)
    throw new StatementError(`line ${report.line}: <BkToCstmrStmt> holds no <Stmt>`, {
      line: report.line,
      element: "Stmt",
    });
  return statements.map(readStatement);
}

function readStatement(statement: Element): StatementAccount {
  const account = child(statement, "Acct");
  if (!account)
    throw new StatementError(`line ${statement.line}: the <Stmt> there has no <Acct>`, {
      line: statement.line,
      element: "Acct",
    });
  const number = textAt(account, "Id", "IBAN") ?? textAt(account, "Id", "Othr", "Id");
  const currency = textAt(account, "Ccy");
  const transactions = children(statement, "Ntry")
    .filter(isBooked)
    .map((entry) => readEntry(entry));
  return {
    number,
    bankId: textAt(account, "Svcr", "FinInstnId", "BICFI") ?? textAt(account, "Svcr", "FinInstnId", "BIC"),
    kind: "checking",
    currency: currency ?? transactions[0]?.currency ?? null,
    signsReversed: false,
    transactions: transactions.map(({ currency: _currency, ...row }) => row),
  };
}

function isBooked(entry: Element): boolean {
  const status = textAt(entry, "Sts", "Cd") ?? textAt(entry, "Sts");
  return status === null || status.toUpperCase() === "BOOK";
}

function readEntry(entry: Element): StatementTransaction & { currency: string | null } {
  const amount = child(entry, "Amt");
  if (!amount?.text.trim())
    throw new StatementError(`line ${entry.line}: the <Ntry> there has no <Amt>`, { line: entry.line, element: "Amt" });
  const indicator = textAt(entry, "CdtDbtInd");
  if (indicator !== "CRDT" && indicator !== "DBIT") {
    throw new StatementError(
      `line ${entry.line}: the <Ntry> there has <CdtDbtInd> ${indicator ?? "missing"}; expected CRDT or DBIT`,
      { line: entry.line, element: "CdtDbtInd" },
    );
  }
  const cents = parseMoney(amount.text, ".", amount.line);
  const dateText =
    textAt(entry, "BookgDt", "Dt") ??
    textAt(entry, "BookgDt", "DtTm") ??
    textAt(entry, "ValDt", "Dt") ??
    textAt(entry, "ValDt", "DtTm");
  const found = dateText ? /^(\d{4})-(\d{2})-(\d{2})/.exec(dateText) : null;
  const date = found ? isoDate(Number(found[1]), Number(found[2]), Number(found[3])) : null;
  if (!date)
    throw new StatementError(`line ${entry.line}: the <Ntry> there has no booking date (<BookgDt>)`, {
      line: entry.line,
      element: "BookgDt",
    });
  const details = findAll(entry, "TxDtls");
  const first = details[0];
  const party = first && (indicator === "DBIT" ? partyName(first, "Cdtr") : partyName(first, "Dbtr"));
  const remittance = details.flatMap((d) => findAll(d, "Ustrd").map((u) => u.text.trim())).filter(Boolean);
  const additional = textAt(entry, "AddtlNtryInf");
  const description = [party, ...remittance, additional && !remittance.includes(additional) ? additional : null]
    .filter(Boolean)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const reference =
    textAt(entry, "AcctSvcrRef") ??
    textAt(entry, "NtryRef") ??
    (first ? (textAt(first, "Refs", "AcctSvcrRef") ?? textAt(first, "Refs", "TxId")) : null);
  const checkNumber = first ? textAt(first, "Refs", "ChqNb") : null;
  return {
    reference,
    date,
    amountCents: indicator === "DBIT" ? -cents : cents,
    description: description || (indicator === "DBIT" ? "Debit" : "Credit"),
    checkNumber: checkNumber && /^\d+$/.test(checkNumber) ? checkNumber.replace(/^0+(?=\d)/, "") : null,
    line: entry.line,
    currency: amount.attributes?.Ccy ?? null,
  };
}

/** The name of a debtor or creditor: `<Cdtr><Nm>` in older versions, `<Cdtr><Pty><Nm>` from version 8. */
function partyName(details: Element, role: "Cdtr" | "Dbtr"): string | null {
  const parties = child(details, "RltdPties");
  if (!parties) return null;
  return textAt(parties, role, "Nm") ?? textAt(parties, role, "Pty", "Nm");
}
