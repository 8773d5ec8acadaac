/**
 * /projects/:slug/debt/import/template.csv?register=technical: a CSV to fill in and import
 * (docs/domain.md, "Importing a spreadsheet register"): the header the import recognises and
 * two example rows for the register, categories and stages written as on screen.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { categoriesFor, type Register } from "~/domain/debt";
import { stageLabel } from "~/domain/labels";
import { nextStage } from "~/domain/stages";
import { csvDocument, csvHeaders } from "~/lib/csv.server";
import { TEMPLATE_HEADER } from "~/utils/debt-import";
import { requireProject } from "~/utils/project.server";

const EXAMPLES: Record<Register, Array<Record<string, string>>> = {
  technical: [
    {
      title: "Scoring thresholds hard-coded in the notebook",
      description: "The alert thresholds are constants in the last cell of score.ipynb.",
      category: "Hard-coded logic",
      severity: "High",
      principal: "5",
      interest: "0.5",
      benefit: "Results for the steering committee the next morning.",
      strategy: "Move the thresholds into the pipeline's configuration.",
    },
    {
      title: "No tests for the feature pipeline",
      description: "",
      category: "Missing tests",
      severity: "Medium",
      principal: "3",
      interest: "1",
      benefit: "Shipped the pilot on time.",
      strategy: "",
    },
  ],
  organizational: [
    {
      title: "Sensor data copied by hand every week",
      description: "A data engineer exports the sensor table on Mondays; there is no access for the pipeline yet.",
      category: "Data access",
      severity: "High",
      principal: "8",
      interest: "1",
      benefit: "Started without waiting for the access request.",
      strategy: "Request a service account for the sensor database.",
    },
    {
      title: "Nobody owns the model after the pilot",
      description: "",
      category: "Unclear ownership or process",
      severity: "Medium",
      principal: "2",
      interest: "0.5",
      benefit: "",
      strategy: "",
    },
  ],
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const register: Register =
    new URL(request.url).searchParams.get("register") === "organizational" ? "organizational" : "technical";
  const known = new Set(categoriesFor(register).map((c) => c.label));
  const later = nextStage(project.stage);
  const rows = EXAMPLES[register].map((e) => {
    if (!known.has(e.category)) throw new Error(`The template's category ${e.category} is not in the register.`);
    // The columns of TEMPLATE_HEADER, in order (app/utils/debt-import.ts, IMPORT_FIELDS).
    return [
      e.title,
      e.description,
      e.category,
      e.severity,
      "", // owner: a member's e-mail address or name
      e.principal,
      e.interest,
      e.benefit,
      stageLabel[project.stage],
      e.strategy,
      "", // target date, YYYY-MM-DD
      e.strategy && later ? stageLabel[later] : "",
    ];
  });
  return new Response(csvDocument(TEMPLATE_HEADER, rows), {
    headers: csvHeaders(`triad-${register}-debt-template.csv`),
  });
}
