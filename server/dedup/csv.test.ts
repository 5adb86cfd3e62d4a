import { describe, expect, it } from "vitest";
import { csvField, CsvSyntaxError, parseCsv } from "./csv";

describe("CSV parsing (RFC 4180)", () => {
  it("reads plain fields and records with their line numbers", () => {
    expect(parseCsv("a,b,c\n1,2,3\n")).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["1", "2", "3"] },
    ]);
  });

  it("keeps commas, doubled quotes and line breaks inside quoted fields", () => {
    const records = parseCsv('id,description\n1,"STAPLES, INC ""#123"""\n2,"two\nlines"\n3,x\n');
    expect(records.map((record) => record.fields)).toEqual([
      ["id", "description"],
      ["1", 'STAPLES, INC "#123"'],
      ["2", "two\nlines"],
      ["3", "x"],
    ]);
    expect(records[3]!.line).toBe(5);
  });

  it("accepts CRLF, a byte order mark, a missing final newline and empty fields", () => {
    expect(parseCsv("\uFEFFa,b\r\n1,\r\n,2").map((record) => record.fields)).toEqual([
      ["a", "b"],
      ["1", ""],
      ["", "2"],
    ]);
  });

  it("skips blank lines but keeps a quoted empty field", () => {
    expect(parseCsv('a\n\n""\n').map((record) => record.fields)).toEqual([["a"], [""]]);
  });

  it("reports an unclosed quote and text after a closing quote with the line", () => {
    expect(() => parseCsv('a\n"open')).toThrowError(new CsvSyntaxError("a quoted field is never closed", 2));
    expect(() => parseCsv('a\n"x"y,2')).toThrowError(/unexpected text after a closing quote/);
    expect(() => parseCsv('a\nx"y')).toThrowError(/a quote inside an unquoted field/);
  });

  it("quotes output fields only when needed", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });
});
