/**
 * The whole permission matrix: role x membership x ownership x project state x action (and,
 * for sign-offs and attestations, the discipline of the panel or criterion). The expectations
 * are written out from docs/domain.md and the rules in app/domain/permissions.ts, one rule per
 * action, so a change to `can` that breaks a rule fails here with the exact cell.
 */
import { describe, expect, it } from "vitest";
import {
  DISCIPLINES,
  PROJECT_STATES,
  ROLES,
  type Discipline,
  type ProjectState,
  type Role,
} from "../../app/domain/vocabulary";
import { ADMIN_ACTIONS, can, type Action, type PermissionUser } from "~/domain/permissions";

const ALL_ACTIONS: Action[] = [
  "people:manage",
  "templates:manage",
  "webhooks:manage",
  "mail:manage",
  "project:create",
  "project:edit",
  "project:change-state",
  "project:reopen",
  "team:manage",
  "requirement:state",
  "requirement:assess",
  "gate:open",
  "gate:sign",
  "gate:attest",
  "gate:promote",
  "gate:withdraw",
  "gate:dismiss",
  "gate:comment",
  "gate:clear-attestation",
  "debt:write",
];

const PROJECT_ACTIONS = ALL_ACTIONS.filter((a) => !ADMIN_ACTIONS.includes(a) && a !== "project:create");

type Cell = {
  role: Role;
  /** The user's own (account) discipline: never what counts on a project. */
  accountDiscipline: Discipline;
  membership: Discipline | null;
  owner: boolean;
  state: ProjectState;
  /**
   * gate:sign panel / gate:attest criterion discipline (null = any member may attest) /
   * gate:clear-attestation the discipline the attestation belongs to.
   */
  discipline: Discipline | null;
  /** gate:clear-attestation: the user attested it. */
  author: boolean;
};

const open = (s: ProjectState) => s === "active" || s === "on_hold";

/** What docs/domain.md says each action needs, one line per action. */
function expected(action: Action, c: Cell): boolean {
  const admin = c.role === "admin";
  const member = c.membership !== null;
  switch (action) {
    // admins manage people, gate templates and webhooks; nobody else does
    case "people:manage":
    case "templates:manage":
    case "webhooks:manage":
    case "mail:manage":
      return admin;
    // anyone signed in may start a project
    case "project:create":
      return true;
    // stopping, resuming and retiring: the owner or an admin, in any state (so a closed
    // project can be reopened)
    case "project:change-state":
      return c.owner || admin;
    // reopening a stopped project overrides the owner's decision: admins only
    case "project:reopen":
      return c.state === "stopped" && admin;
    // the team: owner or admin, while the project is open
    case "team:manage":
      return open(c.state) && (c.owner || admin);
    case "project:edit":
      return open(c.state) && (c.owner || admin || member);
    // requirements are stated by business members
    case "requirement:state":
      return open(c.state) && c.membership === "business";
    // feasibility is assessed by an IT or data-science member
    case "requirement:assess":
      return open(c.state) && (c.membership === "it" || c.membership === "data_science");
    // only members write debt
    case "debt:write":
      return open(c.state) && member;
    // gate reviews run on active projects, by members
    case "gate:open":
    case "gate:promote":
      return c.state === "active" && member;
    // each member signs for their own discipline: the panel, their seat and their profile agree
    case "gate:sign":
      return (
        c.state === "active" &&
        c.membership !== null &&
        c.membership === c.discipline &&
        c.membership === c.accountDiscipline
      );
    // the project owner lifts a "changes requested" (with a reason), on an active project
    case "gate:dismiss":
      return c.state === "active" && c.owner;
    // the review conversation: members and the owner, while the project is open
    case "gate:comment":
      return open(c.state) && (member || c.owner);
    // an attestation is cleared by whoever gave it or a member of its discipline
    case "gate:clear-attestation":
      return c.state === "active" && member && (c.author || (c.discipline !== null && c.discipline === c.membership));
    case "gate:attest":
      return c.state === "active" && member && (c.discipline === null || c.discipline === c.membership);
    // a review can be withdrawn (also on a stopped project) by a member, the owner or an admin
    case "gate:withdraw":
      return c.state !== "retired" && (member || c.owner || admin);
  }
}

function* cells(): Generator<Cell> {
  for (const role of ROLES)
    for (const accountDiscipline of DISCIPLINES)
      for (const membership of [null, ...DISCIPLINES])
        for (const owner of [false, true])
          for (const state of PROJECT_STATES)
            for (const discipline of [null, ...DISCIPLINES])
              for (const author of [false, true])
                yield { role, accountDiscipline, membership, owner, state, discipline, author };
}

const USER_ID = 7;
const OTHER_ID = 8;

function check(action: Action, c: Cell) {
  const user: PermissionUser = { id: USER_ID, role: c.role, discipline: c.accountDiscipline };
  return can(user, action, {
    project: { ownerId: c.owner ? USER_ID : OTHER_ID, state: c.state, memberDiscipline: c.membership },
    discipline: c.discipline,
    authorId: c.author ? USER_ID : OTHER_ID,
  });
}

describe("can: the whole matrix", () => {
  it.each(ALL_ACTIONS)("%s follows its rule in every cell", (action) => {
    const wrong: string[] = [];
    let count = 0;
    for (const c of cells()) {
      count++;
      const got = check(action, c);
      if (got !== expected(action, c)) wrong.push(`${JSON.stringify(c)} -> ${got}`);
    }
    expect(count).toBe(2 * 3 * 4 * 2 * 4 * 4 * 2);
    expect(wrong, wrong.slice(0, 5).join("\n")).toEqual([]);
  });

  it("covers every action the app knows", () => {
    // a new action must be added to this test (and to docs/domain.md's rules) deliberately
    expect(new Set(ALL_ACTIONS).size).toBe(ALL_ACTIONS.length);
    expect(ADMIN_ACTIONS.every((a) => ALL_ACTIONS.includes(a))).toBe(true);
  });
});

describe("can: the rules people notice", () => {
  const admin: PermissionUser = { id: 1, role: "admin", discipline: "business" };
  const member: PermissionUser = { id: 2, role: "member", discipline: "business" };
  const project = (memberDiscipline: Discipline | null, state: ProjectState = "active", ownerId = 99) => ({
    project: { ownerId, state, memberDiscipline },
  });

  it("admins manage people, templates and webhooks; members do not", () => {
    for (const action of ADMIN_ACTIONS) {
      expect(can(admin, action)).toBe(true);
      expect(can(member, action)).toBe(false);
    }
  });

  it("an admin cannot sign or attest for anyone on a project they are not a member of", () => {
    for (const discipline of DISCIPLINES) {
      expect(can(admin, "gate:sign", { ...project(null), discipline })).toBe(false);
      expect(can(admin, "gate:attest", { ...project(null), discipline })).toBe(false);
    }
    expect(can(admin, "gate:attest", { ...project(null), discipline: null })).toBe(false);
    // even as the owner
    expect(can(admin, "gate:sign", { ...project(null, "active", admin.id), discipline: "business" })).toBe(false);
  });

  it("being admin adds no right to sign, attest, state, assess, write debt or run a gate", () => {
    const memberActions: Action[] = [
      "gate:sign",
      "gate:attest",
      "gate:dismiss",
      "gate:comment",
      "gate:clear-attestation",
      "gate:open",
      "gate:promote",
      "requirement:state",
      "requirement:assess",
      "debt:write",
    ];
    for (const c of cells()) {
      if (c.role !== "admin") continue;
      for (const action of memberActions) {
        expect(check(action, c), `${action} ${JSON.stringify(c)}`).toBe(check(action, { ...c, role: "member" }));
      }
    }
  });

  it("only the matching discipline signs: one person signs one panel, their own", () => {
    for (const mine of DISCIPLINES) {
      const person: PermissionUser = { id: 2, role: "member", discipline: mine };
      for (const panel of DISCIPLINES) {
        expect(can(person, "gate:sign", { ...project(mine), discipline: panel })).toBe(mine === panel);
      }
    }
  });

  it("a seat that is not the person's own discipline signs nothing, for a member or an admin", () => {
    // Seats follow the profile (docs/domain.md, "Who may sign"); a mismatched seat from older
    // data must not let a business person sign for IT.
    expect(can(member, "gate:sign", { ...project("it"), discipline: "it" })).toBe(false);
    expect(can(member, "gate:sign", { ...project("it"), discipline: "business" })).toBe(false);
    expect(can(admin, "gate:sign", { ...project("it"), discipline: "it" })).toBe(false);
    expect(can(admin, "gate:sign", { ...project("it", "active", admin.id), discipline: "it" })).toBe(false);
    // the seat still decides what else they may do on the project
    expect(can(member, "requirement:state", project("it"))).toBe(false);
  });

  it("only the project owner dismisses a request for changes, and only while the project is active", () => {
    expect(can(member, "gate:dismiss", project("business", "active", member.id))).toBe(true);
    expect(can(member, "gate:dismiss", project(null, "active", member.id))).toBe(true);
    expect(can(member, "gate:dismiss", project("business"))).toBe(false);
    expect(can(admin, "gate:dismiss", project("business"))).toBe(false);
    expect(can(member, "gate:dismiss", project("business", "on_hold", member.id))).toBe(false);
  });

  it("members and the owner comment; outsiders and admins who are neither do not", () => {
    expect(can(member, "gate:comment", project("it"))).toBe(true);
    expect(can(member, "gate:comment", project(null, "active", member.id))).toBe(true);
    expect(can(member, "gate:comment", project("it", "on_hold"))).toBe(true);
    expect(can(member, "gate:comment", project(null))).toBe(false);
    expect(can(admin, "gate:comment", project(null))).toBe(false);
    expect(can(member, "gate:comment", project("it", "stopped"))).toBe(false);
  });

  it("an attestation is cleared by its author or a member of its discipline", () => {
    const clear = (seat: Discipline | null, discipline: Discipline | null, authorId: number | null) =>
      can(member, "gate:clear-attestation", { ...project(seat), discipline, authorId });
    expect(clear("business", "it", member.id)).toBe(true);
    expect(clear("it", "it", 99)).toBe(true);
    expect(clear("business", "it", 99)).toBe(false);
    expect(clear("business", null, 99)).toBe(false);
    expect(clear(null, "business", member.id)).toBe(false);
  });

  it("a non-member who neither owns the project nor is admin changes nothing on it", () => {
    for (const state of PROJECT_STATES) {
      for (const discipline of [null, ...DISCIPLINES]) {
        for (const action of PROJECT_ACTIONS) {
          expect(can(member, action, { ...project(null, state), discipline }), action).toBe(false);
        }
      }
    }
  });

  it("stopped and retired projects are read-only for members", () => {
    for (const state of ["stopped", "retired"] as const) {
      for (const discipline of DISCIPLINES) {
        for (const action of PROJECT_ACTIONS) {
          if (action === "project:change-state" || action === "gate:withdraw") continue;
          expect(can(member, action, { ...project(discipline, state), discipline }), `${action} ${state}`).toBe(false);
        }
      }
    }
    // a retired project cannot even have its review withdrawn
    expect(can(member, "gate:withdraw", project("it", "retired"))).toBe(false);
  });

  it("an on-hold project can be edited but not taken through a gate", () => {
    expect(can(member, "debt:write", project("it", "on_hold"))).toBe(true);
    expect(can(member, "requirement:state", project("business", "on_hold"))).toBe(true);
    expect(can(member, "gate:open", project("it", "on_hold"))).toBe(false);
    expect(can(member, "gate:sign", { ...project("it", "on_hold"), discipline: "it" })).toBe(false);
    expect(can(member, "gate:promote", project("it", "on_hold"))).toBe(false);
    expect(can(member, "gate:dismiss", project("it", "on_hold", member.id))).toBe(false);
  });

  it("project actions without a project are refused", () => {
    for (const action of PROJECT_ACTIONS) {
      expect(can(admin, action), action).toBe(false);
      expect(can(member, action), action).toBe(false);
    }
    expect(can(member, "project:create")).toBe(true);
  });
});
