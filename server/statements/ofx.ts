import { parseMoney } from "./amount";
import { ofxDate } from "./dates";
import { child, children, findAll, parseSgml, parseXml, textAt, type Element } from "./tree";
import { StatementError, type AccountKind, type StatementAccount, type StatementTransaction } from "./types";

// OFX 1.x (SGML, after a header of KEY:VALUE lines), OFX 2.x (XML) and Quicken's QFX (OFX with Intuit's
// extra elements). Bank statements (STMTRS) and card statements (CCSTMTRS); one file may hold several.

export function looksLikeOfx(text: string): boolean {
  const head = text.slice(0, 4096).toUpperCase();
  return head.includes("OFXHEADER") || head.includes("<OFX>") || /<\?OFX\b/.test(head);
}

export function isQfx(text: string): boolean {
  return /<INTU\.BID>|<INTU\.USERID>/i.test(text.slice(0, 8192));
}

export function parseOfx(text: string): StatementAccount[] {
  const root = readTree(text);
  const ofx = findAll(root, "OFX")[0] ?? (root.children[0]?.name === "OFX" ? root.children[0] : undefined);
  if (!ofx) throw new StatementError("no <OFX> element: this is not an OFX file", { element: "OFX" });
  const statements = [
    ...findAll(ofx, "STMTRS").map((s) => ({ s, card: false })),
    ...findAll(ofx, "CCSTMTRS").map((s) => ({ s, card: true })),
  ];
  if (statements.length === 0) {
    const severity = findAll(ofx, "SEVERITY")[0];
    const message = findAll(ofx, "MESSAGE")[0]?.text.trim();
    if (severity?.text.trim() === "ERROR")
      throw new StatementError(
        `the bank's file reports an error${message ? `: ${message}` : ""}; it holds no statement`,
        { element: "STATUS" },
      );
    throw new StatementError("the OFX file holds no bank or card statement (<STMTRS> or <CCSTMTRS>)", {
      element: "STMTRS",
    });
  }
  statements.sort((a, b) => a.s.line - b.s.line);
  return statements.map(({ s, card }) => readStatement(s, card));
}

function readTree(text: string): Element {
  const start = text.search(/<OFX>|<\?xml|<\?OFX/i);
  if (start < 0) throw new StatementError("no <OFX> element: this is not an OFX file", { element: "OFX" });
  const header = text.slice(0, start);
  const line = header.split("\n").length;
  const body = text.slice(start);
  // OFX 2.x declares itself XML; 1.x says DATA:OFXSGML in its header.
  if (/^<\?xml/i.test(body) || (/^<\?OFX/i.test(body) && !/DATA:OFXSGML/i.test(header))) return parseXmlOfx(body, line);
  return parseSgml(body, line);
}

function parseXmlOfx(body: string, line: number): Element {
  try {
    return parseXml(body);
  } catch (error) {
    // Some banks label SGML as XML; SGML's values without closing tags are not XML.
    if (
      error instanceof StatementError &&
      /unexpected close tag|unmatched closing tag|closing tag/i.test(error.message)
    )
      return parseSgml(body, line);
    throw error;
  }
}

const ACCOUNT_KINDS: Record<string, AccountKind> = {
  CHECKING: "checking",
  SAVINGS: "savings",
  MONEYMRKT: "savings",
  CREDITLINE: "creditCard",
  CD: "savings",
};

function readStatement(statement: Element, card: boolean): StatementAccount {
  const from = child(statement, card ? "CCACCTFROM" : "BANKACCTFROM");
  const list = child(statement, "BANKTRANLIST");
  const number = from ? textAt(from, "ACCTID") : null;
  const rows = list ? children(list, "STMTTRN").map(readTransaction) : [];
  const signsReversed = card && chargesArePositive(rows);
  return {
    number,
    bankId: from ? textAt(from, "BANKID") : null,
    kind: card ? "creditCard" : (ACCOUNT_KINDS[(from && textAt(from, "ACCTTYPE"))?.toUpperCase() ?? ""] ?? "checking"),
    currency: textAt(statement, "CURDEF"),
    signsReversed,
    transactions: rows.map(({ type: _type, ...row }) =>
      signsReversed ? { ...row, amountCents: -row.amountCents } : row,
    ),
  };
}

interface OfxRow extends StatementTransaction {
  type: string;
}

function readTransaction(element: Element): OfxRow {
  const required = (name: string) => {
    const value = textAt(element, name);
    if (value === null)
      throw new StatementError(`line ${element.line}: the <STMTTRN> there has no <${name}>`, {
        line: element.line,
        element: name,
      });
    return value;
  };
  const amountElement = child(element, "TRNAMT");
  const amountText = required("TRNAMT");
  const line = amountElement?.line ?? element.line;
  // OFX amounts carry no thousands separator; some banks write a decimal comma.
  const amountCents = parseMoney(
    amountText,
    /,\d{1,2}$/.test(amountText) && !amountText.includes(".") ? "," : ".",
    line,
  );
  const name = textAt(element, "NAME") ?? textAt(element, "PAYEE", "NAME");
  const memo = textAt(element, "MEMO");
  const description = [name, memo && !name?.includes(memo) ? memo : null]
    .filter(Boolean)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const checkNumber = textAt(element, "CHECKNUM")?.replace(/^0+(?=\d)/, "") ?? null;
  return {
    type: (textAt(element, "TRNTYPE") ?? "OTHER").toUpperCase(),
    reference: textAt(element, "FITID"),
    date: ofxDate(required("DTPOSTED"), child(element, "DTPOSTED")!.line, "DTPOSTED"),
    amountCents,
    description: description || (checkNumber ? `CHECK ${checkNumber}` : (textAt(element, "TRNTYPE") ?? "")),
    checkNumber: checkNumber && /^\d+$/.test(checkNumber) ? checkNumber : null,
    line: element.line,
  };
}

const MONEY_OUT = new Set(["DEBIT", "POS", "ATM", "CHECK", "FEE", "SRVCHG", "CASH", "DIRECTDEBIT"]);
const MONEY_IN = new Set(["CREDIT", "DEP", "DIRECTDEP", "INT", "DIV"]);

/**
 * A card statement is mostly charges, money out. Where its rows say their type, a DEBIT with a positive amount
 * says the file counts charges positive; where they do not, most amounts being positive says so.
 */
function chargesArePositive(rows: readonly OfxRow[]): boolean {
  let agree = 0;
  let disagree = 0;
  for (const row of rows) {
    if (row.amountCents === 0) continue;
    const out = MONEY_OUT.has(row.type) ? true : MONEY_IN.has(row.type) ? false : null;
    if (out === null) continue;
    if (out === row.amountCents < 0) agree++;
    else disagree++;
  }
  if (agree + disagree >= 2) return disagree > agree * 2;
  const positive = rows.filter((row) => row.amountCents > 0).length;
  return rows.length >= 3 && positive > rows.length * 0.7;
}
