import { describe, expect, it } from "vitest";
import { parseCollectRequest } from "../src/app/collect-request.js";
import { checkDayRange, daySchema } from "../src/days.js";
import { runCli } from "./support/run-cli.js";

describe("a day", () => {
  it.each(["2026-11-01", "2024-02-29", "2000-02-29"])("accepts %s", (day) => {
    expect(daySchema.safeParse(day).success).toBe(true);
  });

  it.each(["2026-02-29", "2026-02-30", "2100-02-29", "2026-13-01", "2026-11-1", "2026-11-20T00:00:00Z", " 2026-11-01"])(
    "refuses %s",
    (day) => {
      expect(daySchema.safeParse(day).success).toBe(false);
    },
  );
});

describe("a from/to range", () => {
  const http = (body: object) => parseCollectRequest(JSON.stringify(body), { enterprises: ["contoso"], today: "2026-11-25" });

  it("is refused in the same words on the command line and over HTTP, each naming the fields as written there", async () => {
    const cli = await runCli(["run", "--from", "2026-11-10", "--to", "2026-02-30"]);
    expect(cli.code).toBe(2);
    expect(cli.err[0]).toContain('--to "2026-02-30" is not a date; write it as YYYY-MM-DD, e.g. --to 2026-11-01.');
    expect(http({ from: "2026-11-10", to: "2026-02-30" })).toEqual({
      ok: false,
      reason: '"to" "2026-02-30" is not a date; write it as YYYY-MM-DD, e.g. "to":"2026-11-01".',
    });

    const reversed = await runCli(["run", "--from", "2026-11-10", "--to", "2026-11-01"]);
    expect(reversed.err[0]).toContain("--from 2026-11-10 is after --to 2026-11-01.");
    expect(http({ from: "2026-11-10", to: "2026-11-01" })).toEqual({ ok: false, reason: '"from" 2026-11-10 is after "to" 2026-11-01.' });
  });

  it("keeps a request's limits to requests: without today, a future or year-long range passes, for the run's note to explain", () => {
    const cli = { name: (field: string) => `--${field}`, example: (field: string) => `--${field} 2026-11-01` };
    expect(checkDayRange({ from: "2020-01-01", to: "2026-12-31" }, cli)).toEqual({
      ok: true,
      range: { from: "2020-01-01", to: "2026-12-31" },
    });
    expect(checkDayRange({ to: "2026-11-01" }, cli)).toEqual({ ok: true, range: { to: "2026-11-01" } });
    expect(checkDayRange({ from: "2026-11-24", to: "2026-11-24" }, { ...cli, today: "2026-11-25" })).toEqual({
      ok: true,
      range: { from: "2026-11-24", to: "2026-11-24" },
    });
    expect(checkDayRange({ from: "2026-11-25" }, { ...cli, today: "2026-11-25" })).toEqual({
      ok: false,
      reason: "--from 2026-11-25 has no report yet: GitHub's newest report day is yesterday (2026-11-24) at best.",
    });
  });

  it("passes the body's enterprise through with the checked days", () => {
    expect(http({ from: "2026-11-01", to: "2026-11-07", enterprise: "contoso" })).toEqual({
      ok: true,
      request: { from: "2026-11-01", to: "2026-11-07", enterprise: "contoso" },
    });
  });
});
