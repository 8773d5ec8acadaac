/** CSV writing (app/utils/csv.server.ts): RFC 4180 quoting, UTF-8 BOM, CRLF, formula injection. */
import { describe, expect, it, vi } from "vitest";
import { BOM, csvDocument, csvField, csvFilename, csvHeaders, csvLine, csvStream } from "~/lib/csv.server";

describe("csvField", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ["two\nlines", '"two\nlines"'],
    ["carriage\r\nreturn", '"carriage\r\nreturn"'],
    ["Müller · Yıldız · 日本語 · 🚀", "Müller · Yıldız · 日本語 · 🚀"],
    ["  spaces kept  ", "  spaces kept  "],
  ])("%j -> %j", (input, output) => {
    expect(csvField(input)).toBe(output);
  });

  it.each([
    ["=SUM(A1:A9)", "'=SUM(A1:A9)"],
    ["+1 555 0100", "'+1 555 0100"],
    ["-2+3", "'-2+3"],
    ["@cmd", "'@cmd"],
    ["\tTabbed", "'\tTabbed"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["=1,2", `"'=1,2"`],
    ["a=b", "a=b"],
  ])("neutralises a formula: %j -> %j", (input, output) => {
    expect(csvField(input)).toBe(output);
  });

  it("writes numbers, booleans and empty values plainly", () => {
    expect(csvField(12.5)).toBe("12.5");
    expect(csvField(0)).toBe("0");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(true)).toBe("yes");
    expect(csvField(false)).toBe("no");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
  });
});

describe("records and documents", () => {
  it("ends every record with CRLF and starts the document with a BOM", () => {
    expect(csvLine(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
    const doc = csvDocument(
      ["Title", "Days"],
      [
        ["Hard-coded, again", 2],
        ['Quote "me"', 0.5],
      ],
    );
    expect(doc).toBe('\uFEFFTitle,Days\r\n"Hard-coded, again",2\r\n"Quote ""me""",0.5\r\n');
    expect(new TextEncoder().encode(doc).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it("names and labels the download", () => {
    expect(csvFilename("triad-debt", "2030-06-15")).toBe("triad-debt-2030-06-15.csv");
    const headers = new Headers(csvHeaders('evil"\r\nname.csv'));
    expect(headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(headers.get("Content-Disposition")).toBe('attachment; filename="evilname.csv"');
  });
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number }> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.length;
  }
  return { bytes, chunks: parts.length };
}

describe("csvStream", () => {
  it("streams the header and rows in batches, then closes the source once", async () => {
    const close = vi.fn();
    const rows = Array.from({ length: 5 }, (_, i) => ({ id: i + 1, title: i === 2 ? "line\nbreak" : `Item ${i + 1}` }));
    const stream = csvStream({
      header: ["ID", "Title"],
      rows: rows[Symbol.iterator](),
      toCells: (r) => [r.id, r.title],
      close,
      batchSize: 2,
    });
    const { bytes, chunks } = await readAll(stream);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toBe(`${BOM}ID,Title\r\n1,Item 1\r\n2,Item 2\r\n3,"line\nbreak"\r\n4,Item 4\r\n5,Item 5\r\n`);
    expect(chunks).toBeGreaterThanOrEqual(3);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("frees the source when the client goes away", async () => {
    const close = vi.fn();
    let produced = 0;
    function* endless() {
      for (;;) yield ++produced;
    }
    const stream = csvStream({ header: ["N"], rows: endless(), toCells: (n) => [n], close, batchSize: 10 });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect(close).toHaveBeenCalledTimes(1);
    expect(produced).toBeLessThan(100);
  });

  it("errors the stream and frees the source when a row fails", async () => {
    const close = vi.fn();
    function* failing() {
      yield 1;
      throw new Error("disk on fire");
    }
    const stream = csvStream({ header: ["N"], rows: failing(), toCells: (n) => [n], close });
    await expect(readAll(stream)).rejects.toThrow("disk on fire");
    expect(close).toHaveBeenCalledTimes(1);
  });
});
