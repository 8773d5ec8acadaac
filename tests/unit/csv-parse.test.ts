/** Reading CSV (app/lib/csv-parse.ts): what spreadsheets write, read back cell for cell. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectSeparator, parseCsv, unescapeFormulaCell, type CsvTable } from "~/lib/csv-parse";
import { BOM, csvDocument, csvLine } from "~/lib/csv.server";

const LIMITS = { maxRows: 100, maxColumns: 10 };

function table(text: string, limits = LIMITS): CsvTable {
  const result = parseCsv(text, limits);
  if (!result.ok) throw new Error(result.message);
  return result;
}

const cells = (text: string) => table(text).rows.map((r) => r.cells);

describe("parseCsv", () => {
  it("reads a header and rows", () => {
    const t = table("Title,Severity\nFirst,high\nSecond,low\n");
    expect(t.header).toEqual(["Title", "Severity"]);
    expect(t.rows).toEqual([
      { line: 2, cells: ["First", "high"] },
      { line: 3, cells: ["Second", "low"] },
    ]);
    expect(t.separator).toBe(",");
  });

  it("takes CRLF, LF and CR line ends, and a last line without one", () => {
    expect(cells("A,B\r\n1,2\r\n3,4")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
    expect(cells("A,B\r1,2\r3,4\r")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("drops the UTF-8 byte-order mark", () => {
    const t = table(`${BOM}Title,Owner\nx,y`);
    expect(t.header).toEqual(["Title", "Owner"]);
  });

  it("reads quoted cells with separators, doubled quotes and line breaks (as \\n)", () => {
    const t = table('Title,Description\r\n"Join, by hand","Say ""hi""\r\nsecond line"\r\nNext,plain\r\n');
    expect(t.rows[0]).toEqual({ line: 2, cells: ["Join, by hand", 'Say "hi"\nsecond line'] });
    // The record after a quoted line break starts on line 4 of the file.
    expect(t.rows[1]).toEqual({ line: 4, cells: ["Next", "plain"] });
  });

  it("reads an empty quoted cell and keeps empty cells", () => {
    expect(cells('A,B,C\n"",,x\n')).toEqual([["", "", "x"]]);
  });

  it("detects semicolons (Excel with a decimal comma) and tabs (pasted cells)", () => {
    const semi = table("Title;Principal\n“Export”;2,5\n");
    expect(semi.separator).toBe(";");
    expect(semi.rows[0].cells).toEqual(["“Export”", "2,5"]);
    const tabs = table("Title\tSeverity\nA, with comma\thigh\n");
    expect(tabs.separator).toBe("\t");
    expect(tabs.rows[0].cells).toEqual(["A, with comma", "high"]);
  });

  it("decides the separator on the header line only, outside quotes", () => {
    expect(detectSeparator('"a,b,c";d\n1,2,3,4,5')).toBe(";");
    expect(detectSeparator("a,b\n1;2;3;4")).toBe(",");
    expect(detectSeparator("single")).toBe(",");
  });

  it("skips blank lines and lines of separators only", () => {
    expect(cells("A,B\n\n1,2\n,\n ,  \n3,4\n\n")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("keeps formula-looking cells as the text they are", () => {
    expect(cells('A,B\n=SUM(A1:A9),"=HYPERLINK(""http://x"",""y"")"\n+1,@cmd\n')).toEqual([
      ["=SUM(A1:A9)", '=HYPERLINK("http://x","y")'],
      ["+1", "@cmd"],
    ]);
  });

  it("is lenient where spreadsheets are: a stray quote inside a cell, text after a closing quote", () => {
    expect(cells('A,B\n5" screen,"ab"cd\n')).toEqual([['5" screen', "abcd"]]);
  });

  it("refuses an unclosed quote, naming the line it starts on", () => {
    const result = parseCsv('A,B\n1,2\n"never closed,3\n4,5\n', LIMITS);
    expect(result).toMatchObject({ ok: false, reason: "unclosed_quote" });
    expect(!result.ok && result.message).toContain("line 3");
  });

  it("refuses an empty text", () => {
    expect(parseCsv("", LIMITS)).toMatchObject({ ok: false, reason: "empty" });
    expect(parseCsv("\r\n\r\n", LIMITS)).toMatchObject({ ok: false, reason: "empty" });
    expect(parseCsv(BOM, LIMITS)).toMatchObject({ ok: false, reason: "empty" });
  });

  it("refuses more rows than the limit, after the header", () => {
    const rows = (n: number) => ["T", ...Array.from({ length: n }, (_, i) => `row ${i}`)].join("\n");
    expect(parseCsv(rows(3), { maxRows: 3, maxColumns: 5 }).ok).toBe(true);
    const result = parseCsv(rows(4), { maxRows: 3, maxColumns: 5 });
    expect(result).toMatchObject({ ok: false, reason: "too_many_rows" });
    expect(!result.ok && result.message).toContain("more than 3 rows");
  });

  it("refuses more columns than the limit", () => {
    expect(parseCsv("a,b,c\n1,2,3", { maxRows: 5, maxColumns: 3 }).ok).toBe(true);
    expect(parseCsv("a,b,c,d\n1,2,3,4", { maxRows: 5, maxColumns: 3 })).toMatchObject({
      ok: false,
      reason: "too_many_columns",
    });
  });

  it("reads back what csv.server.ts writes, cell for cell (formula escapes aside)", () => {
    const cell = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (rows) => {
        // A row of blank cells is skipped on reading, as a blank line is.
        const kept = rows.filter((r) => r.some((c) => c.trim() !== ""));
        const text = csvDocument(["A", "B", "C"], rows);
        const result = parseCsv(text, LIMITS, ",");
        if (kept.length === 0) {
          expect(result.ok && result.rows.length).toBe(0);
          return;
        }
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        // Line breaks inside cells come back as "\n".
        expect(result.rows.map((r) => r.cells)).toEqual(kept.map((r) => r.map((c) => c.replace(/\r\n?/g, "\n"))));
      }),
      { numRuns: 200, seed: 17 },
    );
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseCsv(text, { maxRows: 5, maxColumns: 5 });
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});

describe("unescapeFormulaCell", () => {
  it("drops the apostrophe csv.server.ts puts before a formula-looking cell, and only that", () => {
    expect(unescapeFormulaCell("'=SUM(A1)")).toBe("=SUM(A1)");
    expect(unescapeFormulaCell("'+1 555")).toBe("+1 555");
    expect(unescapeFormulaCell("'-2")).toBe("-2");
    expect(unescapeFormulaCell("'@cmd")).toBe("@cmd");
    expect(unescapeFormulaCell("'quoted'")).toBe("'quoted'");
    expect(unescapeFormulaCell("=SUM(A1)")).toBe("=SUM(A1)");
  });

  it("round-trips a formula-looking cell through an export", () => {
    const line = csvLine(['=HYPERLINK("http://evil","x")']);
    const t = parseCsv(`A\r\n${line}`, LIMITS);
    expect(t.ok && unescapeFormulaCell(t.rows[0].cells[0])).toBe('=HYPERLINK("http://evil","x")');
  });
});
