import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureIdentityRole, graphSteps, secretVariable, type Connect } from "../../scripts/postprovision.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("scripts/postprovision.ts", () => {
  let database: TestDatabase;
  const role = `id-ghmetrics-${randomUUID().slice(0, 8)}`;
  const target = () => ({ role, objectId: "11111111-2222-3333-4444-555555555555", database: new URL(database.url).pathname.slice(1) });
  // The embedded server has no pgaadauth extension, so the script makes a plain login role.
  const connect: Connect = async (name) => {
    const client = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, `/${name}`) });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.pool.query(`drop owned by ${pg.escapeIdentifier(role)}`).catch(() => undefined);
    await database.drop();
    const admin = await connect("postgres");
    await admin.query(`drop role if exists ${pg.escapeIdentifier(role)}`);
    await admin.end();
  });

  it("creates the identity's role, with no server-wide right, and may run again", async () => {
    expect(await ensureIdentityRole(connect, target())).toBe("created");
    expect(await ensureIdentityRole(connect, target())).toBe("existed");
    const attributes = await database.pool.query(
      "select rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls from pg_roles where rolname = $1",
      [role],
    );
    expect(attributes.rows).toEqual([
      { rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false },
    ]);
    const members = await database.pool.query(
      "select count(*)::int as n from pg_auth_members m join pg_roles r on r.oid = m.member where r.rolname = $1",
      [role],
    );
    expect(members.rows).toEqual([{ n: 0 }]);
  });

  it("lets the role connect, create its tables and write them in the collector's database", async () => {
    await ensureIdentityRole(connect, target());
    const rights = await database.pool.query(
      `select has_database_privilege($1, current_database(), 'CONNECT') as connect,
              has_database_privilege($1, current_database(), 'TEMPORARY') as temporary,
              has_schema_privilege($1, 'public', 'USAGE') as usage,
              has_schema_privilege($1, 'public', 'CREATE') as "create"`,
      [role],
    );
    expect(rights.rows).toEqual([{ connect: true, temporary: true, usage: true, create: true }]);
    const client = await database.pool.connect();
    try {
      await client.query(`set role ${pg.escapeIdentifier(role)}`);
      await client.query("create table postprovision_probe (id int primary key)");
      await client.query("insert into postprovision_probe values (1) on conflict do nothing");
      expect((await client.query("select id from postprovision_probe")).rows).toEqual([{ id: 1 }]);
      await expect(client.query("create database postprovision_probe_db")).rejects.toThrow("permission denied to create database");
      await expect(client.query(`create role ${pg.escapeIdentifier(`${role}-other`)}`)).rejects.toThrow("permission denied to create role");
    } finally {
      await client.query("reset role");
      client.release();
    }
  });

  it("sets each secret from the variable named like it", () => {
    expect([secretVariable("github-token-contoso"), secretVariable("user-hash-key")]).toEqual(["GITHUB_TOKEN_CONTOSO", "USER_HASH_KEY"]);
  });

  it("prints the Graph steps with the identity's and the site's ids filled in", () => {
    const steps = graphSteps({
      principalId: "pid-1",
      clientId: "cid-2",
      identityName: "id-ghmetrics-x",
      siteId: "contoso.sharepoint.com,a,b",
    });
    expect(steps).toContain('--uri "https://graph.microsoft.com/v1.0/servicePrincipals/pid-1/appRoleAssignments"');
    expect(steps).toContain('New-MgSitePermission -SiteId "contoso.sharepoint.com,a,b"');
    expect(steps).toContain('application = @{ id = "cid-2"; displayName = "id-ghmetrics-x" }');
  });
});
