/**
 * Events → notifications (docs/domain.md, "Notifications") through the models on a real
 * SQLite file: for each event exactly the right people get exactly one notification, never
 * the actor, never a deactivated person, and a refused change writes none. A stale sign-off is
 * announced once, with what changed. People who want a category at once get one mail row
 * each; a preference for "in Triad only" writes the notification without mail.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Discipline } from "../../app/domain/vocabulary";
import { DomainError } from "~/domain/errors";
import type { NotificationCategory, NotificationMode } from "~/domain/notifications";
import {
  addRepaymentStep,
  createDebtItem,
  setDebtStatus,
  updateDebtItem,
  updateRepaymentStep,
  type DebtDetails,
} from "~/models/debt.server";
import { attest, dismissChangesRequest, getReview, openReview, promote, signOff } from "~/models/gates.server";
import { changeProjectState, createProject, getProject, reopenProject } from "~/models/projects.server";
import {
  assessRequirement,
  createRequirement,
  getRequirement,
  updateRequirement,
  withdrawRequirement,
} from "~/models/requirements.server";
import { addComment, editComment } from "~/models/review-comments.server";
import { addMember } from "~/models/team.server";
import { setUserActive, type Actor } from "~/models/users.server";
import { sqlite } from "../support/database";
import { createAdmin, createTestUser, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

type Name = "brigitte" | "bruno" | "farid" | "dora" | "olga" | "ivan" | "outsider" | "admin";
let people: Record<Name, TestUser>;

beforeAll(async () => {
  people = {
    brigitte: await createTestUser({
      name: "Brigitte Business",
      email: "brigitte@example.com",
      discipline: "business",
    }),
    bruno: await createTestUser({ name: "Bruno Business", email: "bruno@example.com", discipline: "business" }),
    farid: await createTestUser({ name: "Farid Science", email: "farid@example.com", discipline: "data_science" }),
    dora: await createTestUser({ name: "Dora Data", email: "dora@example.com", discipline: "data_science" }),
    olga: await createTestUser({ name: "Olga Operations", email: "olga@example.com", discipline: "it" }),
    ivan: await createTestUser({ name: "Ivan Infra", email: "ivan@example.com", discipline: "it" }),
    outsider: await createTestUser({ name: "Otto Outsider", email: "otto@example.com", discipline: "data_science" }),
    admin: await createAdmin({ name: "Ada Admin", email: "ada@example.com", discipline: "data_science" }),
  };
});

// ---------- reading what was written ----------

type Row = {
  id: number;
  user_id: number;
  category: NotificationCategory;
  title: string;
  body: string;
  link: string;
  project_id: number | null;
  actor_id: number | null;
};

const lastNotificationId = () =>
  (sqlite().prepare("select coalesce(max(id), 0) as id from notifications").get() as { id: number }).id;

/** Runs one change and returns the notifications it wrote. */
function told(run: () => unknown): Row[] {
  const since = lastNotificationId();
  run();
  return sqlite().prepare("select * from notifications where id > ? order by id").all(since) as Row[];
}

/** Who was told, sorted by id, as names (one entry per notification, so repeats show). */
function whoOf(rows: Row[]): string[] {
  const byId = new Map(Object.entries(people).map(([name, u]) => [u.id, name]));
  return rows.map((r) => byId.get(r.user_id) ?? `#${r.user_id}`).sort();
}

const names = (...list: Name[]) => [...list].sort();

const mailFor = (notificationIds: number[]) =>
  notificationIds.length
    ? (sqlite()
        .prepare(
          `select * from mail_outbox where notification_id in (${notificationIds.map(() => "?").join(",")}) order by id`,
        )
        .all(...notificationIds) as Array<{
        user_id: number;
        notification_id: number;
        status: string;
        to_address: string;
        category: string;
      }>)
    : [];

const counts = () => ({
  notifications: (sqlite().prepare("select count(*) as n from notifications").get() as { n: number }).n,
  mail: (sqlite().prepare("select count(*) as n from mail_outbox").get() as { n: number }).n,
  notices: (sqlite().prepare("select count(*) as n from notices").get() as { n: number }).n,
});

/** The change is refused and tells nobody: no notification, no mail, no notice. */
function refusedQuietly(run: () => unknown) {
  const before = counts();
  expect(run).toThrow(DomainError);
  expect(counts()).toEqual(before);
}

function prefer(user: TestUser, category: NotificationCategory, mode: NotificationMode) {
  sqlite()
    .prepare(
      "insert into notification_preferences (user_id, category, mode, updated_at) values (?, ?, ?, ?) on conflict (user_id, category) do update set mode = excluded.mode",
    )
    .run(user.id, category, mode, Date.now());
}

// ---------- a project ready for its gate to pilot ----------

let worlds = 0;

/**
 * Owner Brigitte with Bruno, Farid and Dora (data science), Olga and Ivan (IT operations); one
 * must-have assessed feasible by Farid and Olga; the review to pilot open (when asked) with
 * every attestation ticked. `extra` people join the team too.
 */
function world({ review = true, extra = [] as TestUser[] } = {}) {
  const { brigitte, bruno, farid, dora, olga, ivan } = people;
  const owner = actorOf(brigitte);
  const project = createProject({
    actor: owner,
    name: `Notify ${++worlds}`,
    summary: "",
    businessCase: "",
    ownerId: brigitte.id,
  });
  for (const u of [bruno, farid, dora, olga, ivan, ...extra])
    addMember({ actor: owner, projectId: project.id, userId: u.id });
  const req = createRequirement({
    actor: owner,
    projectId: project.id,
    title: "Warn before a failure",
    description: "From the vibration sensors.",
    target: "warn >= 48 h ahead",
    priority: "must",
  });
  assessRequirement({
    actor: actorOf(farid),
    requirementId: req.id,
    version: req.dsVersion,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  assessRequirement({
    actor: actorOf(olga),
    requirementId: req.id,
    version: req.itVersion,
    feasibility: "feasible",
    note: "",
    conditions: "",
  });
  if (!review) return { project, requirementId: req.id, reviewId: 0 };
  const opened = openReview({ actor: owner, projectId: project.id, statement: "A year of sensor data is in." });
  const byDiscipline: Record<Discipline, TestUser> = { business: brigitte, data_science: farid, it: olga };
  for (const c of getReview(opened.id)!.criteria.filter((c) => c.kind === "attestation")) {
    attest({
      actor: actorOf(c.discipline ? byDiscipline[c.discipline] : farid),
      reviewId: opened.id,
      key: c.key,
      note: `Checked: ${c.label}`,
    });
  }
  return { project, requirementId: req.id, reviewId: opened.id };
}

type World = ReturnType<typeof world>;

const sign = (
  w: World,
  who: TestUser,
  decision: "approve" | "approve_with_conditions" | "changes_requested" = "approve",
  comment = "",
) =>
  signOff({
    actor: actorOf(who),
    reviewId: w.reviewId,
    decision,
    comment: comment || (decision === "approve" ? "" : "See my comment."),
  });

const requirement = (w: World) => getRequirement(w.requirementId)!;

const editTarget = (w: World, who: TestUser, target: string) => {
  const r = requirement(w);
  return updateRequirement({
    actor: actorOf(who),
    requirementId: r.id,
    version: r.version,
    title: r.title,
    description: r.description,
    target,
    priority: r.priority,
  });
};

const details = (over: Partial<DebtDetails> = {}): DebtDetails => ({
  title: "Hand-made features",
  description: "Features built by hand in a notebook.",
  category: "other",
  benefit: "Faster PoC.",
  stageIncurred: "poc",
  severity: "medium",
  principalDays: 3,
  interestDays: 1,
  ownerId: null,
  ...over,
});

// ---------- review opened ----------

describe("a review is opened", () => {
  it("tells every team member once, not the opener, not outsiders; immediate by default, with one mail each", () => {
    const w = world({ review: false });
    const rows = told(() =>
      openReview({ actor: actorOf(people.brigitte), projectId: w.project.id, statement: "Ready now." }),
    );
    expect(whoOf(rows)).toEqual(names("bruno", "dora", "farid", "ivan", "olga"));
    for (const r of rows) {
      expect(r.category).toBe("review_opened");
      expect(r.link).toBe(`/projects/${w.project.slug}/gate`);
      expect(r.project_id).toBe(w.project.id);
      expect(r.actor_id).toBe(people.brigitte.id);
      expect(r.title).toContain("Brigitte Business opened the gate review PoC → Pilot");
      expect(r.body).toContain("Why now: Ready now.");
    }
    const mail = mailFor(rows.map((r) => r.id));
    expect(mail.map((m) => m.notification_id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(new Set(mail.map((m) => m.status))).toEqual(new Set(["pending"]));
    expect(mail.find((m) => m.user_id === people.farid.id)!.to_address).toBe("farid@example.com");
  });

  it("writes the notification but no mail for someone who wants it in Triad only", () => {
    const w = world({ review: false });
    prefer(people.ivan, "review_opened", "in_app");
    try {
      const rows = told(() =>
        openReview({ actor: actorOf(people.brigitte), projectId: w.project.id, statement: "Ready now." }),
      );
      const ivan = rows.filter((r) => r.user_id === people.ivan.id);
      expect(ivan).toHaveLength(1);
      expect(mailFor(ivan.map((r) => r.id))).toEqual([]);
      expect(mailFor(rows.map((r) => r.id))).toHaveLength(rows.length - 1);
    } finally {
      prefer(people.ivan, "review_opened", "immediate");
    }
  });

  it("tells nobody deactivated, and nothing when refused", async () => {
    const ina = await createTestUser({ name: "Ina Inactive", discipline: "it" });
    const w = world({ review: false, extra: [ina] });
    setUserActive({ actor: actorOf(people.admin), userId: ina.id, active: false });
    refusedQuietly(() => openReview({ actor: actorOf(people.brigitte), projectId: w.project.id, statement: "" }));
    refusedQuietly(() =>
      openReview({ actor: actorOf(people.outsider), projectId: w.project.id, statement: "Ready now." }),
    );
    const rows = told(() =>
      openReview({ actor: actorOf(people.brigitte), projectId: w.project.id, statement: "Ready now." }),
    );
    expect(whoOf(rows)).toEqual(names("bruno", "dora", "farid", "ivan", "olga"));
    expect(rows.some((r) => r.user_id === ina.id)).toBe(false);
  });
});

// ---------- changes requested and dismissed ----------

describe("changes requested and dismissed", () => {
  it("tells the owner of a request for changes, and its author of the dismissal", () => {
    const w = world();
    let id = 0;
    const asked = told(() => {
      id = sign(w, people.olga, "changes_requested", "Add a rollback plan.").id;
    });
    expect(whoOf(asked)).toEqual(names("brigitte"));
    expect(asked[0]).toMatchObject({
      category: "changes_requested",
      body: "Add a rollback plan.",
      link: `/projects/${w.project.slug}/gate#signoff-${id}`,
    });
    expect(mailFor(asked.map((r) => r.id))).toHaveLength(1);

    expect(told(() => sign(w, people.farid))).toEqual([]);

    refusedQuietly(() =>
      dismissChangesRequest({ actor: actorOf(people.brigitte), reviewId: w.reviewId, signOffId: id, reason: " " }),
    );
    refusedQuietly(() =>
      dismissChangesRequest({ actor: actorOf(people.bruno), reviewId: w.reviewId, signOffId: id, reason: "No." }),
    );
    const dismissed = told(() =>
      dismissChangesRequest({
        actor: actorOf(people.brigitte),
        reviewId: w.reviewId,
        signOffId: id,
        reason: "The runbook covers it.",
      }),
    );
    expect(whoOf(dismissed)).toEqual(names("olga"));
    expect(dismissed[0]).toMatchObject({ category: "changes_dismissed", body: "Reason: The runbook covers it." });
  });

  it("does not tell the owner of her own request for changes", () => {
    const w = world();
    expect(told(() => sign(w, people.brigitte, "changes_requested", "Not yet."))).toEqual([]);
  });
});

// ---------- the conversation ----------

describe("comments", () => {
  it("tells the replied-to signer and each mentioned person once; never the writer", () => {
    const w = world();
    const olgaSigned = sign(w, people.olga);
    const rows = told(() =>
      addComment({
        actor: actorOf(people.farid),
        reviewId: w.reviewId,
        body: "Agreed @olga, and @dora please look. @farid",
        replyToSignOffId: olgaSigned.id,
      }),
    );
    expect(whoOf(rows)).toEqual(names("dora", "olga"));
    expect(rows.find((r) => r.user_id === people.olga.id)!.category).toBe("comment");
    expect(rows.find((r) => r.user_id === people.dora.id)!.category).toBe("mention");
    expect(rows[0].link).toMatch(new RegExp(`^/projects/${w.project.slug}/gate#comment-\\d+$`));
    expect(rows[0].body).toContain("please look");
  });

  it("tells only the people an edit newly mentions; a refused comment tells nobody", () => {
    const w = world();
    let comment = addComment({ actor: actorOf(people.farid), reviewId: w.reviewId, body: "Thoughts, @dora?" });
    refusedQuietly(() =>
      editComment({ actor: actorOf(people.dora), commentId: comment.id, body: "@ivan", version: comment.version }),
    );
    refusedQuietly(() => addComment({ actor: actorOf(people.outsider), reviewId: w.reviewId, body: "@dora" }));
    const rows = told(() => {
      comment = {
        ...comment,
        ...editComment({
          actor: actorOf(people.farid),
          commentId: comment.id,
          body: "Thoughts, @dora and @ivan?",
          version: comment.version,
        }),
      };
    });
    expect(whoOf(rows)).toEqual(names("ivan"));
    expect(rows[0].category).toBe("mention");
    expect(rows[0].title).toContain("edited comment");
  });
});

// ---------- requirements waiting for verdicts ----------

describe("a requirement needs a verdict", () => {
  it("on creation, and when an edit resets the verdicts: IT operations and data science members; digest by default, no mail", () => {
    const w = world({ review: false });
    const created = told(() =>
      createRequirement({
        actor: actorOf(people.bruno),
        projectId: w.project.id,
        title: "Explain warnings",
        description: "",
        target: "top 3 causes",
        priority: "should",
      }),
    );
    expect(whoOf(created)).toEqual(names("dora", "farid", "ivan", "olga"));
    expect(new Set(created.map((r) => r.category))).toEqual(new Set(["verdict_needed"]));
    expect(created[0].link).toBe(`/projects/${w.project.slug}/requirements`);
    expect(mailFor(created.map((r) => r.id))).toEqual([]);

    const r = requirement(w);
    expect(
      told(() =>
        updateRequirement({
          actor: actorOf(people.bruno),
          requirementId: r.id,
          version: r.version,
          title: r.title,
          description: "Longer.",
          target: r.target,
          priority: r.priority,
        }),
      ),
    ).toEqual([]);
    const reset = told(() => editTarget(w, people.bruno, "warn >= 72 h ahead"));
    expect(whoOf(reset)).toEqual(names("dora", "farid", "ivan", "olga"));
    expect(reset[0].body).toContain("reset");
    // Unassessed already: nothing was reset, nobody is asked again.
    expect(told(() => editTarget(w, people.bruno, "warn >= 96 h ahead"))).toEqual([]);
    refusedQuietly(() =>
      createRequirement({
        actor: actorOf(people.outsider),
        projectId: w.project.id,
        title: "X",
        description: "",
        target: "Y",
        priority: "must",
      }),
    );
  });
});

// ---------- stale sign-offs ----------

describe("your sign-off went stale", () => {
  it("tells each signer whose approval just went stale, once, with what changed; never the one who changed it", () => {
    const w = world();
    for (const u of [people.brigitte, people.bruno, people.farid, people.olga]) sign(w, u);
    const rows = told(() => editTarget(w, people.bruno, "warn >= 72 h ahead"));
    const stale = rows.filter((r) => r.category === "signoff_stale");
    expect(whoOf(stale)).toEqual(names("brigitte", "farid", "olga"));
    for (const r of stale) {
      expect(r.body).toContain(
        "The target of “Warn before a failure” changed from “warn >= 48 h ahead” to “warn >= 72 h ahead”.",
      );
      expect(r.link).toMatch(new RegExp(`^/projects/${w.project.slug}/gate#signoff-\\d+$`));
    }
    // Immediate by default: one mail per stale notice.
    expect(mailFor(stale.map((r) => r.id))).toHaveLength(3);
    // Already stale: another change tells nobody again.
    const r = requirement(w);
    expect(
      told(() => withdrawRequirement({ actor: actorOf(people.bruno), requirementId: r.id, version: r.version })).filter(
        (n) => n.category === "signoff_stale",
      ),
    ).toEqual([]);
  });

  it("tells no deactivated signer, and nobody when the change is refused", async () => {
    const iris = await createTestUser({ name: "Iris Ito", discipline: "it" });
    const w = world({ extra: [iris] });
    sign(w, people.brigitte);
    sign(w, iris);
    setUserActive({ actor: actorOf(people.admin), userId: iris.id, active: false });
    const old = requirement(w);
    // Iris's approval goes stale too, but she is deactivated: only Brigitte hears of it.
    const first = told(() => editTarget(w, people.bruno, "warn >= 60 h ahead"));
    expect(whoOf(first.filter((r) => r.category === "signoff_stale"))).toEqual(names("brigitte"));
    expect(first.some((r) => r.user_id === iris.id)).toBe(false);
    // Brigitte signs again; a form opened before (an old version) is refused and tells nobody.
    sign(w, people.brigitte);
    refusedQuietly(() =>
      updateRequirement({
        actor: actorOf(people.bruno),
        requirementId: old.id,
        version: old.version,
        title: old.title,
        description: "",
        target: "warn >= 80 h ahead",
        priority: old.priority,
      }),
    );
    refusedQuietly(() =>
      attest({
        actor: actorOf(people.outsider),
        reviewId: w.reviewId,
        key: getReview(w.reviewId)!.criteria.find((c) => c.kind === "attestation")!.key,
        note: "x",
      }),
    );
    expect(
      whoOf(
        told(() => editTarget(w, people.bruno, "warn >= 72 h ahead")).filter((r) => r.category === "signoff_stale"),
      ),
    ).toEqual(names("brigitte"));
  });

  it("announces one sign-off once, even if it counted again in between", () => {
    const w = world();
    sign(w, people.brigitte);
    expect(
      whoOf(
        told(() => editTarget(w, people.bruno, "warn >= 72 h ahead")).filter((r) => r.category === "signoff_stale"),
      ),
    ).toEqual(names("brigitte"));
    // Back to what she signed for: her approval counts again...
    told(() => editTarget(w, people.bruno, "warn >= 48 h ahead"));
    // (the edits reset the verdicts; her view holds them, so restore them as they were)
    const r = requirement(w);
    assessRequirement({
      actor: actorOf(people.farid),
      requirementId: r.id,
      version: r.dsVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    assessRequirement({
      actor: actorOf(people.olga),
      requirementId: r.id,
      version: r.itVersion,
      feasibility: "feasible",
      note: "",
      conditions: "",
    });
    const panel = getReview(w.reviewId)!.panels.find((p) => p.discipline === "business")!;
    expect(panel.signOffs[0].standing).toBe("approved");
    // ...and going stale again is not announced a second time.
    expect(
      told(() => editTarget(w, people.bruno, "warn >= 72 h ahead")).filter((r) => r.category === "signoff_stale"),
    ).toEqual([]);
    // Signing again is a new sign-off: its going stale is news.
    sign(w, people.brigitte);
    expect(
      whoOf(
        told(() => editTarget(w, people.bruno, "warn >= 96 h ahead")).filter((r) => r.category === "signoff_stale"),
      ),
    ).toEqual(names("brigitte"));
  });

  it("follows the concern table: a verdict, an attestation, debt", () => {
    const w = world();
    for (const u of [people.brigitte, people.farid, people.olga, people.ivan]) sign(w, u);
    // IT operations' verdict: business and IT operations, not the IT member who changed it.
    const r = requirement(w);
    const verdict = told(() =>
      assessRequirement({
        actor: actorOf(people.olga),
        requirementId: r.id,
        version: r.itVersion,
        feasibility: "feasible_with_conditions",
        note: "",
        conditions: "A GPU node.",
      }),
    );
    expect(whoOf(verdict)).toEqual(names("brigitte", "ivan"));
    expect(verdict[0].body).toContain("IT operations' verdict on “Warn before a failure” changed");

    // A note alone concerns nobody.
    const again = requirement(w);
    expect(
      told(() =>
        assessRequirement({
          actor: actorOf(people.farid),
          requirementId: again.id,
          version: again.dsVersion,
          feasibility: "feasible",
          note: "More data now.",
          conditions: "",
        }),
      ),
    ).toEqual([]);

    // A technical debt item: data science and IT operations (Farid's approval still counted).
    const debt = told(() =>
      createDebtItem({ actor: actorOf(people.dora), projectId: w.project.id, register: "technical", ...details() }),
    );
    expect(whoOf(debt)).toEqual(names("farid"));
    expect(debt[0].body).toBe("Debt item “Hand-made features” (technical) was added.");

    // An attestation any member may tick, re-ticked by a business member: business.
    sign(w, people.brigitte);
    const key = getReview(w.reviewId)!.criteria.find((c) => c.kind === "attestation" && !c.discipline)!.key;
    const attested = told(() =>
      attest({ actor: actorOf(people.bruno), reviewId: w.reviewId, key, note: "Checked again." }),
    );
    expect(whoOf(attested)).toEqual(names("brigitte"));
  });

  it("a condition of an approval stales nobody, and nothing is checked without an open review", () => {
    const w = world();
    sign(w, people.brigitte);
    sign(w, people.farid);
    const conditional = told(() =>
      signOff({
        actor: actorOf(people.olga),
        reviewId: w.reviewId,
        decision: "approve_with_conditions",
        comment: "",
        conditions: [{ title: "Add alerting", register: "technical", targetDate: null }],
      }),
    );
    expect(conditional).toEqual([]);
    const quiet = world({ review: false });
    const before = counts();
    editTarget(quiet, people.bruno, "warn >= 72 h ahead");
    expect(counts().notices).toBe(before.notices);
  });
});

// ---------- project changes ----------

describe("the project changes", () => {
  it("hold, resume, stop and reopen tell every member but the actor", () => {
    const w = world({ review: false });
    const state = (change: Parameters<typeof changeProjectState>[0]["change"], who = people.brigitte) =>
      told(() =>
        changeProjectState({
          actor: actorOf(who),
          projectId: w.project.id,
          version: getProject(w.project.id)!.version,
          change,
        }),
      );
    const everyoneBut = names("bruno", "dora", "farid", "ivan", "olga");
    const held = state({ to: "on_hold" });
    expect(whoOf(held)).toEqual(everyoneBut);
    expect(held[0]).toMatchObject({ category: "project_changed", link: `/projects/${w.project.slug}` });
    expect(held[0].title).toContain("put");
    expect(whoOf(state({ to: "active" }))).toEqual(everyoneBut);
    refusedQuietly(() =>
      changeProjectState({
        actor: actorOf(people.brigitte),
        projectId: w.project.id,
        version: getProject(w.project.id)!.version,
        change: { to: "retired" },
      }),
    );
    refusedQuietly(() =>
      changeProjectState({
        actor: actorOf(people.bruno),
        projectId: w.project.id,
        version: getProject(w.project.id)!.version,
        change: { to: "on_hold" },
      }),
    );
    const stopped = state({ to: "stopped", stopCause: "privacy_security", stopNote: "No consent." });
    expect(whoOf(stopped)).toEqual(everyoneBut);
    expect(stopped[0].body).toContain("Privacy or security: No consent.");
    // The admin is not on the team: the owner is told too.
    const reopened = told(() =>
      reopenProject({
        actor: actorOf(people.admin),
        projectId: w.project.id,
        version: getProject(w.project.id)!.version,
        reason: "Consent was given.",
      }),
    );
    expect(whoOf(reopened)).toEqual(names("brigitte", "bruno", "dora", "farid", "ivan", "olga"));
    expect(reopened[0].body).toBe("Reason: Consent was given.");
    // Digest by default: no mail.
    expect(mailFor(reopened.map((r) => r.id))).toEqual([]);
  });

  it("promotion tells every member but the one who promoted", () => {
    const w = world();
    for (const u of [people.brigitte, people.farid, people.olga]) sign(w, u);
    const rows = told(() => promote({ actor: actorOf(people.brigitte), reviewId: w.reviewId }));
    expect(whoOf(rows)).toEqual(names("bruno", "dora", "farid", "ivan", "olga"));
    expect(rows[0].title).toContain("promoted");
    expect(rows[0].title).toContain("Pilot");
  });
});

// ---------- debt assigned ----------

describe("debt assigned", () => {
  it("tells the new owner of an item and of its steps, once each; never the actor", () => {
    const w = world({ review: false });
    let id = 0;
    const rows = told(() => {
      id = createDebtItem({
        actor: actorOf(people.olga),
        projectId: w.project.id,
        register: "technical",
        ...details({ ownerId: people.farid.id }),
        plan: {
          strategy: "Port to the pipeline.",
          targetDate: null,
          repayBeforeStage: "pilot",
          steps: [
            { title: "Write the pipeline", ownerId: people.farid.id },
            { title: "Review it", ownerId: people.dora.id },
            { title: "Deploy it", ownerId: people.olga.id },
          ],
        },
      }).id;
    });
    expect(whoOf(rows)).toEqual(names("dora", "farid"));
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(["debt_assigned"]));
    expect(rows[0].link).toBe(`/projects/${w.project.slug}/debt/${id}`);
    expect(rows.find((r) => r.user_id === people.farid.id)!.title).toContain("made you the owner");
    expect(mailFor(rows.map((r) => r.id))).toHaveLength(2);

    const item = () => getItem(id);
    const update = (ownerId: number | null, title = "Hand-made features", who = people.olga) =>
      told(() =>
        updateDebtItem({
          actor: actorOf(who),
          itemId: id,
          version: item().version,
          details: details({ ownerId, title }),
        }),
      );
    expect(update(people.farid.id, "Hand-made feature code")).toEqual([]);
    expect(whoOf(update(people.ivan.id))).toEqual(names("ivan"));
    expect(update(null)).toEqual([]);
    expect(update(people.olga.id)).toEqual([]);
    refusedQuietly(() =>
      updateDebtItem({
        actor: actorOf(people.olga),
        itemId: id,
        version: item().version,
        details: details({ ownerId: people.outsider.id }),
      }),
    );

    let stepId = 0;
    const added = told(() => {
      stepId = addRepaymentStep({
        actor: actorOf(people.olga),
        itemId: id,
        version: item().version,
        step: { title: "Monitor it", ownerId: people.ivan.id, dueDate: null },
      }).id;
    });
    expect(whoOf(added)).toEqual(names("ivan"));
    expect(added[0].title).toContain("“Monitor it”");
    const moved = told(() =>
      updateRepaymentStep({
        actor: actorOf(people.olga),
        itemId: id,
        version: item().version,
        stepId,
        step: { title: "Monitor it", ownerId: people.dora.id, dueDate: null },
      }),
    );
    expect(whoOf(moved)).toEqual(names("dora"));
    expect(
      told(() =>
        updateRepaymentStep({
          actor: actorOf(people.olga),
          itemId: id,
          version: item().version,
          stepId,
          step: { title: "Monitor it well", ownerId: people.dora.id, dueDate: null },
        }),
      ),
    ).toEqual([]);
  });

  it("a status change stales the approvals it concerns, and tells nobody else", () => {
    const w = world();
    const created = createDebtItem({
      actor: actorOf(people.bruno),
      projectId: w.project.id,
      register: "organizational",
      ...details({ category: "data_access" }),
    });
    for (const u of [people.brigitte, people.farid, people.olga]) sign(w, u);
    const rows = told(() =>
      setDebtStatus({
        actor: actorOf(people.dora),
        itemId: created.id,
        version: getItem(created.id).version,
        change: { to: "repaid", note: "Done." },
        today: "2020-01-01",
      }),
    );
    expect(whoOf(rows)).toEqual(names("brigitte", "olga"));
    expect(rows[0].body).toContain("no longer open");
  });
});

function getItem(id: number) {
  return sqlite().prepare("select id, version from debt_items where id = ?").get(id) as { id: number; version: number };
}
