/**
 * The one sentence each change writes into the audit log (docs/domain.md, "The audit log"):
 * every model's activity row takes its `summary` from here, and so do the rows the scale
 * generator (bench/generate.ts) writes in bulk, so a timeline reads the same whoever wrote it.
 * Pure: names, titles and stored values in, one English sentence out.
 */
import {
  debtStatusLabel,
  decisionLabel,
  disciplineLabel,
  feasibilityLabel,
  priorityLabel,
  registerLabel,
  roleLabel,
  severityLabel,
  stageShortLabel,
  stopCauseLabel,
} from "./labels";
import type {
  DebtStatus,
  Decision,
  Discipline,
  Feasibility,
  Priority,
  ProjectState,
  Register,
  Role,
  Severity,
  Stage,
  StopCause,
} from "./vocabulary";

/** “text”, as titles appear inside a sentence. */
export const quote = (text: string) => `“${text}”`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---------- people ----------

export const userAdded = (p: { name: string; discipline: Discipline; role: Role }) =>
  `${p.name} (${disciplineLabel[p.discipline]}, ${roleLabel[p.role]}) was added`;

export const userAccessChanged = (name: string, discipline: Discipline, role: Role) =>
  `${name} is now ${disciplineLabel[discipline]}, ${roleLabel[role]}`;

export const seatMoved = (person: string, project: string, from: Discipline, to: Discipline, withdrawn: number) =>
  `${person}'s seat on ${project} moved from ${disciplineLabel[from]} to ${disciplineLabel[to]}` +
  (withdrawn ? `; ${withdrawn === 1 ? "their sign-off was" : `${withdrawn} sign-offs were`} withdrawn` : "");

export const userActiveChanged = (name: string, active: boolean) =>
  `${name} was ${active ? "reactivated" : "deactivated"}`;

export const userRenamed = (before: string, after: string) => `${before} is now called ${after}`;

export const passwordChanged = (actor: string) => `${actor} changed their password`;

export const signedIn = (name: string) => `${name} signed in`;

export const signedOut = (name: string) => `${name} signed out`;

export const signInFailed = (email: string, reason: string) => `Failed sign-in for ${email} (${reason})`;

// ---------- projects and teams ----------

export const projectCreated = (actor: string, project: string, owner: string) =>
  `${actor} created ${project} (owner ${owner})`;

export const projectEdited = (actor: string, project: string, fields: readonly string[]) =>
  `${actor} edited ${project}${fields.length ? ` (${fields.join(", ")})` : ""}`;

/** "2 open debt items were written off" / "1 open debt item stays open" (no leading "; "). */
export const openDebtWords = (choice: "write_off" | "keep", count: number) =>
  `${plural(count, "open debt item")} ` +
  (choice === "write_off"
    ? count === 1
      ? "was written off"
      : "were written off"
    : count === 1
      ? "stays open"
      : "stay open");

const STATE_VERBS: Record<ProjectState, string> = {
  on_hold: "put on hold",
  active: "resumed",
  stopped: "stopped",
  retired: "retired",
};

export const projectStateChanged = (change: {
  actor: string;
  project: string;
  to: ProjectState;
  stop?: { cause: StopCause; note: string } | null;
  reviewWithdrawn?: boolean;
  openDebt?: { choice: "write_off" | "keep"; count: number } | null;
}) =>
  `${change.actor} ${STATE_VERBS[change.to]} ${change.project}` +
  (change.stop ? ` (${stopCauseLabel[change.stop.cause]}: ${change.stop.note})` : "") +
  (change.reviewWithdrawn ? "; the open gate review was withdrawn" : "") +
  (change.openDebt ? `; ${openDebtWords(change.openDebt.choice, change.openDebt.count)}` : "");

export const projectReopened = (actor: string, project: string, reason: string) =>
  `${actor} reopened ${project}: ${reason}`;

export const memberAdded = (actor: string, person: string, project: string, seat: Discipline) =>
  `${actor} added ${person} to ${project} as ${disciplineLabel[seat]}`;

export const memberRemoved = (
  actor: string,
  person: string,
  seat: Discipline,
  project: string,
  approvalWithdrawn: boolean,
) =>
  `${actor} removed ${person} (${disciplineLabel[seat]}) from ${project}` +
  (approvalWithdrawn ? "; their approval was withdrawn" : "");

// ---------- requirements ----------

export const requirementStated = (actor: string, r: { title: string; priority: Priority; target: string }) =>
  `${actor} stated ${quote(r.title)} (${priorityLabel[r.priority]}: ${r.target})`;

/** `reset`: the two verdicts before an edit that reset them (null when nothing was reset). */
export const requirementRevised = (
  actor: string,
  title: string,
  reset: { dsFeasibility: Feasibility; itFeasibility: Feasibility } | null = null,
) => {
  if (!reset) return `${actor} revised ${quote(title)}`;
  const given = [
    reset.dsFeasibility !== "unassessed" ? `Data science: ${feasibilityLabel[reset.dsFeasibility]}` : null,
    reset.itFeasibility !== "unassessed" ? `IT operations: ${feasibilityLabel[reset.itFeasibility]}` : null,
  ].filter((x): x is string => x !== null);
  const words =
    given.length === 2 ? `both verdicts (${given.join("; ")}) were reset` : `the verdict (${given[0]}) was reset`;
  return `${actor} revised ${quote(title)}; ${words}`;
};

export const requirementWithdrawn = (actor: string, title: string) => `${actor} withdrew ${quote(title)}`;

export const requirementAssessed = (actor: string, title: string, seat: Discipline, feasibility: Feasibility) =>
  `${actor} assessed ${quote(title)} for ${disciplineLabel[seat]} as ${feasibilityLabel[feasibility].toLowerCase()}`;

// ---------- gate reviews ----------

export const reviewOpened = (actor: string, from: Stage, to: Stage) =>
  `${actor} opened a gate review: ${stageShortLabel[from]} → ${stageShortLabel[to]}`;

export const promoted = (actor: string, project: string, to: Stage, reviewId: number) =>
  `${actor} promoted ${project} to ${stageShortLabel[to]} (gate review #${reviewId})`;

export const reviewWithdrawn = (actor: string, to: Stage, note: string) =>
  `${actor} withdrew the gate review to ${stageShortLabel[to]}${note ? `: ${note}` : ""}`;

export const signedOff = (actor: string, seat: Discipline, decision: Decision, conditions = 0) =>
  `${actor} signed for ${disciplineLabel[seat]}: ${decisionLabel[decision].toLowerCase()}` +
  (conditions ? ` (${plural(conditions, "condition")} logged as debt)` : "");

export const changesRequestDismissed = (actor: string, signer: string, seat: Discipline, reason: string) =>
  `${actor} dismissed ${signer}'s request for changes (${disciplineLabel[seat]}): ${reason}`;

export const attested = (actor: string, criterion: string) => `${actor} attested ${quote(criterion)}`;

export const attestationCleared = (actor: string, criterion: string) => `${actor} cleared ${quote(criterion)}`;

export const commented = (actor: string, replyTo: { userName: string; decision: Decision } | null = null) =>
  replyTo
    ? `${actor} replied to ${replyTo.userName}'s sign-off (${decisionLabel[replyTo.decision].toLowerCase()})`
    : `${actor} commented on the gate review`;

export const commentEdited = (actor: string) => `${actor} edited a comment on the gate review`;

// ---------- gate checklists and policies (admins) ----------

export const templatesSeeded = (stage: Stage) =>
  `The default checklist for the gate to ${stageShortLabel[stage]} was set up`;

export const templateAdded = (actor: string, label: string, stage: Stage) =>
  `${actor} added ${quote(label)} to the gate to ${stageShortLabel[stage]}`;

export const templateReworded = (actor: string, stage: Stage) =>
  `${actor} reworded a criterion of the gate to ${stageShortLabel[stage]}`;

export const templateActiveChanged = (
  actor: string,
  label: string,
  stage: Stage,
  automatic: boolean,
  active: boolean,
) =>
  `${actor} ${automatic ? (active ? "switched on" : "switched off") : active ? "restored" : "retired"} ${quote(label)} (gate to ${stageShortLabel[stage]})`;

export const templateMoved = (actor: string, label: string, direction: "up" | "down", stage: Stage) =>
  `${actor} moved ${quote(label)} ${direction} (gate to ${stageShortLabel[stage]})`;

export const gateTimingsSet = (actor: string, stage: Stage, remindAfterDays: number, escalateAfterDays: number) =>
  `${actor} set the ${stageShortLabel[stage]} gate to remind after ${plural(remindAfterDays, "day")} and escalate after ${escalateAfterDays}`;

export const requiredApprovalsSet = (actor: string, stage: Stage, requiredApprovals: number) =>
  `${actor} set the ${stageShortLabel[stage]} gate to ${plural(requiredApprovals, "approval")} per discipline`;

// ---------- debt ----------

/** How a debt item's changed fields read in a history line. */
const DEBT_FIELD_WORDS: Record<string, string> = {
  title: "title",
  description: "description",
  category: "category",
  benefit: "why it was taken on",
  stageIncurred: "stage incurred",
  severity: "severity",
  principalDays: "principal",
  interestDays: "interest",
  ownerId: "owner",
  strategy: "strategy",
  targetDate: "target date",
  repayBeforeStage: "repay-before stage",
  dueDate: "due date",
};
export const debtFieldWords = (keys: readonly string[]) => keys.map((k) => DEBT_FIELD_WORDS[k] ?? k).join(", ");

export const debtLogged = (
  actor: string,
  item: { title: string; register: Register; severity: Severity; principalDays: number },
  plan: { steps: number; targetDate: string | null } | null = null,
) =>
  `${actor} logged ${quote(item.title)} in the ${registerLabel[item.register].toLowerCase()} debt register (${severityLabel[item.severity]}, ${item.principalDays} person-days to repay)` +
  (plan
    ? `, with a repayment plan of ${plural(plan.steps, "step")}${plan.targetDate ? ` due by ${plan.targetDate}` : ""}`
    : "");

/** Details edited (`details` true) or only the plan changed; `fields` are the changed keys. */
export const debtEdited = (actor: string, title: string, fields: readonly string[], details: boolean) =>
  `${actor} ${details ? "edited" : "changed the repayment plan of"} ${quote(title)} (${debtFieldWords(fields)})`;

export type DebtStatusSentence =
  | { to: "open"; now: DebtStatus }
  | { to: "accepted"; reviewDate: string | null; justification: string | null }
  | { to: Exclude<DebtStatus, "open" | "accepted">; note: string | null };

export const debtStatusChanged = (actor: string, title: string, change: DebtStatusSentence) =>
  change.to === "open"
    ? `${actor} reopened ${quote(title)} (now ${debtStatusLabel[change.now].toLowerCase()})`
    : change.to === "accepted"
      ? `${actor} accepted ${quote(title)} until a review on ${change.reviewDate}: ${change.justification}`
      : `${actor} marked ${quote(title)} ${debtStatusLabel[change.to].toLowerCase()}${change.note ? `: ${change.note}` : ""}`;

export const debtWrittenOff = (actor: string, title: string, project: string, reason: string) =>
  `${actor} wrote off ${quote(title)} when ${project} was stopped: ${reason}`;

/** A spreadsheet import: one row for the import; each item it logged has its own "logged" row. */
export const debtImported = (actor: string, register: Register, file: string, imported: number, skipped: number) =>
  `${actor} imported ${plural(imported, "debt item")} into the ${registerLabel[register].toLowerCase()} debt register from ${file ? quote(file) : "pasted rows"}` +
  (skipped ? `; ${plural(skipped, "row")} with errors ${skipped === 1 ? "was" : "were"} skipped` : "");

/** A hand-over (a person left): one row per item, step or project that changed owner. */
export const debtHandedOver = (actor: string, title: string, from: string, to: string) =>
  `${actor} handed ${quote(title)} over from ${from} to ${to}`;

export const stepHandedOver = (actor: string, position: number, step: string, item: string, from: string, to: string) =>
  `${actor} handed step ${position} ${quote(step)} of ${quote(item)} over from ${from} to ${to}`;

export const projectHandedOver = (actor: string, project: string, from: string, to: string) =>
  `${actor} handed the ownership of ${project} over from ${from} to ${to}`;

/** "; the item is now repaying" when a step change moved the item's status. */
const nowWords = (status: DebtStatus | null | undefined) =>
  status ? `; the item is now ${debtStatusLabel[status].toLowerCase()}` : "";

export const stepAdded = (actor: string, position: number, step: string, item: string, dueDate: string | null) =>
  `${actor} added step ${position} ${quote(step)} to the plan of ${quote(item)}${dueDate ? `, due ${dueDate}` : ""}`;

export const stepEdited = (actor: string, position: number, step: string, item: string, fields: readonly string[]) =>
  `${actor} edited step ${position} ${quote(step)} of ${quote(item)} (${debtFieldWords(fields)})`;

export const stepDone = (
  actor: string,
  position: number,
  step: string,
  item: string,
  done: boolean,
  newStatus: DebtStatus | null = null,
) =>
  `${actor} marked step ${position} ${quote(step)} of ${quote(item)} ${done ? "done" : "not done"}${nowWords(newStatus)}`;

export const stepMoved = (actor: string, step: string, item: string, direction: "up" | "down", position: number) =>
  `${actor} moved step ${quote(step)} of ${quote(item)} ${direction} (now step ${position})`;

export const stepRemoved = (
  actor: string,
  position: number,
  step: string,
  item: string,
  newStatus: DebtStatus | null = null,
) => `${actor} removed step ${position} ${quote(step)} from the plan of ${quote(item)}${nowWords(newStatus)}`;

// ---------- API tokens, webhooks, mail, notification settings ----------

export const tokenCreated = (t: {
  actor: string | null;
  name: string;
  prefix: string;
  /** The token's owner when someone else (the operator CLI) created it. */
  forName: string | null;
  expiresOn: string | null;
}) =>
  `${t.actor ?? "An operator"} created the API token ${quote(t.name)} (${t.prefix}…)` +
  (t.forName ? ` for ${t.forName}` : "") +
  (t.expiresOn ? `, valid through ${t.expiresOn}` : "");

/** `reason`: why they all went at once ("when changing their password"); none for one token. */
export const tokenRevoked = (actor: string, name: string, prefix: string, reason?: string) =>
  `${actor} revoked the API token ${quote(name)} (${prefix}…)${reason ? ` ${reason}` : ""}`;

export const webhookCreated = (actor: string, url: string, events: readonly string[], slack: boolean) =>
  `${actor} added a ${slack ? "Slack-compatible " : ""}webhook to ${url} (${events.join(", ")})`;

export const webhookActiveChanged = (actor: string, url: string, active: boolean, dropped: number) =>
  `${actor} ${active ? "reactivated" : "deactivated"} the webhook to ${url}` +
  (dropped ? ` (${dropped} pending deliver${dropped === 1 ? "y" : "ies"} dropped)` : "");

/** What an edit changed: only the parts given; `dropped` pending deliveries written in the old format. */
export const webhookEdited = (
  actor: string,
  url: string,
  change: { url?: string; events?: readonly string[]; format?: "triad" | "slack" },
  dropped = 0,
) =>
  `${actor} changed the webhook to ${url}: ` +
  [
    change.url ? `address now ${change.url}` : null,
    change.events ? `events now ${change.events.join(", ")}` : null,
    change.format ? `format now ${change.format === "slack" ? "Slack-compatible" : "Triad JSON"}` : null,
  ]
    .filter(Boolean)
    .join("; ") +
  (dropped ? ` (${dropped} pending deliver${dropped === 1 ? "y" : "ies"} in the old format dropped)` : "");

export const webhookSecretRotated = (actor: string, url: string) =>
  `${actor} rotated the signing secret of the webhook to ${url}`;

export const webhookTestSent = (actor: string, url: string) => `${actor} sent a test event to the webhook to ${url}`;

export const webhookRedelivered = (actor: string, url: string, event: string, deliveryId: number, newId: number) =>
  `${actor} sent delivery ${deliveryId} (${event}) to the webhook to ${url} again, as delivery ${newId}`;

export const mailRetried = (actor: string, subject: string, to: string) =>
  `${actor} asked Triad to send the mail ${quote(subject)} to ${to} again`;

export const unsubscribed = (person: string, category: string) =>
  `${person} stopped e-mails about ${quote(category)} from the link in an e-mail`;

export const notificationSettingsChanged = (actor: string, parts: readonly string[]) =>
  `${actor} changed their notification settings (${parts.join(", ")})`;
