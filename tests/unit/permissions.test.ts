/**
 * The whole permission matrix: role x membership x ownership x project state x action (and,
 * for sign-offs and attestations, the discipline of the panel or criterion). The expectations
 * are written out from DESIGN.md and the rules in app/domain/permissions.ts, one rule per
 * action, so a change to `can` that breaks a rule fails here with the exact cell.
 */
import { describe, expect, it } from "vitest";
import { DISCIPLINES, PROJECT_STATES, ROLES, type Discipline, type ProjectState, type Role } from "../../db/schema";
import { ADMIN_ACTIONS, can, type Action, type PermissionUser } from "~/domain/permissions";

const ALL_ACTIONS: Action[] = [
  "people:manage",
  "templates:manage",
  "webhooks:manage",
  "project:create",
  "project:edit",
  "project:change-state",
  "team:manage",
  "requirement:state",
  "requirement:assess",
  "gate:open",
  "gate:sign",
  "gate:attest",
  "gate:promote",
  "gate:withdraw",
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
  /** gate:sign panel / gate:attest criterion discipline (null = any member may attest). */
  discipline: Discipline | null;
};

const open = (s: ProjectState) => s === "active" || s === "on_hold";

/** What DESIGN.md says each action needs, one line per action. */
function expected(action: Action, c: Cell): boolean {
  const admin = c.role === "admin";
  const member = c.membership !== null;
  switch (action) {
    // admins manage people, gate templates and webhooks; nobody else does
    case "people:manage":
    case "templates:manage":
    case "webhooks:manage":
      return admin;
    // anyone signed in may start a project
    case "project:create":
      return true;
    // stopping, resuming and retiring: the owner or an admin, in any state (so a closed
    // project can be reopened)
    case "project:change-state":
      return c.owner || admin;
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
    // one sign-off per discipline, by a member of exactly that discipline
    case "gate:sign":
      return c.state === "active" && c.membership !== null && c.membership === c.discipline;
    case "gate:attest":
      return (
        c.state === "active" && member && (c.discipline === null || c.discipline === c.membership)
      );
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
              yield { role, accountDiscipline, membership, owner, state, discipline };
}

const USER_ID = 7;
const OTHER_ID = 8;

function check(action: Action, c: Cell) {
  const user: PermissionUser = { id: USER_ID, role: c.role, discipline: c.accountDiscipline };
  return can(user, action, {
    project: { ownerId: c.owner ? USER_ID : OTHER_ID, state: c.state, memberDiscipline: c.membership },
    discipline: c.discipline,
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
    expect(count).toBe(2 * 3 * 4 * 2 * 4 * 4);
    expect(wrong, wrong.slice(0, 5).join("\n")).toEqual([]);
  });

  it("covers every action the app knows", () => {
    // a new action must be added to this test (and to DESIGN.md's rules) deliberately
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
      "gate:open",
      "gate:promote",
      "requirement:state",
      "requirement:assess",
      "debt:write",
    ];
    for (const c of cells()) {
      if (c.role !== "admin") continue;
      for (const action of memberActions) {
        expect(check(action, c), `${action} ${JSON.stringify(c)}`).toBe(
          check(action, { ...c, role: "member" }),
        );
      }
    }
  });

  it("only the matching discipline signs: one person signs one panel, their own", () => {
    for (const mine of DISCIPLINES) {
      for (const panel of DISCIPLINES) {
        expect(can(member, "gate:sign", { ...project(mine), discipline: panel })).toBe(mine === panel);
      }
    }
  });

  it("the discipline that counts is the project membership, not the account's", () => {
    // a business person on the account who joined this project as IT signs for IT only
    expect(can(member, "gate:sign", { ...project("it"), discipline: "it" })).toBe(true);
    expect(can(member, "gate:sign", { ...project("it"), discipline: "business" })).toBe(false);
    expect(can(member, "requirement:state", project("it"))).toBe(false);
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
  });

  it("project actions without a project are refused", () => {
    for (const action of PROJECT_ACTIONS) {
      expect(can(admin, action), action).toBe(false);
      expect(can(member, action), action).toBe(false);
    }
    expect(can(member, "project:create")).toBe(true);
  });
});
