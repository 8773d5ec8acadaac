/**
 * Who is told of what, and in which words (docs/domain.md, "Notifications"). Pure and
 * browser-safe: app/models/notify-events.server.ts loads the facts (the team, the project, the
 * sign-offs before and after a change), these functions decide the recipients and write the
 * drafts, and the models pass them to `notify` inside the change's transaction. `notify` drops
 * the actor, inactive people and repeats (app/domain/notifications.ts, `forRecipients`).
 *
 * Scheduled notices (debt due, reminders, escalations) are decided elsewhere
 * (app/jobs/notify-pass.server.ts).
 */
import type { StopCause } from "./vocabulary";
import type { Discipline, Stage } from "~/domain/vocabulary";
import type { DisciplineView } from "./concerns";
import { describeChanges } from "./concerns";
import { signOffStatus, type Fingerprints, type SignOffState } from "./gates";
import { disciplineLabel, priorityLabel, stageShortLabel, stopCauseLabel } from "./labels";
import { membersOf, type NotificationDraft, type TeamMember } from "./notifications";

/** The part of a project a notification names and links to. */
export type ProjectRef = { id: number; slug: string; name: string };

const ALL: readonly Discipline[] = ["business", "data_science", "it"];

/** Bodies stay short: the page holds the full text. */
export const BODY_LIMIT = 1000;

export function clip(text: string, limit = BODY_LIMIT): string {
  const trimmed = text.trim();
  return trimmed.length <= limit ? trimmed : `${trimmed.slice(0, limit - 1).trimEnd()}…`;
}

const gateLink = (p: ProjectRef, anchor?: string) => `/projects/${p.slug}/gate${anchor ? `#${anchor}` : ""}`;
const projectLink = (p: ProjectRef) => `/projects/${p.slug}`;
const requirementsLink = (p: ProjectRef) => `/projects/${p.slug}/requirements`;
const debtLink = (p: ProjectRef, itemId: number) => `/projects/${p.slug}/debt/${itemId}`;

const approvals = (n: number) => `${n} ${n === 1 ? "approval" : "approvals"}`;

// ---------- pure decisions ----------

export type WatchedSignOff = SignOffState & { id: number };

/**
 * The approvals that counted before a change and are stale after it ("What makes a sign-off
 * stale"): the signer is still seated for the discipline and only the live view's fingerprint
 * moved. A "changes requested" never goes stale; an approval that was already stale or invalid
 * is not news.
 */
export function newlyStale<S extends WatchedSignOff>(
  signOffs: S[],
  before: Fingerprints,
  after: Fingerprints,
  members: TeamMember[],
): S[] {
  return signOffs.filter((s) => {
    const was = signOffStatus(s, before[s.discipline], members);
    const now = signOffStatus(s, after[s.discipline], members);
    return (was === "approved" || was === "approved_with_conditions") && now === "stale";
  });
}

/** People mentioned now who were not mentioned before (an edited comment tells only them). */
export function newlyMentioned(before: readonly number[], after: readonly number[]): number[] {
  const old = new Set(before);
  return [...new Set(after)].filter((id) => !old.has(id));
}

/** The person who just became owner, or null when the owner was cleared or did not change. */
export function newOwner(before: number | null | undefined, after: number | null | undefined): number | null {
  return after != null && after !== before ? after : null;
}

// ---------- the drafts of each event ----------

/** A review waits for every discipline: each team member is told, with what their discipline must do. */
export function reviewOpenedDrafts(input: {
  project: ProjectRef;
  team: TeamMember[];
  actorName: string;
  fromStage: Stage;
  targetStage: Stage;
  statement: string;
  requiredApprovals: number;
}): NotificationDraft[] {
  const { project, team } = input;
  const title = `${input.actorName} opened the gate review ${stageShortLabel[input.fromStage]} → ${stageShortLabel[input.targetStage]} of ${project.name}`;
  return ALL.flatMap((d) =>
    membersOf(team, [d]).map((userId) => ({
      userId,
      category: "review_opened" as const,
      title,
      body: clip(
        `Why now: ${input.statement}\n${disciplineLabel[d]} signs for its own concerns: ${approvals(input.requiredApprovals)} needed.`,
      ),
      link: gateLink(project),
      projectId: project.id,
    })),
  );
}

/**
 * An approval went stale: its signer is told what changed in their discipline's concerns since
 * they signed (the snapshot against the live view). Without a snapshot (given before
 * migration 0003) there is nothing to compare with.
 */
export function staleDraft(input: {
  project: ProjectRef;
  targetStage: Stage;
  signOffId: number;
  userId: number;
  discipline: Discipline;
  snapshot: DisciplineView | null;
  live: DisciplineView;
}): NotificationDraft {
  const changes = input.snapshot
    ? describeChanges(input.snapshot, input.live)
    : ["Something your discipline signed for changed; this sign-off predates the record of what was signed."];
  return {
    userId: input.userId,
    category: "signoff_stale",
    title: `Your approval for ${disciplineLabel[input.discipline]} of ${input.project.name}'s gate review to ${stageShortLabel[input.targetStage]} went stale: look again and sign anew`,
    body: clip(changes.join("\n")),
    link: gateLink(input.project, `signoff-${input.signOffId}`),
    projectId: input.project.id,
  };
}

/** A member asked for changes: the project owner is told, with the comment. */
export function changesRequestedDraft(input: {
  project: ProjectRef;
  ownerId: number;
  actorName: string;
  discipline: Discipline;
  targetStage: Stage;
  signOffId: number;
  comment: string;
}): NotificationDraft {
  return {
    userId: input.ownerId,
    category: "changes_requested",
    title: `${input.actorName} (${disciplineLabel[input.discipline]}) requested changes on the gate review to ${stageShortLabel[input.targetStage]} of ${input.project.name}`,
    body: clip(input.comment),
    link: gateLink(input.project, `signoff-${input.signOffId}`),
    projectId: input.project.id,
  };
}

/** The owner dismissed a "changes requested": its author is told, with the reason. */
export function changesDismissedDraft(input: {
  project: ProjectRef;
  authorId: number;
  actorName: string;
  signOffId: number;
  reason: string;
}): NotificationDraft {
  return {
    userId: input.authorId,
    category: "changes_dismissed",
    title: `${input.actorName} dismissed your request for changes on the gate review of ${input.project.name}`,
    body: clip(`Reason: ${input.reason}`),
    link: gateLink(input.project, `signoff-${input.signOffId}`),
    projectId: input.project.id,
  };
}

/**
 * A comment: the author of the sign-off it replies to (category comment) and each mentioned
 * person (category mention). The reply comes first, so someone both replied to and mentioned
 * is told once (`forRecipients`).
 */
export function commentDrafts(input: {
  project: ProjectRef;
  commentId: number;
  actorName: string;
  body: string;
  replyToUserId: number | null;
  mentionedUserIds: readonly number[];
  edited?: boolean;
}): NotificationDraft[] {
  const link = gateLink(input.project, `comment-${input.commentId}`);
  const body = clip(input.body);
  const drafts: NotificationDraft[] = [];
  if (input.replyToUserId != null) {
    drafts.push({
      userId: input.replyToUserId,
      category: "comment",
      title: `${input.actorName} replied to your sign-off on the gate review of ${input.project.name}`,
      body,
      link,
      projectId: input.project.id,
    });
  }
  for (const userId of input.mentionedUserIds) {
    drafts.push({
      userId,
      category: "mention",
      title: `${input.actorName} mentioned you in ${input.edited ? "an edited comment" : "a comment"} on the gate review of ${input.project.name}`,
      body,
      link,
      projectId: input.project.id,
    });
  }
  return drafts;
}

/** A requirement waits for verdicts: the team's IT operations and data science members. */
export function verdictNeededDrafts(input: {
  project: ProjectRef;
  team: TeamMember[];
  actorName: string;
  requirement: { title: string; target: string; priority: keyof typeof priorityLabel };
  reason: "created" | "reset";
}): NotificationDraft[] {
  const { project, requirement: r } = input;
  const body =
    input.reason === "created"
      ? `${input.actorName} stated it (${priorityLabel[r.priority]}: ${r.target}). Give your discipline's feasibility verdict.`
      : `${input.actorName} changed its title, target or priority (now ${priorityLabel[r.priority]}: ${r.target}), so the earlier verdicts were reset. Give your discipline's verdict again.`;
  return membersOf(input.team, ["it", "data_science"]).map((userId) => ({
    userId,
    category: "verdict_needed" as const,
    title: `“${r.title}” on ${project.name} needs your discipline's verdict`,
    body: clip(body),
    link: requirementsLink(project),
    projectId: project.id,
  }));
}

export type ProjectChange =
  | { kind: "promoted"; stage: Stage }
  | { kind: "on_hold" | "resumed" | "retired" }
  | { kind: "stopped"; cause: StopCause; note: string; reviewWithdrawn: boolean; debtWords?: string }
  | { kind: "reopened"; reason: string };

/** Promotion, hold, resume, stop, retire or reopen: every member of the team is told. */
export function projectChangedDrafts(input: {
  project: ProjectRef;
  team: TeamMember[];
  actorName: string;
  change: ProjectChange;
}): NotificationDraft[] {
  const { project, change, actorName } = input;
  let title: string;
  let body = "";
  switch (change.kind) {
    case "promoted":
      title = `${actorName} promoted ${project.name} to ${stageShortLabel[change.stage]}`;
      body = "All three disciplines approved and every criterion held; the review's dossier keeps how it stood.";
      break;
    case "on_hold":
      title = `${actorName} put ${project.name} on hold`;
      body = "Gate reviews are paused until the project is resumed.";
      break;
    case "resumed":
      title = `${actorName} resumed ${project.name}`;
      break;
    case "retired":
      title = `${actorName} retired ${project.name}`;
      body = "The project is read-only from now on.";
      break;
    case "stopped":
      title = `${actorName} stopped ${project.name}`;
      body = [
        `Cause: ${stopCauseLabel[change.cause]}: ${change.note}`,
        change.reviewWithdrawn ? "The open gate review was withdrawn." : "",
        change.debtWords ?? "",
      ]
        .filter(Boolean)
        .join("\n");
      break;
    case "reopened":
      title = `${actorName} reopened ${project.name}`;
      body = `Reason: ${change.reason}`;
      break;
  }
  return membersOf(input.team, ALL).map((userId) => ({
    userId,
    category: "project_changed" as const,
    title,
    body: clip(body),
    link: projectLink(project),
    projectId: project.id,
  }));
}

/** A debt item's new owner is told (the item comes before its steps, so one notice per person). */
export function debtItemAssignedDraft(input: {
  project: ProjectRef;
  ownerId: number;
  actorName: string;
  item: { id: number; title: string; targetDate: string | null };
}): NotificationDraft {
  const { item } = input;
  return {
    userId: input.ownerId,
    category: "debt_assigned",
    title: `${input.actorName} made you the owner of debt item “${item.title}” on ${input.project.name}`,
    body: item.targetDate ? `Target date: ${item.targetDate}.` : "No target date yet.",
    link: debtLink(input.project, item.id),
    projectId: input.project.id,
  };
}

/** A repayment step's new owner is told. */
export function debtStepAssignedDraft(input: {
  project: ProjectRef;
  ownerId: number;
  actorName: string;
  item: { id: number; title: string };
  step: { title: string; dueDate: string | null };
}): NotificationDraft {
  return {
    userId: input.ownerId,
    category: "debt_assigned",
    title: `${input.actorName} assigned you the step “${input.step.title}” of debt item “${input.item.title}” on ${input.project.name}`,
    body: input.step.dueDate ? `Due ${input.step.dueDate}.` : "No due date.",
    link: debtLink(input.project, input.item.id),
    projectId: input.project.id,
  };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * A spreadsheet import made someone the owner of several items: they are told once, with the
 * count (one notice per item would flood them), linking to the register.
 */
export function debtImportedDraft(input: {
  project: ProjectRef;
  ownerId: number;
  actorName: string;
  register: "technical" | "organizational";
  items: number;
}): NotificationDraft {
  return {
    userId: input.ownerId,
    category: "debt_assigned",
    title: `${input.actorName} imported ${count(input.items, "debt item", "debt items")} you own into the ${input.register} register of ${input.project.name}`,
    body: "Each item's page shows its repayment plan, or asks for one.",
    link: `/projects/${input.project.slug}/debt?register=${input.register}`,
    projectId: input.project.id,
  };
}

/**
 * A hand-over (a person left): each new owner is told once per project, with what they now
 * own there (debt items, repayment steps, the project itself).
 */
export function handedOverDraft(input: {
  project: ProjectRef;
  ownerId: number;
  actorName: string;
  fromName: string;
  items: number;
  steps: number;
  ownership: boolean;
}): NotificationDraft {
  const parts = [
    input.items ? count(input.items, "debt item", "debt items") : null,
    input.steps ? count(input.steps, "repayment step", "repayment steps") : null,
    input.ownership ? `the ownership of ${input.project.name}` : null,
  ].filter((p): p is string => p !== null);
  const what = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  const debt = input.items + input.steps > 0;
  return {
    userId: input.ownerId,
    category: debt ? "debt_assigned" : "project_changed",
    title: `${input.actorName} handed you ${what}${input.ownership ? "" : ` on ${input.project.name}`}, from ${input.fromName}`,
    body: `These were ${input.fromName}'s; you own them now.`,
    link: debt ? `/projects/${input.project.slug}/debt` : `/projects/${input.project.slug}`,
    projectId: input.project.id,
  };
}
