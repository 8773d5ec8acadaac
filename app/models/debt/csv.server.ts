/**
 * The CSV columns of /debt.csv: the header and one record per row of the org-wide register.
 */
import { dateInZone } from "~/domain/dates";
import { debtStatusLabel, registerLabel, severityLabel, stageLabel } from "~/domain/labels";
import type { CsvValue } from "~/lib/csv.server";
import { orgTimeZone } from "~/lib/org-time-zone.server";
import type { OrgDebtRow } from "./register.server";

/** An instant as its calendar date (ISO) in the organisation's zone, as the portfolio's CSV gives it. */
const isoDate = (instant: number | null) => (instant == null ? null : dateInZone(instant, orgTimeZone()));

export const DEBT_CSV_HEADER = [
  "ID",
  "Project",
  "Register",
  "Title",
  "Category",
  "Severity",
  "Status",
  "Owner",
  "Principal (person-days)",
  "Interest (person-days per month)",
  "Accrued interest (person-days)",
  "Target date",
  "Repay before stage",
  "Overdue",
  "Stage incurred",
  "Opened",
  "Repaid",
  "Why it was taken on",
  "Description",
  "Strategy",
  "Status note",
  "Accepted because",
  "Review date",
  "Written off",
] as const;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** One CSV record: labels as on screen, numbers plain, dates ISO, overdue yes/no. */
export function debtCsvCells(row: OrgDebtRow): CsvValue[] {
  return [
    row.id,
    row.projectName,
    registerLabel[row.register],
    row.title,
    row.categoryLabel,
    severityLabel[row.severity],
    debtStatusLabel[row.status],
    row.ownerName,
    row.principalDays,
    row.interestDays,
    round2(row.accruedInterestDays),
    row.targetDate,
    row.repayBeforeStage ? stageLabel[row.repayBeforeStage] : null,
    row.overdue,
    stageLabel[row.stageIncurred],
    isoDate(row.openedAt),
    isoDate(row.repaidAt),
    row.benefit,
    row.description,
    row.strategy,
    row.statusNote,
    row.acceptedJustification,
    row.acceptedReviewDate,
    isoDate(row.writtenOffAt),
  ];
}
