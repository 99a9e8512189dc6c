import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copilotUserMetrics, datasets, type Dataset } from "../../src/publish/datasets.js";
import { createFolderSink } from "../../src/publish/folder-sink.js";
import { publishDataset, type PublishOptions } from "../../src/publish/publish-dataset.js";
import { pseudonyms, userIdentitySource, type UserIdentity } from "../../src/publish/user-identity.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { listFiles, parseCsv, people, readCsv, seedCopilot } from "./seed.js";

const keyA = "key-a-0123456789abcdef0123456789";
const keyB = "key-b-0123456789abcdef0123456789";

/** The pseudonym of the person with GitHub user id `id` under `key`, as its cell shows it. */
function pseudonym(key: string, id: string): string {
  return pseudonyms(key)(Number(id)).toString("latin1");
}

/** A second dataset with a person in it, to compare pseudonyms across datasets. */
const peopleDataset: Dataset = {
  name: "people",
  sql: "select distinct user_id, user_login from copilot_user_daily where day >= $1 order by user_id",
  partition: "none",
  columns: [{ name: "user", type: "user" }],
};

describe("USER_IDENTITY in the published files", () => {
  let database: TestDatabase;
  const folders: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedCopilot(database.pool, ["2026-10-31", "2026-11-01"]);
  });
  afterAll(async () => {
    await database.drop();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  async function publish(identity: UserIdentity, which: Array<Dataset | string>, day = "2026-11-02"): Promise<string> {
    const out = await mkdtemp(path.join(tmpdir(), `identity-${identity.mode}-`));
    folders.push(out);
    const options: PublishOptions = {
      runId: `run-${day}`,
      day,
      format: { decimalSeparator: "." },
      userIdentity: async () => identity,
      retentionMonths: 13,
      snapshots: true,
    };
    for (const dataset of which) await publishDataset(database.pool, createFolderSink(out), dataset, options);
    return out;
  }

  /** The `user` cells of a published dataset, in file order. */
  async function userCells(out: string, files: string[]): Promise<string[]> {
    const cells: string[] = [];
    for (const file of files) {
      const [header, ...records] = await readCsv(path.join(out, file));
      cells.push(...records.map((record) => record[header!.indexOf("user")]!));
    }
    return cells;
  }

  const partitions = ["copilot_user_metrics/copilot_user_metrics_202610.csv", "copilot_user_metrics/copilot_user_metrics_202611.csv"];
  const ids = people.map((person) => String(person.id));

  it.each<{ identity: UserIdentity; shown: (id: string) => string }>([
    { identity: { mode: "id" }, shown: (id) => id },
    { identity: { mode: "hashed", key: keyA }, shown: (id) => pseudonym(keyA, id) },
    { identity: { mode: "none" }, shown: () => "" },
  ])("under $identity.mode no login appears in any published file", async ({ identity, shown }) => {
    await database.pool.query("truncate publish_manifest");
    const out = await publish(
      identity,
      datasets.map((dataset) => dataset.name),
    );

    const files = await listFiles(out);
    expect(files).toContain(partitions[0]);
    for (const file of files) {
      const text = (await readFile(path.join(out, file), "utf8")).toLowerCase();
      for (const person of people)
        expect({ file, login: person.login, found: text.includes(person.login) }).toEqual({ file, login: person.login, found: false });
    }
    // Each partition holds the enterprise rows, then the organization's; per day the people by id.
    const perDay = ids.map(shown);
    expect(await userCells(out, partitions)).toEqual(Array.from({ length: 4 }, () => perDay).flat());
  });

  it("under login shows the login", async () => {
    await database.pool.query("truncate publish_manifest");
    const out = await publish({ mode: "login" }, [copilotUserMetrics]);
    expect(await userCells(out, partitions.slice(1))).toEqual([...people.map((p) => p.login), ...people.map((p) => p.login)]);
  });

  it("under hashed gives a person the same pseudonym across runs and datasets, and another one under another key", async () => {
    await database.pool.query("truncate publish_manifest");
    const first = await publish({ mode: "hashed", key: keyA }, [copilotUserMetrics, peopleDataset], "2026-11-02");
    await database.pool.query("truncate publish_manifest");
    const second = await publish({ mode: "hashed", key: keyA }, [copilotUserMetrics, peopleDataset], "2026-11-20");
    await database.pool.query("truncate publish_manifest");
    const otherKey = await publish({ mode: "hashed", key: keyB }, [peopleDataset]);

    const expected = ids.map((id) => pseudonym(keyA, id));
    expect(expected.every((cell) => /^u_[0-9a-f]{16}$/.test(cell))).toBe(true);
    expect(new Set(expected).size).toBe(people.length);
    expect(await userCells(first, ["people.csv"])).toEqual(expected);
    expect(await userCells(second, ["people.csv"])).toEqual(expected);
    expect((await userCells(first, partitions.slice(1))).slice(0, 3)).toEqual(expected);
    expect((await userCells(second, partitions.slice(1))).slice(0, 3)).toEqual(expected);
    const snapshot = parseCsv(await readFile(path.join(second, "archive/2026/copilot_user_metrics_20261120.csv")));
    expect(new Set(snapshot.slice(1).map((record) => record[3]))).toEqual(new Set(expected));

    const underB = await userCells(otherKey, ["people.csv"]);
    expect(underB).toEqual(ids.map((id) => pseudonym(keyB, id)));
    expect(underB.filter((cell) => expected.includes(cell))).toEqual([]);
  });

  it("reads the hash key once, from Key Vault's user-hash-key when KEY_VAULT_URL is set, else from USER_HASH_KEY", async () => {
    const asked: string[] = [];
    const vault = async (name: string) => {
      asked.push(name);
      return "key-from-vault-0123456789";
    };
    const fromVault = userIdentitySource(
      { USER_IDENTITY: "hashed", KEY_VAULT_URL: "https://contoso.vault.azure.net", USER_HASH_KEY: "ignored-setting-0123" },
      vault,
    );
    expect(await fromVault()).toEqual({ mode: "hashed", key: "key-from-vault-0123456789" });
    expect(await fromVault()).toEqual({ mode: "hashed", key: "key-from-vault-0123456789" });
    expect(asked).toEqual(["user-hash-key"]);

    expect(await userIdentitySource({ USER_IDENTITY: "hashed", USER_HASH_KEY: "setting-key-0123456789" }, vault)()).toEqual({
      mode: "hashed",
      key: "setting-key-0123456789",
    });
    expect(await userIdentitySource({ USER_IDENTITY: "id" }, vault)()).toEqual({ mode: "id" });
    await expect(userIdentitySource({ USER_IDENTITY: "hashed" }, vault)()).rejects.toThrow(
      "USER_IDENTITY=hashed needs a key: set USER_HASH_KEY, or KEY_VAULT_URL with a secret named user-hash-key.",
    );
    expect(asked).toEqual(["user-hash-key"]);
  });
});
