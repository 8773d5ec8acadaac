/**
 * What a notification e-mail says: a plain-text part and a simple HTML part, each with the
 * deep link into Triad and a link to stop this category (docs/domain.md, "Notifications").
 * Links are absolute, from TRIAD_PUBLIC_URL. The unsubscribe link carries a token signed with
 * a key Triad makes once and keeps in the database, so it survives restarts and needs no
 * sign-in (RFC 8058 one-click).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { type db, type Tx } from "../../db/client.server";
import { appSecrets } from "../../db/schema";
import {
  categoryLabel,
  isNotificationCategory,
  type NotificationCategory,
  type NotificationDraft,
} from "~/domain/notifications";

type Database = Tx | typeof db;

/** Where people reach Triad: TRIAD_PUBLIC_URL, else the local address it listens on. */
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TRIAD_PUBLIC_URL?.trim();
  if (configured) return configured.replace(/\/+$/, "");
  return `http://${env.HOST?.trim() || "127.0.0.1"}:${env.PORT?.trim() || "3000"}`;
}

const SECRET_NAME = "unsubscribe-key";

function unsubscribeKey(database: Database): Buffer {
  const existing = database.select().from(appSecrets).where(eq(appSecrets.name, SECRET_NAME)).get();
  if (existing) return Buffer.from(existing.value, "base64url");
  const value = randomBytes(32).toString("base64url");
  database.insert(appSecrets).values({ name: SECRET_NAME, value, createdAt: Date.now() }).onConflictDoNothing().run();
  const stored = database.select().from(appSecrets).where(eq(appSecrets.name, SECRET_NAME)).get()!;
  return Buffer.from(stored.value, "base64url");
}

const mac = (key: Buffer, payload: string) => createHmac("sha256", key).update(payload).digest("base64url");

/** `<userId>.<category>.<mac>`: stops one category for one person, nothing else. */
export function unsubscribeToken(database: Database, userId: number, category: NotificationCategory): string {
  const payload = `${userId}.${category}`;
  return `${payload}.${mac(unsubscribeKey(database), payload)}`;
}

/** The person and category a token stands for, or null when it is not one Triad signed. */
export function readUnsubscribeToken(
  database: Database,
  token: string,
): { userId: number; category: NotificationCategory } | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [id, category, given] = parts;
  if (!/^[1-9]\d{0,15}$/.test(id) || !isNotificationCategory(category)) return null;
  const expected = Buffer.from(mac(unsubscribeKey(database), `${id}.${category}`));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return { userId: Number(id), category };
}

export function unsubscribeUrl(database: Database, userId: number, category: NotificationCategory): string {
  return `${publicUrl()}/unsubscribe/${unsubscribeToken(database, userId, category)}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export type MailContent = { subject: string; text: string; html: string };

/**
 * One notification (digest false) or a day's bundle (digest true). Subjects never carry more
 * than the first sentence; bodies are plain text, escaped in the HTML part.
 */
export function renderNotificationMail(
  database: Database,
  { person, drafts, digest }: { person: { id: number; name: string }; drafts: NotificationDraft[]; digest: boolean },
): MailContent {
  const base = publicUrl();
  const settings = `${base}/account/notifications`;
  if (!digest) {
    const d = drafts[0];
    const link = `${base}${d.link}`;
    const stop = unsubscribeUrl(database, person.id, d.category);
    const text = [
      `Hello ${person.name},`,
      "",
      d.title,
      ...(d.body ? ["", d.body] : []),
      "",
      `Open it in Triad: ${link}`,
      "",
      `You get this because of your setting “${categoryLabel[d.category]}”.`,
      `Stop these e-mails: ${stop}`,
      `All your notification settings: ${settings}`,
    ].join("\n");
    const html = [
      `<p>Hello ${escapeHtml(person.name)},</p>`,
      `<p><strong>${escapeHtml(d.title)}</strong></p>`,
      d.body ? `<p style="white-space:pre-wrap">${escapeHtml(d.body)}</p>` : "",
      `<p><a href="${escapeHtml(link)}">Open it in Triad</a></p>`,
      `<p style="color:#555;font-size:small">You get this because of your setting “${escapeHtml(categoryLabel[d.category])}”. `,
      `<a href="${escapeHtml(stop)}">Stop these e-mails</a> · <a href="${escapeHtml(settings)}">All your notification settings</a></p>`,
    ].join("\n");
    return { subject: `[Triad] ${d.title}`, text, html };
  }
  const lines = drafts.map((d) => `- ${d.title}\n  ${base}${d.link}`);
  const text = [
    `Hello ${person.name},`,
    "",
    `Your daily Triad digest: ${drafts.length} ${drafts.length === 1 ? "notification" : "notifications"}.`,
    "",
    ...lines,
    "",
    `Choose what comes at once, in the digest or only in Triad: ${settings}`,
  ].join("\n");
  const html = [
    `<p>Hello ${escapeHtml(person.name)},</p>`,
    `<p>Your daily Triad digest: ${drafts.length} ${drafts.length === 1 ? "notification" : "notifications"}.</p>`,
    "<ul>",
    ...drafts.map((d) => `<li><a href="${escapeHtml(`${base}${d.link}`)}">${escapeHtml(d.title)}</a></li>`),
    "</ul>",
    `<p style="color:#555;font-size:small"><a href="${escapeHtml(settings)}">Choose what comes at once, in the digest or only in Triad</a></p>`,
  ].join("\n");
  return {
    subject: `[Triad] Your daily digest: ${drafts.length} ${drafts.length === 1 ? "notification" : "notifications"}`,
    text,
    html,
  };
}
