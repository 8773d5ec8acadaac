/**
 * Reading the CSV downloads (/projects.csv, /debt.csv, /admin/activity.csv) the way a spreadsheet
 * would: RFC 4180 as app/lib/csv.server.ts writes it (a BOM, CRLF after every record, quoted
 * fields with doubled quotes). Written apart from the app's own CSV code, so a test checks the
 * bytes rather than the app against itself.
 */

export type CsvOptions = {
  /**
   * What to do with text after the last CRLF: "throw" (every record must end with CRLF),
   * "keep" (it is one more record) or "drop" (it is ignored).
   */
  unterminated?: "throw" | "keep" | "drop";
};

/** The records of a CSV document, its leading BOM (if any) skipped. */
export function parseCsv(text: string, { unterminated = "throw" }: CsvOptions = {}): string[][] {
  const body = text.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && body[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length) {
    if (unterminated === "throw") throw new Error("The CSV does not end with CRLF");
    if (unterminated === "keep") rows.push([...row, field]);
  }
  return rows;
}
