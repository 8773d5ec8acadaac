/**
 * Review comments are plain text (docs/domain.md, "The review conversation"): links are made
 * clickable when shown, and `@name` mentions are resolved to team members when written.
 * Pure and browser-safe.
 */

/** `@` followed by letters, digits, dots, dashes or underscores; not inside an e-mail address. */
const MENTION = /(^|[^\p{L}\p{N}@._-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu;

/** The distinct `@` names in a comment, in order, without the `@` (trailing dots dropped). */
export function mentionTokens(body: string): string[] {
  const seen = new Set<string>();
  const tokens: string[] = [];
  for (const match of body.matchAll(MENTION)) {
    const token = match[2].replace(/[._-]+$/, "");
    const key = fold(token);
    if (token && !seen.has(key)) {
      seen.add(key);
      tokens.push(token);
    }
  }
  return tokens;
}

/** Lower case without accents: "Inês" and "ines" are the same name. */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

export type Mentionable = { id: number; name: string; email: string };

/** The handles a person answers to: first name, full name without spaces, e-mail name. */
export function handlesOf(person: Mentionable): string[] {
  const first = person.name.trim().split(/\s+/)[0] ?? "";
  return [first, person.name.replace(/\s+/g, ""), person.email.split("@")[0]].map(fold).filter(Boolean);
}

export type MentionResolution = {
  /** The people mentioned, once each. */
  userIds: number[];
  /** Tokens that name several people: the writer must be more specific. */
  ambiguous: Array<{ token: string; names: string[] }>;
};

/** Resolves tokens against the people who may be mentioned; unknown tokens stay plain text. */
export function resolveMentions(tokens: string[], people: Mentionable[]): MentionResolution {
  const userIds: number[] = [];
  const ambiguous: MentionResolution["ambiguous"] = [];
  for (const token of tokens) {
    const key = fold(token);
    const matches = people.filter((p) => handlesOf(p).includes(key));
    if (matches.length === 1) {
      if (!userIds.includes(matches[0].id)) userIds.push(matches[0].id);
    } else if (matches.length > 1) {
      ambiguous.push({ token, names: matches.map((m) => m.name) });
    }
  }
  return { userIds, ambiguous };
}

export type TextSegment = { kind: "text"; text: string } | { kind: "link"; href: string; text: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/**
 * Splits plain text into text and http(s) links, for rendering as React children (never as
 * HTML). Trailing punctuation stays outside the link.
 */
export function linkify(body: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of body.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = /[.,;:!?)\]]+$/.exec(url);
    if (trailing) url = url.slice(0, -trailing[0].length);
    const start = match.index ?? 0;
    if (start > last) segments.push({ kind: "text", text: body.slice(last, start) });
    segments.push({ kind: "link", href: url, text: url });
    last = start + url.length;
  }
  if (last < body.length) segments.push({ kind: "text", text: body.slice(last) });
  return segments;
}
