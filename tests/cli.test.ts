import { describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

describe("the command line", () => {
  it("exits 2 with the date format on a malformed --from", async () => {
    const result = await runCli(["run", "--from", "2026-13-01"]);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain('--from "2026-13-01" is not a date; write it as YYYY-MM-DD');
  });

  it("exits 2 when --from is after --to", async () => {
    const result = await runCli(["run", "--from", "2026-11-02", "--to", "2026-11-01"]);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain("--from 2026-11-02 is after --to 2026-11-01");
  });

  it("exits 2 on an unknown command and shows the usage", async () => {
    const result = await runCli(["collect"]);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain('Unknown command "collect".');
    expect(result.err[0]).toContain("Usage: metrics-collector <command>");
  });

  it("exits 2 on an unknown option", async () => {
    const result = await runCli(["run", "--form", "2026-11-01"]);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain("--form");
  });

  it("exits 2 naming the setting when the configuration is bad", async () => {
    const previous = process.env["BACKFILL_DAYS"];
    process.env["BACKFILL_DAYS"] = "forever";
    try {
      const result = await runCli(["run"]);
      expect(result.code).toBe(2);
      expect(result.err[0]).toBe('Setting BACKFILL_DAYS must be a whole number (got "forever"). Example of a good value: BACKFILL_DAYS=28');
    } finally {
      if (previous === undefined) delete process.env["BACKFILL_DAYS"];
      else process.env["BACKFILL_DAYS"] = previous;
    }
  });
});
