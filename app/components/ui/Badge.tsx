import type { ReactNode } from "react";
import type { Discipline } from "~/domain/vocabulary";
import { disciplineLabel } from "~/domain/labels";

/** A small label; `tone` picks the colour, the text always says the meaning. */
export function Badge({ tone = "neutral", children }: { tone?: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const disciplineIcon: Record<Discipline, string> = { business: "◆", data_science: "●", it: "■" };

export function DisciplineBadge({ discipline }: { discipline: Discipline }) {
  return (
    <Badge tone={`discipline-${discipline}`}>
      <span aria-hidden="true">{disciplineIcon[discipline]} </span>
      {disciplineLabel[discipline]}
    </Badge>
  );
}
