import { describe, expect, it } from "vitest";
import { copilotRangeNote } from "../../src/cli/next-steps.js";

describe("copilotRangeNote", () => {
  const today = "2026-03-01";
  const oldest =
    "the oldest day GitHub still has is 2025-10-10 (reports start on 2025-10-10 for enterprises and 2025-12-12 for organizations, and GitHub keeps one year)";

  it("says nothing for a run without a range or a range GitHub has reports for", () => {
    expect(copilotRangeNote({}, today)).toBeUndefined();
    expect(copilotRangeNote({ from: "2026-01-01", to: "2026-02-28" }, today)).toBeUndefined();
  });

  it("names the first report day for a range wholly before it", () => {
    expect(copilotRangeNote({ from: "2020-01-01", to: "2025-10-09" }, today)).toBe(
      `No Copilot report exists for 2020-01-01..2025-10-09: ${oldest}.`,
    );
  });

  it("takes the one year GitHub keeps when that is later than the first report day", () => {
    expect(copilotRangeNote({ from: "2026-01-01", to: "2026-01-31" }, "2027-03-01")).toBe(
      "No Copilot report exists for 2026-01-01..2026-01-31: the oldest day GitHub still has is 2026-03-01 " +
        "(reports start on 2025-10-10 for enterprises and 2025-12-12 for organizations, and GitHub keeps one year).",
    );
  });

  it("says that today and later days have no report yet", () => {
    expect(copilotRangeNote({ from: "2026-03-01" }, today)).toBe(
      "No Copilot report exists for 2026-03-01..2026-02-28 yet: the newest day a report can exist for is yesterday, 2026-02-28, and reports land up to two days late.",
    );
  });

  it("names the part of a range that has reports when it reaches past either end", () => {
    expect(copilotRangeNote({ from: "2025-09-01", to: "2026-03-05" }, today)).toBe(
      "Copilot reports were asked for 2025-10-10..2026-02-28 only, not all of 2025-09-01..2026-03-05: " +
        `none exists before 2025-10-10: ${oldest}; none exists after 2026-02-28 yet: the newest day a report can exist for is yesterday, 2026-02-28, and reports land up to two days late.`,
    );
  });
});
