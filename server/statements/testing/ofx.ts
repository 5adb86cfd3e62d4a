// Statement files made in tests: OFX 1.x of one or more accounts, with the rows given.

export interface OfxRow {
  fitid: string | null;
  date: string;
  amountCents: number;
  name: string;
  checkNumber?: string;
}

export interface OfxAccount {
  number: string;
  kind?: "CHECKING" | "SAVINGS";
  rows: OfxRow[];
}

const amount = (cents: number) =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;

export function ofxText(accounts: OfxAccount[]): string {
  const statements = accounts.map(
    (account) => `<STMTTRNRS>
<TRNUID>1
<STATUS>
<CODE>0
<SEVERITY>INFO
</STATUS>
<STMTRS>
<CURDEF>USD
<BANKACCTFROM>
<BANKID>121000248
<ACCTID>${account.number}
<ACCTTYPE>${account.kind ?? "CHECKING"}
</BANKACCTFROM>
<BANKTRANLIST>
<DTSTART>20260101
<DTEND>20261231
${account.rows
  .map(
    (row) => `<STMTTRN>
<TRNTYPE>${row.amountCents < 0 ? "DEBIT" : "CREDIT"}
<DTPOSTED>${row.date.replaceAll("-", "")}
<TRNAMT>${amount(row.amountCents)}
${row.fitid === null ? "" : `<FITID>${row.fitid}\n`}${row.checkNumber ? `<CHECKNUM>${row.checkNumber}\n` : ""}<NAME>${row.name.replaceAll("&", "&amp;")}
</STMTTRN>`,
  )
  .join("\n")}
</BANKTRANLIST>
</STMTRS>
</STMTTRNRS>`,
  );
  return `OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1>
<SONRS>
<STATUS>
<CODE>0
<SEVERITY>INFO
</STATUS>
<DTSERVER>20260402
<LANGUAGE>ENG
</SONRS>
</SIGNONMSGSRSV1>
<BANKMSGSRSV1>
${statements.join("\n")}
</BANKMSGSRSV1>
</OFX>
`;
}

export const ofxBytes = (accounts: OfxAccount[]) => new TextEncoder().encode(ofxText(accounts));
