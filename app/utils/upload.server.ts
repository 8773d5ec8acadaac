/**
 * The one form that takes a file: importing a spreadsheet register (docs/domain.md,
 * "Importing a spreadsheet register"). Every other form reads with `readForm`
 * (app/utils/forms.ts), which refuses any file part; this reader takes exactly one text file,
 * in one named field, and nothing else changes: every other part must be a plain field, sent
 * once, as readForm requires.
 *
 * The file is counted while it streams and kept only up to `maxBytes` (the rest is read and
 * dropped, so the other fields still arrive); it must be text: UTF-8 (with or without a
 * byte-order mark) or UTF-16 with its byte-order mark, as spreadsheets save it. The server's
 * body limit (TRIAD_BODY_LIMIT, 1 MiB by default, scripts/server.ts) applies before this
 * reader runs; `maxBytes` must stay well inside it.
 */
import { unstable_parseMultipartFormData, type UploadHandlerPart } from "@remix-run/node";
import { formShapeError, readForm } from "./forms";

export type UploadedFile = { name: string; text: string; bytes: number };

export type FormWithFile = {
  /** The plain fields (strings only); the file is not among them. */
  formData: FormData;
  /** The file's text, or null when none was chosen (or it was refused: see `fileProblem`). */
  file: UploadedFile | null;
  /** Why the file was refused, in words for the page, and the status to answer with. */
  fileProblem: { message: string; status: number } | null;
};

export const NOT_TEXT_MESSAGE =
  "This file is not text. Choose a CSV file: in your spreadsheet, use File › Save as › “CSV UTF-8”.";
export const WORKBOOK_MESSAGE =
  "This is a spreadsheet workbook, not CSV. In your spreadsheet, use File › Save as › “CSV UTF-8”, then choose that file.";
export const NOT_UTF8_MESSAGE =
  "This file is not in UTF-8. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and choose it again.";

const FIELD_TOO_LARGE = "A field of this form is larger than the page sends. Send it again from the page.";
const NOT_READABLE = "The form could not be read. Send it again from the page.";

/** Reads a part to the end, keeping at most `keep` bytes; returns what it kept and the whole size. */
async function drain(part: UploadHandlerPart, keep: number): Promise<{ bytes: Uint8Array; size: number }> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of part.data) {
    size += chunk.byteLength;
    if (kept < keep) {
      const piece = chunk.subarray(0, Math.min(chunk.byteLength, keep - kept));
      chunks.push(piece);
      kept += piece.byteLength;
    }
  }
  const bytes = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, size };
}

/**
 * A file's bytes as text: UTF-8 (a leading byte-order mark dropped), or UTF-16 when it starts
 * with its byte-order mark; else why it is not text.
 */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: string } {
  // A ZIP (xlsx, ods) or an old Excel binary (OLE) file.
  if (
    (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) ||
    (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)
  ) {
    return { problem: WORKBOOK_MESSAGE };
  }
  let encoding = "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = "utf-16be";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return { problem: encoding === "utf-8" ? NOT_UTF8_MESSAGE : NOT_TEXT_MESSAGE };
  }
  // NUL and the other C0 controls but tab, line feed and carriage return: not a text file.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return { problem: NOT_TEXT_MESSAGE };
  return { text };
}

/**
 * The request's form with one file in `field`. A urlencoded request (no file possible) is
 * read by `readForm`. Refused with a thrown 400 (413 for an oversized field): a file part in
 * any other field, a second file, a field sent twice, an unreadable body. A file over
 * `maxBytes`, or not text, is not thrown: `fileProblem` says why, for the form to show next
 * to its file field with the other fields kept.
 */
export async function readFormWithFile(
  request: Request,
  {
    field,
    maxBytes,
    tooLarge,
    maxFieldBytes,
  }: { field: string; maxBytes: number; tooLarge: string; maxFieldBytes: number },
): Promise<FormWithFile> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return { formData: await readForm(request), file: null, fileProblem: null };
  }
  let file: UploadedFile | null = null;
  let fileProblem: FormWithFile["fileProblem"] = null;
  let files = 0;
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, async (part) => {
      if (typeof part.filename !== "string") {
        const { bytes, size } = await drain(part, maxFieldBytes);
        if (size > maxFieldBytes) throw new Response(FIELD_TOO_LARGE, { status: 413 });
        return new TextDecoder().decode(bytes);
      }
      if (part.name !== field)
        throw new Response(`This form takes one file, in its “${field}” field.`, { status: 400 });
      const { bytes, size } = await drain(part, maxBytes);
      // A file input left empty still sends a part, with no name and no bytes.
      if (size === 0 && part.filename === "") return undefined;
      if (++files > 1) throw new Response("Send one file at a time.", { status: 400 });
      if (size > maxBytes) {
        fileProblem = { message: tooLarge, status: 413 };
        return undefined;
      }
      const decoded = decodeText(bytes);
      if ("problem" in decoded) fileProblem = { message: decoded.problem, status: 400 };
      else file = { name: part.filename.slice(0, 200), text: decoded.text, bytes: size };
      return undefined;
    });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw new Response(NOT_READABLE, { status: 400 });
  }
  const problem = formShapeError(formData);
  if (problem) throw new Response(problem.message, { status: 400 });
  return { formData, file, fileProblem };
}
