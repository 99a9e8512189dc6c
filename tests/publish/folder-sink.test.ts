import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFolderSink } from "../../src/publish/folder-sink.js";
import { PublishError } from "../../src/publish/publish-error.js";

describe("publishing into a local folder", () => {
  let work: string;
  let csv: string;

  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), "folder-sink-"));
    csv = path.join(work, "work.csv");
    await writeFile(csv, "a;b\r\n");
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("places a file under its folders, creating them", async () => {
    await createFolderSink(path.join(work, "out")).put("copilot/metrics.csv", csv);
    expect(await readFile(path.join(work, "out", "copilot", "metrics.csv"), "utf8")).toBe("a;b\r\n");
  });

  it("names OUTPUT_DIR when it is a file instead of a folder", async () => {
    const output = path.join(work, "output");
    await writeFile(output, "not a folder");
    const error = await createFolderSink(output)
      .put("copilot/metrics.csv", csv)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toBe(
      `Cannot publish copilot/metrics.csv: ${output} is a file, not a folder. Set OUTPUT_DIR to a folder, or move the file away.`,
    );
  });

  it("names a file that stands where a folder inside OUTPUT_DIR must be", async () => {
    const output = path.join(work, "output");
    await createFolderSink(output).put("readme.csv", csv);
    await writeFile(path.join(output, "copilot"), "a file named like the folder");
    const error = await createFolderSink(output)
      .put("copilot/2026/metrics.csv", csv)
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `Cannot publish copilot/2026/metrics.csv: ${path.join(output, "copilot")} is a file, not a folder. Move the file away.`,
    );
  });
});
