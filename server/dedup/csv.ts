/** One parsed record with the 1-based physical line it starts on, for error messages. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    public readonly line: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/**
 * RFC 4180: comma-separated, fields optionally in double quotes, a quote inside a quoted field doubled,
 * commas and line breaks allowed inside quotes, CRLF or LF line ends. Blank lines are skipped. A byte
 * order mark at the start is ignored. Text after a closing quote, or an unclosed quote, is an error.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let index = 0;
  let fieldStarted = false;
  let recordHasQuote = false;

  const endField = () => {
    fields.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (recordHasQuote || !(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
    recordHasQuote = false;
  };

  while (index < source.length) {
    const char = source[index]!;
    if (char === '"' && !fieldStarted && field === "") {
      const quoteLine = line;
      index++;
      for (;;) {
        if (index >= source.length) throw new CsvSyntaxError("a quoted field is never closed", quoteLine);
        const inner = source[index]!;
        if (inner === '"') {
          if (source[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index++;
          break;
        }
        if (inner === "\n") line++;
        field += inner;
        index++;
      }
      fieldStarted = true;
      recordHasQuote = true;
      const next = source[index];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvSyntaxError("unexpected text after a closing quote", line);
      }
      continue;
    }
    if (char === ",") {
      endField();
      index++;
      continue;
    }
    if (char === "\r" || char === "\n") {
      endRecord();
      index += char === "\r" && source[index + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (char === '"') throw new CsvSyntaxError("a quote inside an unquoted field", line);
    field += char;
    fieldStarted = true;
    index++;
  }
  if (fieldStarted || fields.length > 0) endRecord();
  return records;
}

/** One field for CSV output: quoted only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
