/**
 * The review conversation (docs/domain.md, "The review conversation") through the models:
 * comments from members and the owner, `@name` mentions resolved to team members and stored,
 * replies to a sign-off of the same review, edits by the author only with every earlier
 * wording kept. Each write has exactly one activity row; each refusal writes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DomainError } from "~/domain/errors";
import { ConflictError, ForbiddenError, ValidationError } from "~/domain/errors";
import { openReview, signOff, withdrawReview } from "~/models/gates.server";
import { changeProjectState, createProject, getProject } from "~/models/projects.server";
import { addComment, editComment, listComments } from "~/models/review-comments.server";
import { addMember } from "~/models/team.server";
import type { Actor } from "~/models/users.server";
import { activitySince, lastActivityId, sqlite } from "../support/database";
import { createAdmin, createTestUser, type TestUser } from "../support/users";

const actorOf = (u: TestUser): Actor => ({
  id: u.id,
  name: u.name,
  role: u.role,
  discipline: u.discipline,
  via: "web",
});

let brigitte: TestUser;
let farid: TestUser;
let olga: TestUser;
let orlova: TestUser;
let outsider: TestUser;
let admin: TestUser;

beforeAll(async () => {
  brigitte = await createTestUser({
    name: "Brigitte Business",
    email: "brigitte.b@example.com",
    discipline: "business",
  });
  farid = await createTestUser({
    name: "Farid Science",
    email: "farid.science@example.com",
    discipline: "data_science",
  });
  olga = await createTestUser({ name: "Olga Operations", email: "olga.ops@example.com", discipline: "it" });
  orlova = await createTestUser({ name: "Olga Orlova", email: "o.orlova@example.com", discipline: "it" });
  outsider = await createTestUser({ name: "Otto Outsider", email: "otto@example.com", discipline: "data_science" });
  admin = await createAdmin({ name: "Ada Admin", email: "ada.admin@example.com", discipline: "data_science" });
});

let worlds = 0;

/** Owner Brigitte, Farid, and two IT members both called Olga; a review to pilot open. */
function world() {
  const project = createProject({
    actor: actorOf(brigitte),
    name: `Talk ${++worlds}`,
    summary: "",
    businessCase: "",
    ownerId: brigitte.id,
  });
  for (const u of [farid, olga, orlova]) addMember({ actor: actorOf(brigitte), projectId: project.id, userId: u.id });
  const review = openReview({
    actor: actorOf(brigitte),
    projectId: project.id,
    statement: "The pilot plant is ready for us.",
  });
  return { project, review };
}

/** Every table but sessions, row by row. */
function everything() {
  const names = (
    sqlite()
      .prepare(
        "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'",
      )
      .all() as {
      name: string;
    }[]
  )
    .map((t) => t.name)
    .filter((name) => name !== "sessions");
  return Object.fromEntries(
    names.map((name) => [name, sqlite().prepare(`select * from "${name}" order by rowid`).all()]),
  );
}

function refused<E extends DomainError>(run: () => unknown, type: new (...args: never[]) => E): E {
  const before = everything();
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, "the call should have been refused").toBeInstanceOf(type);
  expect(everything(), "a refusal must write nothing").toEqual(before);
  return error as E;
}

/** Runs one write; returns its result and the activity rows it wrote. */
function withActivity<T>(run: () => T) {
  const since = lastActivityId();
  const result = run();
  return { result, rows: activitySince(since) };
}

describe("commenting", () => {
  it("a member comments with a mention: the mention is stored and listed, with one activity row", () => {
    const { project, review } = world();
    const { result, rows } = withActivity(() =>
      addComment({
        actor: actorOf(olga),
        reviewId: review.id,
        body: "  @farid, is the drift monitor part of the pilot? See https://wiki.example.com/drift  ",
      }),
    );
    expect(result.mentionedUserIds).toEqual([farid.id]);
    expect(rows.map((r) => r.action)).toEqual(["gate.commented"]);
    expect(rows[0]).toMatchObject({ actor_id: olga.id, entity_type: "review_comment", entity_id: result.id });
    expect((rows[0] as unknown as { project_id: number }).project_id).toBe(project.id);
    expect(JSON.parse(rows[0].after!)).toMatchObject({
      reviewId: review.id,
      mentionedUserIds: [farid.id],
      replyToSignOffId: null,
    });

    const [comment] = listComments(review.id);
    expect(comment).toMatchObject({
      body: "@farid, is the drift monitor part of the pilot? See https://wiki.example.com/drift",
      authorId: olga.id,
      authorName: "Olga Operations",
      editedAt: null,
      version: 1,
      replyToSignOffId: null,
      mentions: [{ id: farid.id, name: "Farid Science" }],
      revisions: [],
    });
  });

  it("mentions by full name or e-mail name; the owner can be mentioned; strangers and unknown names stay plain text", () => {
    const { review } = world();
    const { result } = withActivity(() =>
      addComment({
        actor: actorOf(farid),
        reviewId: review.id,
        body: "@OlgaOrlova and @olga.ops please check; @brigitte FYI. Not @otto, not @nobody, not otto@example.com.",
      }),
    );
    expect(result.mentionedUserIds).toEqual([orlova.id, olga.id, brigitte.id]);
    expect(
      listComments(review.id)[0]
        .mentions.map((m) => m.name)
        .sort(),
    ).toEqual(["Brigitte Business", "Olga Operations", "Olga Orlova"]);
  });

  it("an ambiguous mention is refused next to the comment, naming the people it could be", () => {
    const { review } = world();
    const error = refused(
      () => addComment({ actor: actorOf(farid), reviewId: review.id, body: "@olga can you look?" }),
      ValidationError,
    );
    expect(error.fields.body).toContain("Olga Operations");
    expect(error.fields.body).toContain("Olga Orlova");
    expect(listComments(review.id)).toEqual([]);
  });

  it("an empty comment is refused next to the field", () => {
    const { review } = world();
    const error = refused(
      () => addComment({ actor: actorOf(farid), reviewId: review.id, body: "   " }),
      ValidationError,
    );
    expect(Object.keys(error.fields)).toEqual(["body"]);
  });

  it("the owner and members comment; a non-member who does not own the project cannot, admin or not", () => {
    const { review } = world();
    expect(
      withActivity(() => addComment({ actor: actorOf(brigitte), reviewId: review.id, body: "Thanks all." })).rows,
    ).toHaveLength(1);
    refused(
      () => addComment({ actor: actorOf(outsider), reviewId: review.id, body: "Looks good from here." }),
      ForbiddenError,
    );
    refused(() => addComment({ actor: actorOf(admin), reviewId: review.id, body: "Admin says hi." }), ForbiddenError);
    expect(listComments(review.id).map((c) => c.authorName)).toEqual(["Brigitte Business"]);
  });

  it("talk goes on while the project is on hold; a closed review takes no more comments", () => {
    const paused = world();
    const project = getProject(paused.project.id)!;
    changeProjectState({
      actor: actorOf(brigitte),
      projectId: project.id,
      version: project.version,
      change: { to: "on_hold" },
    });
    expect(
      withActivity(() =>
        addComment({ actor: actorOf(farid), reviewId: paused.review.id, body: "Paused until the plant reopens." }),
      ).rows,
    ).toHaveLength(1);

    const closed = world();
    withdrawReview({ actor: actorOf(brigitte), reviewId: closed.review.id, note: "Not yet." });
    refused(() => addComment({ actor: actorOf(farid), reviewId: closed.review.id, body: "Too late?" }), ConflictError);
  });
});

describe("replying to a sign-off", () => {
  it("a reply names the sign-off it answers", () => {
    const { review } = world();
    const objected = signOff({
      actor: actorOf(olga),
      reviewId: review.id,
      decision: "changes_requested",
      comment: "No runbook yet.",
    });
    const { result, rows } = withActivity(() =>
      addComment({
        actor: actorOf(farid),
        reviewId: review.id,
        body: "I will write it this week.",
        replyToSignOffId: objected.id,
      }),
    );
    expect(rows.map((r) => r.action)).toEqual(["gate.commented"]);
    expect(rows[0].summary).toContain("Olga Operations");
    expect(listComments(review.id).find((c) => c.id === result.id)).toMatchObject({
      replyToSignOffId: objected.id,
      replyToName: "Olga Operations",
      replyToDecision: "changes_requested",
      replyToDiscipline: "it",
    });
  });

  it("replying to a sign-off of another review, or to none that exists, is refused", () => {
    const a = world();
    const b = world();
    const elsewhere = signOff({ actor: actorOf(olga), reviewId: b.review.id, decision: "approve", comment: "" });
    for (const replyToSignOffId of [elsewhere.id, 999_999]) {
      const error = refused(
        () => addComment({ actor: actorOf(farid), reviewId: a.review.id, body: "Agreed.", replyToSignOffId }),
        ValidationError,
      );
      expect(Object.keys(error.fields)).toEqual(["replyToSignOffId"]);
    }
  });
});

describe("editing a comment", () => {
  it("the author edits: the new wording shows, the earlier one is kept, one activity row", () => {
    const { review } = world();
    const first = addComment({ actor: actorOf(farid), reviewId: review.id, body: "The model needs 2 more weeks." });
    const { result, rows } = withActivity(() =>
      editComment({
        actor: actorOf(farid),
        commentId: first.id,
        body: "The model needs 3 more weeks, @OlgaOrlova.",
        version: first.version,
      }),
    );
    expect(result).toMatchObject({ body: "The model needs 3 more weeks, @OlgaOrlova.", version: first.version + 1 });
    expect(rows.map((r) => r.action)).toEqual(["gate.comment_edited"]);
    expect(JSON.parse(rows[0].before!)).toEqual({ body: "The model needs 2 more weeks." });

    const [comment] = listComments(review.id);
    expect(comment.body).toBe("The model needs 3 more weeks, @OlgaOrlova.");
    expect(comment.editedAt).not.toBeNull();
    expect(comment.mentions).toEqual([{ id: orlova.id, name: "Olga Orlova" }]);
    expect(comment.revisions).toEqual([{ body: "The model needs 2 more weeks.", replacedAt: comment.editedAt }]);

    // a second edit keeps both earlier wordings, oldest first
    editComment({ actor: actorOf(farid), commentId: first.id, body: "Four weeks, sorry.", version: comment.version });
    const again = listComments(review.id)[0];
    expect(again.revisions.map((r) => r.body)).toEqual([
      "The model needs 2 more weeks.",
      "The model needs 3 more weeks, @OlgaOrlova.",
    ]);
    expect(again.mentions).toEqual([]);
  });

  it("only the author edits; an out-of-date version, an empty body or an ambiguous mention is refused", () => {
    const { review } = world();
    const first = addComment({ actor: actorOf(farid), reviewId: review.id, body: "First wording." });
    refused(
      () =>
        editComment({
          actor: actorOf(olga),
          commentId: first.id,
          body: "Someone else's wording.",
          version: first.version,
        }),
      ForbiddenError,
    );
    refused(
      () =>
        editComment({
          actor: actorOf(brigitte),
          commentId: first.id,
          body: "The owner's wording.",
          version: first.version,
        }),
      ForbiddenError,
    );
    refused(
      () =>
        editComment({
          actor: actorOf(outsider),
          commentId: first.id,
          body: "An outsider's wording.",
          version: first.version,
        }),
      ForbiddenError,
    );
    const empty = refused(
      () => editComment({ actor: actorOf(farid), commentId: first.id, body: "  ", version: first.version }),
      ValidationError,
    );
    expect(Object.keys(empty.fields)).toEqual(["body"]);
    const ambiguous = refused(
      () => editComment({ actor: actorOf(farid), commentId: first.id, body: "@olga?", version: first.version }),
      ValidationError,
    );
    expect(Object.keys(ambiguous.fields)).toEqual(["body"]);

    editComment({ actor: actorOf(farid), commentId: first.id, body: "Second wording.", version: first.version });
    refused(
      () => editComment({ actor: actorOf(farid), commentId: first.id, body: "Third wording.", version: first.version }),
      ConflictError,
    );
    expect(listComments(review.id)[0]).toMatchObject({
      body: "Second wording.",
      revisions: [{ body: "First wording." }],
    });
  });

  it("saving the same wording again writes nothing", () => {
    const { review } = world();
    const first = addComment({ actor: actorOf(farid), reviewId: review.id, body: "Unchanged." });
    const before = everything();
    editComment({ actor: actorOf(farid), commentId: first.id, body: " Unchanged. ", version: first.version });
    expect(everything()).toEqual(before);
  });
});
