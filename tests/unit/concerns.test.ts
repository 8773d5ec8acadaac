/**
 * The concern table (docs/domain.md, "What makes a sign-off stale"), tested as a table: from
 * one base gate content, each row applies exactly one change and says which disciplines'
 * fingerprints move. Every row is tied to the CONCERN_TABLE entry it exercises, so the
 * expectation and the table cannot drift apart, and every entry has at least one row.
 * Then: `describeChanges` turns each kind of change into a sentence a signer can read.
 */
import { describe, expect, it } from "vitest";
import type { Discipline } from "../../app/domain/vocabulary";
import {
  ALL_DISCIPLINES,
  CONCERN_TABLE,
  concerns,
  describeChanges,
  disciplineView,
  type ConcernKey,
  type GateContent,
} from "../../app/domain/concerns";
import { disciplineFingerprint } from "../../app/domain/fingerprint";

const BUSINESS_ID = 1;
const SCIENTIST_ID = 2;
const OPERATOR_ID = 3;

function base(): GateContent {
  return {
    requirements: [
      {
        id: 1,
        title: "Warn before a failure",
        description: "From the vibration sensors.",
        target: "warn >= 48 h ahead",
        priority: "must",
        status: "active",
        dataScience: { feasibility: "feasible", conditions: null, note: "Enough history." },
        it: { feasibility: "feasible_with_conditions", conditions: "A GPU node in the plant.", note: null },
      },
      {
        id: 2,
        title: "Explain each warning",
        description: "",
        target: "top 3 sensors named",
        priority: "should",
        status: "active",
        dataScience: { feasibility: "unassessed", conditions: null, note: null },
        it: { feasibility: "unassessed", conditions: null, note: null },
      },
      {
        id: 3,
        title: "Old idea",
        description: "",
        target: "real time",
        priority: "could",
        status: "withdrawn",
        dataScience: { feasibility: "infeasible", conditions: "No streaming data.", note: null },
        it: { feasibility: "unassessed", conditions: null, note: null },
      },
    ],
    attestations: [
      {
        key: "privacy_security_reviewed",
        label: "Privacy and security have been reviewed.",
        discipline: "business",
        attestedById: BUSINESS_ID,
        attesterDiscipline: "business",
        note: "DPO agreed.",
        evidenceUrl: null,
      },
      {
        key: "target_environment_ready",
        label: "The target environment is ready.",
        discipline: "it",
        attestedById: null,
        attesterDiscipline: null,
        note: null,
        evidenceUrl: null,
      },
      {
        key: "ml_engineer_on_team",
        label: "A data/ML engineer is on the team.",
        discipline: null,
        attestedById: null,
        attesterDiscipline: null,
        note: null,
        evidenceUrl: null,
      },
    ],
    debtItems: [
      {
        id: 10,
        register: "technical",
        title: "Hard-coded sensor join",
        status: "open",
        severity: "high",
        ownerId: SCIENTIST_ID,
        strategy: "Move it to the shared pipeline.",
        targetDate: "2030-03-01",
        repayBeforeStage: null,
        signOffId: null,
        steps: [{ id: 100, title: "Port the join", dueDate: "2030-02-01" }],
      },
      {
        id: 11,
        register: "organizational",
        title: "No on-call rota",
        status: "open",
        severity: "medium",
        ownerId: OPERATOR_ID,
        strategy: "Agree a rota with the plant.",
        targetDate: "2030-04-01",
        repayBeforeStage: null,
        signOffId: null,
        steps: [],
      },
      {
        id: 12,
        register: "technical",
        title: "Automate the data quality checks",
        status: "open",
        severity: "medium",
        ownerId: SCIENTIST_ID,
        strategy: null,
        targetDate: null,
        repayBeforeStage: "production",
        signOffId: 99,
        steps: [],
      },
      {
        id: 13,
        register: "technical",
        title: "Manual export",
        status: "repaid",
        severity: "low",
        ownerId: OPERATOR_ID,
        strategy: "Script it.",
        targetDate: "2029-01-01",
        repayBeforeStage: null,
        signOffId: null,
        steps: [],
      },
    ],
  };
}

type Content = GateContent;
const req = (c: Content, id: number) => c.requirements.find((r) => r.id === id)!;
const att = (c: Content, key: string) => c.attestations.find((a) => a.key === key)!;
const item = (c: Content, id: number) => c.debtItems.find((d) => d.id === id)!;

const everyone = [...ALL_DISCIPLINES];
const nobody: Discipline[] = [];

/** [what changes, the CONCERN_TABLE row it exercises, the change, disciplines that go stale] */
type Row = [string, ConcernKey, (c: Content) => void, Discipline[]];

const ROWS: Row[] = [
  // requirement statement: title, target, priority added, changed or withdrawn
  [
    "a requirement's title is edited",
    "requirement.statement",
    (c) => void (req(c, 1).title = "Warn before any failure"),
    everyone,
  ],
  [
    "a requirement's target is edited",
    "requirement.statement",
    (c) => void (req(c, 1).target = "warn >= 72 h ahead"),
    everyone,
  ],
  ["a requirement's priority is edited", "requirement.statement", (c) => void (req(c, 2).priority = "must"), everyone],
  [
    "a requirement is added",
    "requirement.statement",
    (c) =>
      void c.requirements.push({
        id: 4,
        title: "Run on the edge device",
        description: "",
        target: "< 50 ms per prediction",
        priority: "could",
        status: "active",
        dataScience: { feasibility: "unassessed", conditions: null, note: null },
        it: { feasibility: "unassessed", conditions: null, note: null },
      }),
    everyone,
  ],
  ["a requirement is withdrawn", "requirement.statement", (c) => void (req(c, 2).status = "withdrawn"), everyone],
  [
    "a requirement disappears from the content",
    "requirement.statement",
    (c) => void c.requirements.splice(1, 1),
    everyone,
  ],
  // description only
  [
    "a requirement's description is edited",
    "requirement.description",
    (c) => void (req(c, 1).description = "From vibration and heat."),
    nobody,
  ],
  // data science's verdict
  [
    "data science's verdict changes",
    "verdict.data_science",
    (c) => void (req(c, 1).dataScience.feasibility = "infeasible"),
    ["business", "data_science"],
  ],
  [
    "data science gives a first verdict",
    "verdict.data_science",
    (c) => void (req(c, 2).dataScience.feasibility = "feasible"),
    ["business", "data_science"],
  ],
  [
    "data science's conditions change",
    "verdict.data_science",
    (c) => {
      req(c, 1).dataScience.feasibility = "feasible_with_conditions";
      req(c, 1).dataScience.conditions = "Two more years of history.";
    },
    ["business", "data_science"],
  ],
  [
    "only data science's note changes",
    "verdict.note",
    (c) => void (req(c, 1).dataScience.note = "Checked again: enough history."),
    nobody,
  ],
  [
    "data science's empty conditions become blank text",
    "verdict.data_science",
    (c) => void (req(c, 1).dataScience.conditions = "  "),
    nobody,
  ],
  // IT operations' verdict
  [
    "IT operations' verdict changes",
    "verdict.it",
    (c) => void (req(c, 1).it.feasibility = "feasible"),
    ["business", "it"],
  ],
  [
    "IT operations' conditions change",
    "verdict.it",
    (c) => void (req(c, 1).it.conditions = "Two GPU nodes in the plant."),
    ["business", "it"],
  ],
  [
    "only IT operations' note changes",
    "verdict.note",
    (c) => void (req(c, 1).it.note = "Talked to the plant."),
    nobody,
  ],
  [
    "a verdict on a withdrawn requirement changes",
    "verdict.data_science",
    (c) => void (req(c, 3).dataScience.feasibility = "feasible"),
    nobody,
  ],
  // attestations
  [
    "an IT criterion is attested",
    "attestation",
    (c) =>
      Object.assign(att(c, "target_environment_ready"), {
        attestedById: OPERATOR_ID,
        attesterDiscipline: "it",
        note: "Namespace ready.",
      }),
    ["it"],
  ],
  [
    "a criterion any member may attest is attested by a data scientist",
    "attestation",
    (c) =>
      Object.assign(att(c, "ml_engineer_on_team"), {
        attestedById: SCIENTIST_ID,
        attesterDiscipline: "data_science",
        note: "Farid.",
      }),
    ["data_science"],
  ],
  [
    "a criterion any member may attest is attested by an IT operator",
    "attestation",
    (c) =>
      Object.assign(att(c, "ml_engineer_on_team"), {
        attestedById: OPERATOR_ID,
        attesterDiscipline: "it",
        note: "Farid.",
      }),
    ["it"],
  ],
  [
    "a business attestation is cleared",
    "attestation",
    (c) =>
      Object.assign(att(c, "privacy_security_reviewed"), { attestedById: null, attesterDiscipline: null, note: null }),
    ["business"],
  ],
  [
    "a business attestation gets another note",
    "attestation",
    (c) => void (att(c, "privacy_security_reviewed").note = "DPIA signed."),
    ["business"],
  ],
  [
    "a business attestation gets an evidence link",
    "attestation",
    (c) => void (att(c, "privacy_security_reviewed").evidenceUrl = "https://wiki.example.com/dpia"),
    ["business"],
  ],
  // technical debt
  [
    "a technical debt item is added",
    "debt.technical",
    (c) =>
      void c.debtItems.push({
        id: 14,
        register: "technical",
        title: "No model registry",
        status: "open",
        severity: "medium",
        ownerId: null,
        strategy: null,
        targetDate: null,
        repayBeforeStage: null,
        signOffId: null,
        steps: [],
      }),
    ["data_science", "it"],
  ],
  [
    "a technical debt item's strategy changes",
    "debt.technical",
    (c) => void (item(c, 10).strategy = "Rewrite it in dbt."),
    ["data_science", "it"],
  ],
  [
    "a technical debt item's target date changes",
    "debt.technical",
    (c) => void (item(c, 10).targetDate = "2030-06-01"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item's repay-before stage changes",
    "debt.technical",
    (c) => void (item(c, 10).repayBeforeStage = "production"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item gets a repayment step",
    "debt.technical",
    (c) => void item(c, 10).steps.push({ id: 101, title: "Delete the notebook", dueDate: null }),
    ["data_science", "it"],
  ],
  [
    "a technical debt step's due date changes",
    "debt.technical",
    (c) => void (item(c, 10).steps[0].dueDate = "2030-02-15"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item's severity changes",
    "debt.technical",
    (c) => void (item(c, 10).severity = "critical"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item's owner changes",
    "debt.technical",
    (c) => void (item(c, 10).ownerId = OPERATOR_ID),
    ["data_science", "it"],
  ],
  [
    "a technical debt item goes from open to repaying",
    "debt.technical",
    (c) => void (item(c, 10).status = "repaying"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item is repaid",
    "debt.technical",
    (c) => void (item(c, 10).status = "repaid"),
    ["data_science", "it"],
  ],
  [
    "a technical debt item is accepted",
    "debt.technical",
    (c) => void (item(c, 10).status = "accepted"),
    ["data_science", "it"],
  ],
  ["an already repaid item is edited", "debt.technical", (c) => void (item(c, 13).strategy = "Never mind."), nobody],
  // organizational debt
  [
    "an organizational debt item is added",
    "debt.organizational",
    (c) =>
      void c.debtItems.push({
        id: 15,
        register: "organizational",
        title: "No data owner named",
        status: "open",
        severity: "high",
        ownerId: BUSINESS_ID,
        strategy: null,
        targetDate: null,
        repayBeforeStage: "pilot",
        signOffId: null,
        steps: [],
      }),
    ["business", "it"],
  ],
  [
    "an organizational debt item's plan changes",
    "debt.organizational",
    (c) => void (item(c, 11).targetDate = "2030-05-01"),
    ["business", "it"],
  ],
  [
    "an organizational debt item is repaid",
    "debt.organizational",
    (c) => void (item(c, 11).status = "repaid"),
    ["business", "it"],
  ],
  // conditions stated by a signer
  [
    "a condition of an approval is logged as debt",
    "debt.condition",
    (c) =>
      void c.debtItems.push({
        id: 16,
        register: "organizational",
        title: "Train the plant's shift leads",
        status: "open",
        severity: "medium",
        ownerId: BUSINESS_ID,
        strategy: null,
        targetDate: null,
        repayBeforeStage: "production",
        signOffId: 98,
        steps: [],
      }),
    nobody,
  ],
  [
    "a condition's plan changes",
    "debt.condition",
    (c) => void (item(c, 12).strategy = "Great Expectations in the nightly run."),
    nobody,
  ],
  ["a condition is met (repaid)", "debt.condition", (c) => void (item(c, 12).status = "repaid"), nobody],
];

function fingerprints(content: Content): Record<Discipline, string> {
  return Object.fromEntries(ALL_DISCIPLINES.map((d) => [d, disciplineFingerprint(d, content)])) as Record<
    Discipline,
    string
  >;
}

function changedBy(mutate: (c: Content) => void): { stale: Discipline[]; before: Content; after: Content } {
  const before = base();
  const after = structuredClone(before);
  mutate(after);
  const was = fingerprints(before);
  const now = fingerprints(after);
  return { stale: ALL_DISCIPLINES.filter((d) => was[d] !== now[d]), before, after };
}

describe("the concern table, row by row", () => {
  const cases = ROWS.map(([what, key, mutate, expected]) => ({
    what,
    key,
    mutate,
    expected,
    who: expected.join(", ") || "nobody",
  }));

  it.each(cases)("$what ($key) → stale for $who", ({ mutate, expected }) => {
    expect(changedBy(mutate).stale).toEqual(expected);
  });

  it.each(ROWS.filter(([, , , expected]) => expected.length > 0))(
    "%s: each stale discipline is told what changed, the others are told nothing",
    (_what, _key, mutate, expected) => {
      const { before, after } = changedBy(mutate);
      for (const d of ALL_DISCIPLINES) {
        const lines = describeChanges(disciplineView(d, before), disciplineView(d, after));
        if (expected.includes(d)) expect(lines.length, d).toBeGreaterThan(0);
        else expect(lines, d).toEqual([]);
      }
    },
  );

  it("each row's expectation is what CONCERN_TABLE says for that kind of change", () => {
    for (const [what, key, mutate, expected] of ROWS) {
      const row = CONCERN_TABLE.find((r) => r.key === key)!;
      if (row.disciplines === "own") continue; // the attestation's discipline: checked below
      // content outside every view (a withdrawn requirement's verdict, repaid debt, blank = null)
      if (expected.length === 0 && row.disciplines.length > 0) continue;
      expect([...row.disciplines].sort(), what).toEqual([...expected].sort());
      expect(changedBy(mutate).stale.length, what).toBe(expected.length);
    }
    // "own": exactly one discipline, the criterion's (or, for any-member criteria, the attester's)
    for (const [what, key, , expected] of ROWS.filter(([, k]) => k === "attestation")) {
      expect(expected, `${what} (${key})`).toHaveLength(1);
    }
  });

  it("has at least one row for every entry of CONCERN_TABLE", () => {
    const covered = new Set(ROWS.map(([, key]) => key));
    expect(CONCERN_TABLE.map((r) => r.key).filter((k) => !covered.has(k))).toEqual([]);
  });

  it("concerns() reads the table, with the owning discipline for attestations", () => {
    expect(ALL_DISCIPLINES.filter((d) => concerns("requirement.statement", d))).toEqual(everyone);
    expect(ALL_DISCIPLINES.filter((d) => concerns("requirement.description", d))).toEqual([]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("verdict.data_science", d))).toEqual(["business", "data_science"]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("verdict.it", d))).toEqual(["business", "it"]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("verdict.note", d))).toEqual([]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("debt.technical", d))).toEqual(["data_science", "it"]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("debt.organizational", d))).toEqual(["business", "it"]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("debt.condition", d))).toEqual([]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("attestation", d, "it"))).toEqual(["it"]);
    expect(ALL_DISCIPLINES.filter((d) => concerns("attestation", d, null))).toEqual([]);
  });

  it("every row of the table is written as a sentence", () => {
    for (const row of CONCERN_TABLE) expect(row.what, row.key).toMatch(/^[A-Z].*\.$/);
  });
});

describe("what does not change a fingerprint", () => {
  it("row order", () => {
    const shuffled = base();
    shuffled.requirements.reverse();
    shuffled.attestations.reverse();
    shuffled.debtItems.reverse();
    for (const d of shuffled.debtItems) d.steps.reverse();
    expect(fingerprints(shuffled)).toEqual(fingerprints(base()));
  });

  it("fields outside the views (timestamps, versions, principal, a project's summary...)", () => {
    const extra = base() as unknown as {
      requirements: Array<Record<string, unknown>>;
      debtItems: Array<Record<string, unknown>>;
      summary?: string;
    };
    extra.requirements[0].updatedAt = 123;
    extra.requirements[0].version = 7;
    extra.debtItems[0].principalDays = 40;
    extra.debtItems[0].interestDays = 2;
    extra.summary = "Warn two days before a press fails.";
    expect(fingerprints(extra as unknown as GateContent)).toEqual(fingerprints(base()));
  });

  it("an unticked attestation with leftover text counts as absent", () => {
    const content = base();
    att(content, "target_environment_ready").note = "draft";
    expect(fingerprints(content)).toEqual(fingerprints(base()));
  });

  it("blank and null text are the same", () => {
    const content = base();
    req(content, 2).dataScience.conditions = "";
    item(content, 11).steps = [];
    att(content, "privacy_security_reviewed").evidenceUrl = "";
    expect(fingerprints(content)).toEqual(fingerprints(base()));
  });

  it("the three disciplines have three different views of the same content", () => {
    const all = fingerprints(base());
    expect(new Set(Object.values(all)).size).toBe(3);
  });
});

describe("disciplineView", () => {
  it("gives each discipline the verdicts and debt that concern it", () => {
    const content = base();
    const business = disciplineView("business", content);
    const science = disciplineView("data_science", content);
    const it_ = disciplineView("it", content);
    expect(business.requirements[0]).toEqual({
      id: 1,
      title: "Warn before a failure",
      target: "warn >= 48 h ahead",
      priority: "must",
      status: "active",
      dataScience: { feasibility: "feasible", conditions: null },
      it: { feasibility: "feasible_with_conditions", conditions: "A GPU node in the plant." },
    });
    expect(science.requirements[0]).not.toHaveProperty("it");
    expect(it_.requirements[0]).not.toHaveProperty("dataScience");
    // a withdrawn requirement stays, without verdicts
    expect(business.requirements[2]).toEqual({
      id: 3,
      title: "Old idea",
      target: "real time",
      priority: "could",
      status: "withdrawn",
    });
    expect(business.debtItems.map((d) => d.id)).toEqual([11]);
    expect(science.debtItems.map((d) => d.id)).toEqual([10]);
    expect(it_.debtItems.map((d) => d.id)).toEqual([10, 11]);
    expect(business.attestations.map((a) => a.key)).toEqual(["privacy_security_reviewed"]);
    expect(science.attestations).toEqual([]);
  });
});

describe("describeChanges", () => {
  const sentences = (d: Discipline, mutate: (c: Content) => void) => {
    const before = base();
    const after = structuredClone(before);
    mutate(after);
    return describeChanges(disciplineView(d, before), disciplineView(d, after));
  };

  it("is empty when nothing that concerns the discipline changed", () => {
    expect(describeChanges(disciplineView("it", base()), disciplineView("it", base()))).toEqual([]);
    expect(sentences("business", (c) => void (req(c, 1).description = "Other words."))).toEqual([]);
  });

  it.each<[string, Discipline, (c: Content) => void, string[]]>([
    [
      "a renamed requirement",
      "business",
      (c) => void (req(c, 1).title = "Warn before any failure"),
      ["Requirement “Warn before a failure” was renamed “Warn before any failure”."],
    ],
    [
      "a new target",
      "data_science",
      (c) => void (req(c, 1).target = "warn >= 72 h ahead"),
      ["The target of “Warn before a failure” changed from “warn >= 48 h ahead” to “warn >= 72 h ahead”."],
    ],
    [
      "a new priority",
      "it",
      (c) => void (req(c, 2).priority = "must"),
      ["The priority of “Explain each warning” changed from Should to Must."],
    ],
    [
      "an added requirement",
      "business",
      (c) =>
        void c.requirements.push({
          id: 4,
          title: "Run on the edge device",
          description: "",
          target: "< 50 ms",
          priority: "could",
          status: "active",
          dataScience: { feasibility: "unassessed", conditions: null, note: null },
          it: { feasibility: "unassessed", conditions: null, note: null },
        }),
      ["Requirement “Run on the edge device” was added (Could: < 50 ms)."],
    ],
    [
      "a withdrawn requirement",
      "it",
      (c) => void (req(c, 2).status = "withdrawn"),
      ["Requirement “Explain each warning” was withdrawn."],
    ],
    [
      "a requirement no longer there",
      "it",
      (c) => void c.requirements.splice(1, 1),
      ["Requirement “Explain each warning” is no longer part of the project."],
    ],
    [
      "data science's new verdict",
      "business",
      (c) => void (req(c, 1).dataScience.feasibility = "infeasible"),
      ["Data science's verdict on “Warn before a failure” changed from feasible to infeasible."],
    ],
    [
      "IT operations' new conditions",
      "it",
      (c) => void (req(c, 1).it.conditions = "Two GPU nodes."),
      // "IT operations'", as the blockers write it (app/domain/gates.ts `possessive`)
      [
        "IT operations' conditions for “Warn before a failure” changed from “A GPU node in the plant.” to “Two GPU nodes.”.",
      ],
    ],
    [
      "an attestation ticked",
      "it",
      (c) =>
        Object.assign(att(c, "target_environment_ready"), {
          attestedById: OPERATOR_ID,
          attesterDiscipline: "it",
          note: "Ready.",
        }),
      ["“The target environment is ready.” was attested."],
    ],
    [
      "an attestation changed",
      "business",
      (c) => void (att(c, "privacy_security_reviewed").note = "DPIA signed."),
      ["The attestation of “Privacy and security have been reviewed.” was changed."],
    ],
    [
      "an attestation cleared",
      "business",
      (c) => Object.assign(att(c, "privacy_security_reviewed"), { attestedById: null, note: null }),
      ["The attestation of “Privacy and security have been reviewed.” was cleared."],
    ],
    [
      "a debt item added",
      "data_science",
      (c) =>
        void c.debtItems.push({
          id: 14,
          register: "technical",
          title: "No model registry",
          status: "open",
          severity: "medium",
          ownerId: null,
          strategy: null,
          targetDate: null,
          repayBeforeStage: null,
          signOffId: null,
          steps: [],
        }),
      ["Debt item “No model registry” (technical) was added."],
    ],
    [
      "a debt plan changed",
      "it",
      (c) => Object.assign(item(c, 10), { strategy: "Rewrite it in dbt.", targetDate: "2030-06-01" }),
      ["Debt item “Hard-coded sensor join”: strategy changed, target date 2030-03-01 → 2030-06-01."],
    ],
    [
      "a debt item being repaid",
      "data_science",
      (c) => void (item(c, 10).status = "repaying"),
      ["Debt item “Hard-coded sensor join”: status open → repaying."],
    ],
    [
      "a debt item's steps",
      "data_science",
      (c) => void item(c, 10).steps.push({ id: 101, title: "Delete the notebook", dueDate: null }),
      ["Debt item “Hard-coded sensor join”: repayment steps changed."],
    ],
    [
      "a debt item repaid",
      "business",
      (c) => void (item(c, 11).status = "repaid"),
      ["Debt item “No on-call rota” is no longer open (repaid, accepted or written off)."],
    ],
  ])("names %s", (_what, d, mutate, expected) => {
    expect(sentences(d, mutate)).toEqual(expected);
  });

  it("lists several changes in order: requirements, attestations, debt", () => {
    const lines = sentences("it", (c) => {
      item(c, 10).severity = "critical";
      Object.assign(att(c, "target_environment_ready"), {
        attestedById: OPERATOR_ID,
        attesterDiscipline: "it",
        note: "Ready.",
      });
      req(c, 1).target = "warn >= 72 h ahead";
    });
    expect(lines).toEqual([
      "The target of “Warn before a failure” changed from “warn >= 48 h ahead” to “warn >= 72 h ahead”.",
      "“The target environment is ready.” was attested.",
      "Debt item “Hard-coded sensor join”: severity high → critical.",
    ]);
  });
});
