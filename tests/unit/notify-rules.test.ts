/**
 * Who is told of what (docs/domain.md, "Notifications"), the pure part: which approvals just
 * went stale, who is newly mentioned or newly an owner, and the drafts of each event —
 * recipients, category, a readable title, a useful body and a deep link. The models' side
 * (the actor skipped, inactive people, one row each, mail) is in
 * tests/integration/notify-events.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { DisciplineView } from "../../app/domain/concerns";
import type { Fingerprints } from "../../app/domain/gates";
import type { TeamMember } from "../../app/domain/notifications";
import {
  BODY_LIMIT,
  changesDismissedDraft,
  changesRequestedDraft,
  clip,
  commentDrafts,
  debtItemAssignedDraft,
  debtStepAssignedDraft,
  newOwner,
  newlyMentioned,
  newlyStale,
  projectChangedDrafts,
  reviewOpenedDrafts,
  staleDraft,
  verdictNeededDrafts,
  type WatchedSignOff,
} from "../../app/domain/notify-rules";

const project = { id: 7, slug: "press-line-3", name: "Press line 3" };
const team: TeamMember[] = [
  { userId: 1, discipline: "business" },
  { userId: 2, discipline: "business" },
  { userId: 3, discipline: "data_science" },
  { userId: 4, discipline: "it" },
];

const fp = (business: string, data_science: string, it: string): Fingerprints => ({ business, data_science, it });

const signOff = (over: Partial<WatchedSignOff>): WatchedSignOff => ({
  id: 1,
  discipline: "business",
  userId: 1,
  userName: "",
  decision: "approve",
  fingerprint: "b0",
  ...over,
});

describe("newlyStale", () => {
  const before = fp("b0", "d0", "i0");

  it("names an approval that counted before and whose discipline's view moved", () => {
    const a = signOff({ id: 1, discipline: "business", userId: 1, fingerprint: "b0" });
    const b = signOff({
      id: 2,
      discipline: "data_science",
      userId: 3,
      fingerprint: "d0",
      decision: "approve_with_conditions",
    });
    expect(newlyStale([a, b], before, fp("b1", "d0", "i0"), team)).toEqual([a]);
    expect(newlyStale([a, b], before, fp("b1", "d1", "i0"), team)).toEqual([a, b]);
  });

  it("is silent when nothing moved", () => {
    expect(newlyStale([signOff({})], before, before, team)).toEqual([]);
  });

  it("does not repeat an approval that was already stale", () => {
    const stale = signOff({ fingerprint: "old" });
    expect(newlyStale([stale], before, fp("b1", "d0", "i0"), team)).toEqual([]);
  });

  it("ignores a signer who no longer sits for the discipline, and a request for changes", () => {
    const gone = signOff({ userId: 99 });
    const objection = signOff({ id: 3, decision: "changes_requested" });
    expect(newlyStale([gone, objection], before, fp("b1", "d0", "i0"), team)).toEqual([]);
  });
});

describe("newlyMentioned and newOwner", () => {
  it("keeps only people the new wording adds, once each", () => {
    expect(newlyMentioned([1, 2], [2, 3, 3, 4])).toEqual([3, 4]);
    expect(newlyMentioned([1, 2], [1])).toEqual([]);
    expect(newlyMentioned([], [5])).toEqual([5]);
  });

  it("names the owner only when someone new is set", () => {
    expect(newOwner(null, 3)).toBe(3);
    expect(newOwner(2, 3)).toBe(3);
    expect(newOwner(undefined, 3)).toBe(3);
    expect(newOwner(3, 3)).toBeNull();
    expect(newOwner(3, null)).toBeNull();
    expect(newOwner(null, null)).toBeNull();
  });
});

describe("the drafts of each event", () => {
  it("review opened: every member, told what their discipline must do, linked to the gate", () => {
    const drafts = reviewOpenedDrafts({
      project,
      team,
      actorName: "Brigitte",
      fromStage: "poc",
      targetStage: "pilot",
      statement: "The pilot plant is ready.",
      requiredApprovals: 2,
    });
    expect(drafts.map((d) => d.userId).sort()).toEqual([1, 2, 3, 4]);
    for (const d of drafts) {
      expect(d.category).toBe("review_opened");
      expect(d.link).toBe("/projects/press-line-3/gate");
      expect(d.projectId).toBe(7);
      expect(d.title).toBe("Brigitte opened the gate review PoC → Pilot of Press line 3");
      expect(d.body).toContain("Why now: The pilot plant is ready.");
    }
    expect(drafts.find((d) => d.userId === 4)!.body).toContain(
      "IT operations signs for its own concerns: 2 approvals needed.",
    );
  });

  it("stale: the signer, with what changed since they signed", () => {
    const snapshot: DisciplineView = {
      requirements: [{ id: 1, title: "Warn early", target: "48 h", priority: "must", status: "active" }],
      attestations: [],
      debtItems: [],
    };
    const live: DisciplineView = { ...snapshot, requirements: [{ ...snapshot.requirements[0], target: "72 h" }] };
    const d = staleDraft({
      project,
      targetStage: "pilot",
      signOffId: 12,
      userId: 3,
      discipline: "data_science",
      snapshot,
      live,
    });
    expect(d).toMatchObject({
      userId: 3,
      category: "signoff_stale",
      link: "/projects/press-line-3/gate#signoff-12",
      projectId: 7,
    });
    expect(d.title).toContain("Your approval for Data science of Press line 3's gate review to Pilot went stale");
    expect(d.body).toBe("The target of “Warn early” changed from “48 h” to “72 h”.");
    const old = staleDraft({
      project,
      targetStage: "pilot",
      signOffId: 12,
      userId: 3,
      discipline: "data_science",
      snapshot: null,
      live,
    });
    expect(old.body).toContain("predates");
  });

  it("changes requested: the owner, with the comment; dismissed: the author, with the reason", () => {
    const asked = changesRequestedDraft({
      project,
      ownerId: 1,
      actorName: "Olga",
      discipline: "it",
      targetStage: "pilot",
      signOffId: 5,
      comment: "  Add a rollback plan.  ",
    });
    expect(asked).toMatchObject({
      userId: 1,
      category: "changes_requested",
      body: "Add a rollback plan.",
      link: "/projects/press-line-3/gate#signoff-5",
    });
    expect(asked.title).toBe("Olga (IT operations) requested changes on the gate review to Pilot of Press line 3");
    const dismissed = changesDismissedDraft({
      project,
      authorId: 4,
      actorName: "Brigitte",
      signOffId: 5,
      reason: "Covered by the runbook.",
    });
    expect(dismissed).toMatchObject({
      userId: 4,
      category: "changes_dismissed",
      body: "Reason: Covered by the runbook.",
    });
  });

  it("a comment: the replied-to signer first, then each mentioned person; an edit says so", () => {
    const drafts = commentDrafts({
      project,
      commentId: 9,
      actorName: "Farid",
      body: "Agreed, @olga",
      replyToUserId: 4,
      mentionedUserIds: [4, 2],
    });
    expect(drafts.map((d) => [d.userId, d.category])).toEqual([
      [4, "comment"],
      [4, "mention"],
      [2, "mention"],
    ]);
    expect(new Set(drafts.map((d) => d.link))).toEqual(new Set(["/projects/press-line-3/gate#comment-9"]));
    expect(drafts[0].title).toBe("Farid replied to your sign-off on the gate review of Press line 3");
    const edited = commentDrafts({
      project,
      commentId: 9,
      actorName: "Farid",
      body: "x",
      replyToUserId: null,
      mentionedUserIds: [2],
      edited: true,
    });
    expect(edited[0].title).toContain("an edited comment");
  });

  it("verdict needed: IT operations and data science members only", () => {
    const requirement = { title: "Warn early", target: "48 h", priority: "must" as const };
    const created = verdictNeededDrafts({ project, team, actorName: "Brigitte", requirement, reason: "created" });
    expect(created.map((d) => d.userId).sort()).toEqual([3, 4]);
    expect(created[0]).toMatchObject({ category: "verdict_needed", link: "/projects/press-line-3/requirements" });
    expect(created[0].body).toContain("Must: 48 h");
    const reset = verdictNeededDrafts({ project, team, actorName: "Brigitte", requirement, reason: "reset" });
    expect(reset[0].body).toContain("reset");
  });

  it("project changed: every member, with the cause or the reason", () => {
    const stopped = projectChangedDrafts({
      project,
      team,
      actorName: "Ada",
      change: {
        kind: "stopped",
        cause: "privacy_security",
        note: "No consent.",
        reviewWithdrawn: true,
        debtWords: "2 open debt items were written off.",
      },
    });
    expect(stopped.map((d) => d.userId).sort()).toEqual([1, 2, 3, 4]);
    expect(stopped[0]).toMatchObject({
      category: "project_changed",
      link: "/projects/press-line-3",
      title: "Ada stopped Press line 3",
    });
    expect(stopped[0].body).toBe(
      "Cause: Privacy or security: No consent.\nThe open gate review was withdrawn.\n2 open debt items were written off.",
    );
    const titles = (["on_hold", "resumed", "retired"] as const).map(
      (kind) => projectChangedDrafts({ project, team, actorName: "Ada", change: { kind } })[0].title,
    );
    expect(titles).toEqual(["Ada put Press line 3 on hold", "Ada resumed Press line 3", "Ada retired Press line 3"]);
    expect(
      projectChangedDrafts({ project, team, actorName: "Ada", change: { kind: "promoted", stage: "pilot" } })[0].title,
    ).toBe("Ada promoted Press line 3 to Pilot");
    expect(
      projectChangedDrafts({
        project,
        team,
        actorName: "Ada",
        change: { kind: "reopened", reason: "Consent given." },
      })[0].body,
    ).toBe("Reason: Consent given.");
  });

  it("debt assigned: the item's or the step's owner, linked to the item", () => {
    const item = debtItemAssignedDraft({
      project,
      ownerId: 3,
      actorName: "Olga",
      item: { id: 40, title: "Hand-made features", targetDate: "2030-01-31" },
    });
    expect(item).toMatchObject({
      userId: 3,
      category: "debt_assigned",
      link: "/projects/press-line-3/debt/40",
      body: "Target date: 2030-01-31.",
    });
    const step = debtStepAssignedDraft({
      project,
      ownerId: 4,
      actorName: "Olga",
      item: { id: 40, title: "Hand-made features" },
      step: { title: "Port to the pipeline", dueDate: null },
    });
    expect(step).toMatchObject({
      userId: 4,
      category: "debt_assigned",
      link: "/projects/press-line-3/debt/40",
      body: "No due date.",
    });
    expect(step.title).toContain("“Port to the pipeline”");
  });

  it("bodies are clipped", () => {
    expect(clip("x".repeat(BODY_LIMIT + 50))).toHaveLength(BODY_LIMIT);
    expect(clip("  short  ")).toBe("short");
  });
});
