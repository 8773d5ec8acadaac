/**
 * The one date rule for everything a person enters (app/domain/dates.ts dateInputError):
 * a real calendar day written YYYY-MM-DD, within MIN_INPUT_DATE..MAX_INPUT_DATE. Date.parse
 * rolled 2027-02-30 into March; this check never does.
 */
import { describe, expect, it } from "vitest";
import { DATE_FORMAT_MESSAGE, dateInputError, isInputDate, MAX_INPUT_DATE, MIN_INPUT_DATE } from "~/domain/dates";

describe("dateInputError", () => {
  it.each(["2027-03-31", "2024-02-29", "2000-02-29", MIN_INPUT_DATE, MAX_INPUT_DATE, "2099-12-31"])(
    "accepts %s",
    (value) => {
      expect(dateInputError(value)).toBeNull();
      expect(isInputDate(value)).toBe(true);
    },
  );

  it.each([
    "2027-02-30", // what Date.parse rolled into March
    "2099-02-30",
    "2027-02-29", // not a leap year
    "2100-02-29", // divisible by 100, not by 400
    "2027-04-31",
    "2027-13-01",
    "2027-00-10",
    "2027-01-00",
  ])("refuses the day that does not exist, %s", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each([
    "2027-3-1",
    "27-03-01",
    "2027/03/01",
    "2027-03-01T00:00:00Z",
    " 2027-03-01",
    "２０２７-03-01",
    "",
    "next year",
  ])("refuses the malformed %j", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each([null, undefined, 20270301, new Date("2027-03-01"), ["2027-03-01"]])("refuses the non-string %j", (value) => {
    expect(dateInputError(value)).toBe(DATE_FORMAT_MESSAGE);
  });

  it.each(["1999-12-31", "0000-01-01", "3000-01-01", "9999-12-31"])("refuses %s, outside the app's range", (value) => {
    expect(dateInputError(value)).toBe(`Choose a date between ${MIN_INPUT_DATE} and ${MAX_INPUT_DATE}.`);
  });
});
