/**
 * The review conversation's text rules (docs/domain.md, "The review conversation"): which
 * `@name`s a comment mentions, whom they resolve to, and which parts of the text become links.
 */
import { describe, expect, it } from "vitest";
import { fold, handlesOf, linkify, mentionTokens, resolveMentions, type Mentionable } from "~/domain/comments";

describe("mentionTokens", () => {
  it.each<[string, string, string[]]>([
    ["a name", "@farid can you check the drift?", ["farid"]],
    ["two names, trailing punctuation dropped", "Thanks @farid and @Olga.", ["farid", "Olga"]],
    ["in brackets", "(cc @olga)", ["olga"]],
    ["an e-mail-style handle", "Ask @farid.science, please.", ["farid.science"]],
    ["not inside an e-mail address", "Write to olga@example.com about it.", []],
    ["not after a dot or a dash", "x.@olga y-@farid", []],
    ["the same name twice", "@farid, @farid!", ["farid"]],
    ["accents folded for dedup, first spelling kept", "@Inês and @ines", ["Inês"]],
    ["case folded for dedup", "@Olga @OLGA", ["Olga"]],
    ["a lone @", "meet @ 10:00", []],
    ["nothing", "", []],
  ])("%s", (_what, body, expected) => {
    expect(mentionTokens(body)).toEqual(expected);
  });
});

describe("resolveMentions", () => {
  const people: Mentionable[] = [
    { id: 1, name: "Farid Science", email: "farid.science@example.com" },
    { id: 2, name: "Olga Operations", email: "olga@example.com" },
    { id: 3, name: "Olga Orlova", email: "o.orlova@example.com" },
    { id: 4, name: "Inês Ferreira", email: "ines.f@example.com" },
  ];

  it("by first name", () => {
    expect(resolveMentions(["farid"], people)).toEqual({ userIds: [1], ambiguous: [] });
  });

  it("by full name without spaces", () => {
    expect(resolveMentions(["OlgaOrlova"], people)).toEqual({ userIds: [3], ambiguous: [] });
  });

  it("by the part of the e-mail address before the @", () => {
    expect(resolveMentions(["o.orlova"], people)).toEqual({ userIds: [3], ambiguous: [] });
    expect(resolveMentions(["farid.science"], people)).toEqual({ userIds: [1], ambiguous: [] });
  });

  it("accents and case do not matter", () => {
    expect(resolveMentions(["INES"], people)).toEqual({ userIds: [4], ambiguous: [] });
    expect(fold("Inês")).toBe("ines");
  });

  it("a name that fits several people is ambiguous, naming them", () => {
    expect(resolveMentions(["Olga"], people)).toEqual({
      userIds: [],
      ambiguous: [{ token: "Olga", names: ["Olga Operations", "Olga Orlova"] }],
    });
  });

  it("a first name two people share stays ambiguous, even when it is one's e-mail name", () => {
    // "olga" is Olga Operations' e-mail name, yet both are called Olga.
    expect(resolveMentions(["olga"], people).ambiguous).toHaveLength(1);
    expect(resolveMentions(["OlgaOperations"], people)).toEqual({ userIds: [2], ambiguous: [] });
  });

  it("unknown names stay plain text; each person is mentioned once", () => {
    expect(resolveMentions(["nobody", "farid", "FaridScience", "farid.science"], people)).toEqual({
      userIds: [1],
      ambiguous: [],
    });
  });

  it("a person answers to their first name, full name and e-mail name", () => {
    expect(handlesOf(people[3])).toEqual(["ines", "inesferreira", "ines.f"]);
  });
});

describe("linkify", () => {
  const joined = (body: string) =>
    linkify(body)
      .map((s) => s.text)
      .join("");

  it("turns an https link into a link, keeping the text around it", () => {
    expect(linkify("Runbook: https://wiki.example.com/runbook/42 (draft)")).toEqual([
      { kind: "text", text: "Runbook: " },
      { kind: "link", href: "https://wiki.example.com/runbook/42", text: "https://wiki.example.com/runbook/42" },
      { kind: "text", text: " (draft)" },
    ]);
  });

  it("links plain http too", () => {
    expect(linkify("http://intranet.example/dpia")).toEqual([
      { kind: "link", href: "http://intranet.example/dpia", text: "http://intranet.example/dpia" },
    ]);
  });

  it.each([
    ["a full stop", "See https://example.com/a.", "https://example.com/a", "."],
    ["a comma", "https://example.com/a?q=1, then", "https://example.com/a?q=1", ", then"],
    ["a closing bracket", "(https://example.com/a)", "https://example.com/a", ")"],
    ["several marks", "Really? https://example.com/a!?", "https://example.com/a", "!?"],
  ])("leaves %s outside the link", (_what, body, href, after) => {
    const segments = linkify(body);
    expect(segments.filter((s) => s.kind === "link").map((s) => (s as { href: string }).href)).toEqual([href]);
    expect(segments.at(-1)!.text.startsWith(after)).toBe(true);
    expect(joined(body)).toBe(body);
  });

  it.each([
    ["javascript:", "javascript:alert(document.cookie)"],
    ["JavaScript: in capitals", "JavaScript:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["ftp:", "ftp://files.example.com/x"],
    ["a link-like word", "https//example.com"],
  ])("never links %s", (_what, body) => {
    expect(linkify(body)).toEqual([{ kind: "text", text: body }]);
  });

  it("does not let a quote or angle bracket into a link", () => {
    const segments = linkify('https://example.com/a"onmouseover="alert(1) and <https://example.com/b>');
    expect(segments.filter((s) => s.kind === "link").map((s) => (s as { href: string }).href)).toEqual([
      "https://example.com/a",
      "https://example.com/b",
    ]);
  });

  it("several links; the text is kept exactly", () => {
    const body = "Compare https://a.example/1 and https://b.example/2.";
    expect(linkify(body).filter((s) => s.kind === "link")).toHaveLength(2);
    expect(joined(body)).toBe(body);
  });

  it("empty text has no segments", () => {
    expect(linkify("")).toEqual([]);
  });
});
