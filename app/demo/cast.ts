/**
 * Who and what the demo organisation is (app/demo/demo.ts replays its history): a
 * manufacturer's data team of thirteen people and eight data products at every stage, with
 * when each person was hired, each project started, each member joined, each promotion and
 * each state change happened. Times are days before the moment the demo is seeded.
 */
import type { Discipline, ProjectState, Role, Stage, StopCause } from "~/domain/vocabulary";

export const DEMO_PASSWORD = "triad-demo-password";
export const DEMO_EMAIL_DOMAIN = "demo.triad";

type PersonSpec = {
  name: string;
  discipline: Discipline;
  role: Role;
  /** What they do, for the README and the CLI's account list (not stored). */
  title: string;
  joinedDaysAgo: number;
};

const person = (
  name: string,
  discipline: Discipline,
  role: Role,
  title: string,
  joinedDaysAgo: number,
): PersonSpec => ({ name, discipline, role, title, joinedDaysAgo });

/** The people; the key is also the e-mail's local part (ada@demo.triad). Ada is the admin. */
// prettier-ignore
export const DEMO_PEOPLE = {
  ada: person("Ada Lovelace", "it", "admin", "Head of data platform, runs Triad", 760),
  brigitte: person("Brigitte Hofmann", "business", "member", "Head of maintenance, press shop", 757),
  carlos: person("Carlos Mendes", "business", "member", "Head of operations planning", 756),
  dana: person("Dana Whitfield", "business", "member", "Customer service lead", 754),
  elif: person("Elif Yıldız", "business", "member", "Finance and procurement", 752),
  farid: person("Farid Haddad", "data_science", "member", "Senior data scientist", 757),
  grace: person("Grace Okafor", "data_science", "member", "ML engineer, hired for deployments", 300),
  hiro: person("Hiro Tanaka", "data_science", "member", "Data engineer", 755),
  ines: person("Inês Duarte", "data_science", "member", "Data scientist, text and vision", 753),
  jonas: person("Jonas Berger", "it", "member", "IT operations, application platform", 756),
  kemal: person("Kemal Aksoy", "it", "member", "Information security", 751),
  lena: person("Lena Novak", "it", "member", "Data platform and databases", 755),
  mateo: person("Mateo Rossi", "it", "member", "Plant IT and shop-floor networks", 750),
};

export type PersonKey = keyof typeof DEMO_PEOPLE;
export const demoEmail = (key: PersonKey) => `${key}@${DEMO_EMAIL_DOMAIN}`;

/** The accounts to sign in with, admin first. */
export function demoAccounts() {
  return (Object.keys(DEMO_PEOPLE) as PersonKey[]).map((key) => ({
    email: demoEmail(key),
    ...DEMO_PEOPLE[key],
  }));
}

export type ProjectSpec = {
  /** The model derives the project's URL slug from it (app/models/projects.server.ts). */
  name: string;
  summary: string;
  businessCase: string;
  owner: PersonKey;
  createdDaysAgo: number;
  /** Members besides the owner (who joins as business at creation), with the day they joined. */
  team: readonly (readonly [PersonKey, number])[];
  /** Promotions in order: the stage reached and when. */
  promotions: readonly (readonly [Stage, number])[];
  stateChange?: {
    to: Exclude<ProjectState, "active">;
    daysAgo: number;
    stopCause?: StopCause;
    /** Why. The stop note when stopped; putting a project on hold records no reason (the model has no such field). */
    note: string;
  };
};

export const DEMO_PROJECTS = {
  pressLine3: {
    name: "Predictive maintenance for press line 3",
    summary:
      "Warn the maintenance planners 48 hours before a hydraulic press on line 3 fails, from vibration, temperature and oil-pressure sensor data.",
    businessCase:
      "Unplanned stops on press line 3 cost about 35 production hours a quarter (roughly EUR 280k a year in lost output and overtime). A 48-hour warning lets planners move the repair into a scheduled shift change. The case holds if at least 8 in 10 alarms are real (precision >= 0.8) and at least 60 % of failures are caught.",
    owner: "brigitte",
    createdDaysAgo: 420,
    team: [
      ["farid", 418],
      ["hiro", 415],
      ["jonas", 410],
      ["mateo", 405],
      ["grace", 140],
    ],
    promotions: [["pilot", 120]],
  },
  sparePartsDemand: {
    name: "Spare-parts demand forecast",
    summary:
      "Forecasts weekly demand for 4,200 spare parts in three warehouses, twelve weeks ahead, and feeds the replenishment run in the ERP.",
    businessCase:
      "Cutting safety stock by 15 % frees about EUR 1.1M of tied-up capital while keeping the 97 % fill rate.",
    owner: "carlos",
    createdDaysAgo: 700,
    team: [
      ["ines", 697],
      ["lena", 690],
      ["jonas", 688],
    ],
    promotions: [
      ["pilot", 560],
      ["production", 300],
    ],
  },
  churn: {
    name: "Customer churn early warning",
    summary:
      "Scores every service-contract customer monthly for the risk of not renewing, so account managers call the top 50 before the renewal window opens.",
    businessCase:
      "A retained contract is worth about EUR 18k a year; keeping 20 more contracts a year pays for the team twice over.",
    owner: "dana",
    createdDaysAgo: 480,
    team: [
      ["ines", 478],
      ["farid", 470],
      ["kemal", 465],
      ["lena", 460],
    ],
    promotions: [["pilot", 200]],
  },
  invoiceOcr: {
    name: "Invoice OCR and account coding",
    summary:
      "Reads supplier invoices (PDF and scans), extracts header and line items, and proposes the G/L account and cost centre for accounts payable to confirm.",
    businessCase:
      "Accounts payable keys in 9,000 invoices a month by hand; automating 70 % of them frees two full-time positions for supplier queries.",
    owner: "elif",
    createdDaysAgo: 640,
    team: [
      ["hiro", 636],
      ["ines", 630],
      ["jonas", 628],
      ["kemal", 625],
    ],
    promotions: [
      ["pilot", 500],
      ["production", 330],
    ],
  },
  energyPrice: {
    name: "Energy-price forecast for procurement",
    summary:
      "Forecasts day-ahead and month-ahead electricity prices so procurement can time forward purchases for the plants.",
    businessCase:
      "The plants buy 160 GWh a year; buying 3 % cheaper on the forward market saves around EUR 400k a year.",
    owner: "elif",
    createdDaysAgo: 75,
    team: [
      ["farid", 73],
      ["lena", 70],
      ["jonas", 68],
    ],
    promotions: [],
  },
  weldInspection: {
    name: "Visual quality inspection of weld seams",
    summary:
      "A camera at the end of the welding cell and an image model flag faulty seams before the part leaves the cell.",
    businessCase:
      "Rework of faulty seams found at final assembly costs about EUR 150k a year; catching them at the cell costs a tenth of that.",
    owner: "brigitte",
    createdDaysAgo: 560,
    team: [
      ["ines", 558],
      ["mateo", 550],
      ["jonas", 548],
      ["grace", 290],
    ],
    promotions: [["pilot", 330]],
    stateChange: {
      to: "stopped",
      daysAgo: 210,
      stopCause: "technology_landscape",
      note: "The model needs GPU inference at the cell in under 200 ms. The shop-floor network has no edge compute and core IT cannot run GPUs on the plant network. Revisit once the edge-computing platform exists.",
    },
  },
  oeeDashboard: {
    name: "Shop-floor OEE dashboard",
    summary:
      "One page per plant with availability, performance and quality (OEE) per line and shift, refreshed every 15 minutes from the MES.",
    businessCase:
      "Shift leads spend two hours a week assembling OEE figures in spreadsheets; a shared dashboard ends that and makes the plants comparable.",
    owner: "carlos",
    createdDaysAgo: 260,
    team: [
      ["hiro", 258],
      ["mateo", 255],
      ["lena", 250],
    ],
    promotions: [],
    stateChange: {
      to: "on_hold",
      daysAgo: 150,
      note: "Waiting for the MES upgrade that exposes machine states; the current MES only exports a nightly file.",
    },
  },
  callVolume: {
    name: "Service-desk call-volume forecast",
    summary: "Forecasts inbound calls per 30-minute slot two weeks ahead so the service desk can plan its shifts.",
    businessCase:
      "Overstaffed slots cost about EUR 60k a year and understaffed ones lose calls; a forecast within 10 % lets the desk plan to demand.",
    owner: "dana",
    createdDaysAgo: 40,
    team: [
      ["ines", 38],
      ["lena", 36],
      ["jonas", 35],
    ],
    promotions: [],
  },
} as const satisfies Record<string, ProjectSpec>;

export type ProjectKey = keyof typeof DEMO_PROJECTS;

export type DemoUser = {
  id: number;
  name: string;
  email: string;
  discipline: Discipline;
  role: Role;
};

export type DemoProject = {
  key: ProjectKey;
  /** Known once the story has created the project. */
  id: number;
  slug: string;
  name: string;
  ownerId: number;
  /** Where the story leaves it. */
  stage: Stage;
  state: ProjectState;
  createdAt: number;
  stageEnteredAt: number;
  members: { userId: number; discipline: Discipline; joinedAt: number }[];
  /** Every promotion, oldest first; `reviewId` is the promoted gate review, once replayed. */
  promotions: { from: Stage; to: Stage; at: number; byId: number; reviewId: number | null }[];
  stateChange: { to: Exclude<ProjectState, "active">; at: number } | null;
};

export type DemoSeed = {
  now: number;
  users: Record<PersonKey, DemoUser>;
  projects: Record<ProjectKey, DemoProject>;
};
