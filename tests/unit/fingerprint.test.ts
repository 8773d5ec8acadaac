/**
 * Fingerprints (docs/domain.md, "What makes a sign-off stale"). Since migration 0003 each
 * discipline's view has its own fingerprint (`viewFingerprint`, `disciplineFingerprint`); the
 * whole-gate `gateFingerprint` is kept only for the migration's backfill, which must recompute
 * exactly what older versions stored to tell which sign-offs still counted.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalView, disciplineView, type DisciplineView, type GateContent } from "../../app/domain/concerns";
import {
  canonicalGateContent,
  disciplineFingerprint,
  gateFingerprint,
  viewFingerprint,
  type FingerprintInput,
} from "../../app/domain/fingerprint";

type Req = FingerprintInput["requirements"][number];
type Item = FingerprintInput["debtItems"][number];

function base(): FingerprintInput {
  return {
    requirements: [
      {
        id: 1,
        title: "Warn 48 h before failure",
        description: "Planned maintenance instead of breakdowns.",
        target: "recall >= 0.7 on last quarter's failures",
        priority: "must",
        status: "active",
        feasibility: "feasible_with_conditions",
        conditions: "Sensor data at 1-minute granularity.",
        feasibilityNote: null,
      },
      {
        id: 2,
        title: "Precision at least 0.8",
        description: "",
        target: "precision >= 0.8",
        priority: "should",
        status: "active",
        feasibility: "unassessed",
        conditions: null,
        feasibilityNote: null,
      },
    ],
    attestations: [
      { key: "privacy_security_reviewed", attestedById: 7, note: "DPIA done." },
      { key: "ml_engineer_on_team", attestedById: 3, note: null },
      { key: "data_access_quality_assessed", attestedById: null, note: null },
    ],
    debtItems: [
      {
        id: 10,
        register: "technical",
        title: "Hard-coded feature SQL",
        status: "repaying",
        severity: "high",
        ownerId: 3,
        strategy: "Move to the shared pipeline.",
        targetDate: "2026-03-01",
        repayBeforeStage: "production",
        principalDays: 5,
        interestDays: 1.5,
        steps: [
          { id: 101, title: "Port joins", ownerId: 3, dueDate: "2026-01-15", done: true },
          { id: 102, title: "Delete script", ownerId: 3, dueDate: "2026-02-15", done: false },
        ],
      },
      {
        id: 11,
        register: "organizational",
        title: "No operations owner",
        status: "open",
        severity: "medium",
        ownerId: null,
        strategy: null,
        targetDate: null,
        repayBeforeStage: null,
        principalDays: 2,
        interestDays: 0,
        steps: [],
      },
    ],
  };
}

const fp = gateFingerprint;

/** A copy of the base input changed by `edit`. */
function edited(edit: (input: FingerprintInput) => void): FingerprintInput {
  const input = structuredClone(base());
  edit(input);
  return input;
}

const req = (input: FingerprintInput, id: number) => input.requirements.find((r) => r.id === id)!;
const item = (input: FingerprintInput, id: number) => input.debtItems.find((d) => d.id === id)!;

describe("gateFingerprint (before 0003; used by the migration backfill)", () => {
  it("is a SHA-256 hex digest, stable across calls", () => {
    expect(fp(base())).toMatch(/^[0-9a-f]{64}$/);
    expect(fp(base())).toBe(fp(base()));
  });

  it("does not depend on the order of rows", () => {
    const shuffled = edited((input) => {
      input.requirements.reverse();
      input.attestations.reverse();
      input.debtItems.reverse();
      for (const d of input.debtItems) d.steps.reverse();
    });
    expect(fp(shuffled)).toBe(fp(base()));
  });

  it("ignores fields that are not gate content", () => {
    // A project's summary is not part of the input at all; extra properties that models may
    // pass along (updatedAt, version, timestamps) must not count either.
    const withExtras = edited((input) => {
      Object.assign(input, { project: { summary: "New wording" } });
      Object.assign(req(input, 1), { updatedAt: 1_750_000_000_000, version: 7, createdById: 2 });
      Object.assign(item(input, 10), { description: "longer text", updatedAt: 1, version: 3 });
      Object.assign(item(input, 10).steps[0], { doneAt: 123, position: 4 });
      Object.assign(input.attestations[0], { attestedAt: 999, label: "Privacy" });
    });
    expect(fp(withExtras)).toBe(fp(base()));
  });

  it("treats an unticked attestation like an absent one, and empty text like null", () => {
    const without = edited((input) => {
      input.attestations = input.attestations.filter((a) => a.attestedById != null);
    });
    expect(fp(without)).toBe(fp(base()));
    const emptyStrings = edited((input) => {
      req(input, 2).conditions = "";
      item(input, 11).strategy = "";
    });
    expect(fp(emptyStrings)).toBe(fp(base()));
  });

  it("ignores repaid and accepted debt", () => {
    const extra = (status: string): Item => ({
      ...structuredClone(base().debtItems[1]),
      id: 12,
      status,
    });
    expect(fp(edited((i) => i.debtItems.push(extra("repaid"))))).toBe(fp(base()));
    expect(fp(edited((i) => i.debtItems.push(extra("accepted"))))).toBe(fp(base()));
  });

  const relevantEdits: Array<[string, (input: FingerprintInput) => void]> = [
    ["requirement title", (i) => (req(i, 1).title = "Warn 72 h before failure")],
    ["requirement description", (i) => (req(i, 2).description = "Fewer false alarms.")],
    ["requirement target", (i) => (req(i, 2).target = "precision >= 0.85")],
    ["requirement priority", (i) => (req(i, 2).priority = "must")],
    ["requirement withdrawn", (i) => (req(i, 2).status = "withdrawn")],
    ["requirement feasibility", (i) => (req(i, 2).feasibility = "infeasible")],
    ["requirement conditions", (i) => (req(i, 1).conditions = "Sensor data at 5-minute granularity.")],
    ["requirement feasibility note", (i) => (req(i, 2).feasibilityNote = "Checked with IT.")],
    ["requirement added", (i) => i.requirements.push({ ...(structuredClone(base().requirements[1]) as Req), id: 3 })],
    ["requirement removed", (i) => i.requirements.pop()],
    [
      "attestation added",
      (i) => (i.attestations.find((a) => a.key === "data_access_quality_assessed")!.attestedById = 5),
    ],
    ["attestation removed", (i) => (i.attestations.find((a) => a.key === "ml_engineer_on_team")!.attestedById = null)],
    [
      "attestation note changed",
      (i) => (i.attestations.find((a) => a.key === "privacy_security_reviewed")!.note = "DPIA v2."),
    ],
    [
      "attestation given by someone else",
      (i) => (i.attestations.find((a) => a.key === "ml_engineer_on_team")!.attestedById = 4),
    ],
    ["debt item added", (i) => i.debtItems.push({ ...structuredClone(base().debtItems[1]), id: 12 })],
    ["debt title", (i) => (item(i, 11).title = "No operations owner named")],
    ["debt severity", (i) => (item(i, 11).severity = "critical")],
    ["debt owner", (i) => (item(i, 11).ownerId = 4)],
    ["debt status open -> repaying", (i) => (item(i, 11).status = "repaying")],
    ["debt plan strategy", (i) => (item(i, 11).strategy = "Hire an SRE.")],
    ["debt plan target date", (i) => (item(i, 10).targetDate = "2026-04-01")],
    ["debt plan repay-before stage", (i) => (item(i, 10).repayBeforeStage = "pilot")],
    ["debt principal", (i) => (item(i, 10).principalDays = 6)],
    ["debt interest", (i) => (item(i, 10).interestDays = 2)],
    ["a step done", (i) => (item(i, 10).steps[1].done = true)],
    ["a step undone", (i) => (item(i, 10).steps[0].done = false)],
    ["a step's due date", (i) => (item(i, 10).steps[1].dueDate = "2026-02-20")],
    ["a step's owner", (i) => (item(i, 10).steps[1].ownerId = 9)],
    ["a step's title", (i) => (item(i, 10).steps[1].title = "Archive script")],
    [
      "a step added",
      (i) =>
        item(i, 11).steps.push({
          id: 103,
          title: "Ask",
          ownerId: null,
          dueDate: null,
          done: false,
        }),
    ],
    ["an item repaid drops out", (i) => (item(i, 10).status = "repaid")],
    ["an item accepted drops out", (i) => (item(i, 11).status = "accepted")],
  ];

  it.each(relevantEdits)("changes when: %s", (_name, edit) => {
    expect(fp(edited(edit))).not.toBe(fp(base()));
  });

  it("gives every relevant edit its own fingerprint", () => {
    const all = relevantEdits.map(([, edit]) => fp(edited(edit)));
    expect(new Set([fp(base()), ...all]).size).toBe(all.length + 1);
  });

  it("a repaid item makes the content equal to never having had it", () => {
    const repaid = edited((i) => (item(i, 10).status = "repaid"));
    const never = edited((i) => (i.debtItems = i.debtItems.filter((d) => d.id !== 10)));
    expect(fp(repaid)).toBe(fp(never));
  });

  it("serialises only the listed fields in a fixed order", () => {
    const canonical = JSON.parse(canonicalGateContent(base()));
    expect(Object.keys(canonical)).toEqual(["v", "requirements", "attestations", "debtItems"]);
    expect(Object.keys(canonical.requirements[0])).toEqual([
      "id",
      "title",
      "description",
      "target",
      "priority",
      "status",
      "feasibility",
      "conditions",
      "feasibilityNote",
    ]);
    expect(canonical.attestations.map((a: { key: string }) => a.key)).toEqual([
      "ml_engineer_on_team",
      "privacy_security_reviewed",
    ]);
    expect(canonical.debtItems[0].steps.map((s: { id: number }) => s.id)).toEqual([101, 102]);
  });
});

// ---------- per-discipline fingerprints ----------

function content(): GateContent {
  return {
    requirements: [
      {
        id: 2,
        title: "Precision at least 0.8",
        description: "",
        target: "precision >= 0.8",
        priority: "should",
        status: "active",
        dataScience: { feasibility: "unassessed", conditions: null, note: null },
        it: { feasibility: "feasible", conditions: null, note: "Fine." },
      },
      {
        id: 1,
        title: "Warn 48 h before failure",
        description: "Planned maintenance instead of breakdowns.",
        target: "recall >= 0.7",
        priority: "must",
        status: "active",
        dataScience: { feasibility: "feasible_with_conditions", conditions: "1-minute sensor data.", note: null },
        it: { feasibility: "feasible", conditions: null, note: null },
      },
    ],
    attestations: [
      {
        key: "privacy_security_reviewed",
        label: "Privacy and security have been reviewed.",
        discipline: null,
        attestedById: 7,
        attesterDiscipline: "business",
        note: "DPIA done.",
        evidenceUrl: "https://wiki.example.com/dpia",
      },
    ],
    debtItems: [
      {
        id: 10,
        register: "technical",
        title: "Hard-coded feature SQL",
        status: "repaying",
        severity: "high",
        ownerId: 3,
        strategy: "Move to the shared pipeline.",
        targetDate: "2026-03-01",
        repayBeforeStage: "production",
        signOffId: null,
        steps: [
          { id: 102, title: "Delete script", dueDate: "2026-02-15" },
          { id: 101, title: "Port joins", dueDate: "2026-01-15" },
        ],
      },
    ],
  };
}

const DISCIPLINES = ["business", "data_science", "it"] as const;

describe("viewFingerprint and disciplineFingerprint", () => {
  it("are the SHA-256 hex digest of the canonical view, stable across calls", () => {
    for (const d of DISCIPLINES) {
      const view = disciplineView(d, content());
      const expected = createHash("sha256").update(canonicalView(view), "utf8").digest("hex");
      expect(viewFingerprint(view)).toBe(expected);
      expect(disciplineFingerprint(d, content())).toBe(expected);
      expect(disciplineFingerprint(d, content())).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("a stored snapshot, read back, gives the same fingerprint as the live view", () => {
    // A sign-off stores canonicalView(view) as its snapshot; reading it back must compare equal.
    for (const d of DISCIPLINES) {
      const view = disciplineView(d, content());
      const stored = JSON.parse(canonicalView(view)) as DisciplineView;
      expect(viewFingerprint(stored)).toBe(viewFingerprint(view));
      expect(canonicalView(stored)).toBe(canonicalView(view));
    }
  });

  it("do not depend on row order or on the order of keys in the input objects", () => {
    const reordered = content();
    reordered.requirements.reverse();
    reordered.debtItems[0].steps.reverse();
    reordered.requirements = reordered.requirements.map((r) => {
      const { it: itVerdict, dataScience, status, priority, target, description, title, id } = r;
      return { it: itVerdict, dataScience, status, priority, target, description, title, id };
    });
    for (const d of DISCIPLINES) expect(disciplineFingerprint(d, reordered)).toBe(disciplineFingerprint(d, content()));
  });

  it("serialise each view with a fixed key order", () => {
    const view = JSON.parse(canonicalView(disciplineView("business", content())));
    expect(Object.keys(view)).toEqual(["requirements", "attestations", "debtItems"]);
    expect(view.requirements.map((r: { id: number }) => r.id)).toEqual([1, 2]);
    expect(Object.keys(view.requirements[0])).toEqual([
      "id",
      "title",
      "target",
      "priority",
      "status",
      "dataScience",
      "it",
    ]);
    expect(Object.keys(view.attestations[0])).toEqual(["key", "label", "attestedById", "note", "evidenceUrl"]);
    const itView = JSON.parse(canonicalView(disciplineView("it", content())));
    expect(itView.debtItems[0].steps.map((s: { id: number }) => s.id)).toEqual([101, 102]);
  });

  it("differ between disciplines (each signs for its own concerns)", () => {
    const all = DISCIPLINES.map((d) => disciplineFingerprint(d, content()));
    expect(new Set(all).size).toBe(3);
  });
});
