// infra/main.bicep compiled and linted by the pinned Bicep CLI, and contract tests on the ARM JSON
// it compiles to: least-privilege roles, no secrets, the app settings of DESIGN §7 and the alerts
// of DESIGN §9 on the telemetry names the code emits.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { telemetryEvents, telemetryMetrics } from "../../src/telemetry/names.js";
import {
  allResources,
  at,
  diagnostics,
  locateBicep,
  moduleNamed,
  parseTemplate,
  repoRoot,
  runBicep,
  type ArmTemplate,
  type BicepRun,
  type PlacedResource,
} from "../support/bicep.js";

const infraDir = join(repoRoot, "infra");
const bicepFiles = ["main.bicep", ...readdirSync(join(infraDir, "modules")).map((file) => `modules/${file}`)].filter(
  (file) => file.endsWith(".bicep"),
);

const role = {
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
};

// Roles that would grant more than the app needs; none may appear anywhere in the template.
const broadRoles = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
};

const bicep = locateBicep();

describe("the Bicep compiler", () => {
  if (bicep.found) {
    it("is found or installed under .tools/bicep", () => {
      expect(bicep.path).toMatch(/bicep(\.exe)?$/);
    });
  } else if (process.env.CI === "true") {
    it("is available (CI=true turns a missing compiler into a failure)", () => {
      throw new Error(bicep.reason);
    });
  } else {
    it.skip(`is missing, so infra/ is not compiled: ${bicep.reason}`, () => {});
  }
});

describe("the Bicep sources", () => {
  it("use only local modules, so the template compiles offline", () => {
    for (const file of bicepFiles) {
      const source = readFileSync(join(infraDir, file), "utf8");
      expect({ file, registryModules: source.match(/'(br|ts)[:/][^']*'/g) ?? [] }).toEqual({ file, registryModules: [] });
    }
  });

  it("disable no diagnostic without a comment saying why", () => {
    const unexplained: string[] = [];
    for (const file of bicepFiles) {
      const lines = readFileSync(join(infraDir, file), "utf8").split("\n");
      lines.forEach((line, index) => {
        if (!/#disable-(next-line|diagnostics)/.test(line)) return;
        const previous = lines[index - 1]?.trim() ?? "";
        if (!previous.startsWith("//") && !line.includes("//")) unexplained.push(`${file}:${index + 1}`);
      });
    }
    expect(unexplained).toEqual([]);
  });

  it("switch off no linter rule in bicepconfig.json without a comment saying why", () => {
    const lines = readFileSync(join(infraDir, "bicepconfig.json"), "utf8").split("\n");
    const unexplained = lines
      .map((line, index) => ({ line, index }))
      .filter(({ line, index }) => /"level":\s*"off"/.test(line) && !(lines[index - 1]?.trim().startsWith("//") ?? false))
      .map(({ index }) => index + 1);
    expect(unexplained).toEqual([]);
  });
});

describe.runIf(bicep.found)("infra/main.bicep compiled", () => {
  let build: BicepRun;
  let lint: BicepRun;
  let main: ArmTemplate;
  let resources: PlacedResource[];
  let compiledText: string;

  beforeAll(() => {
    if (!bicep.found) return;
    build = runBicep(bicep.path, ["build", "infra/main.bicep", "--stdout"]);
    lint = runBicep(bicep.path, ["lint", "infra/main.bicep"]);
    // A failed build fails its own test below; the contract tests then fail on the empty template
    // rather than the whole file erroring out here.
    compiledText = build.stdout;
    main = parseTemplate(build.status === 0 ? JSON.parse(build.stdout) : { resources: [] });
    resources = allResources(main);
  });

  const ofType = (type: string) => resources.filter((placed) => placed.resource.type === type);
  const appSettings = () => z.record(z.string(), z.unknown()).parse(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "appSettings", "value"));

  it("builds with no error and no warning", () => {
    expect({ status: build.status, diagnostics: diagnostics(build.stderr) }).toEqual({ status: 0, diagnostics: [] });
  });

  it("lints with no error and no warning", () => {
    expect({ status: lint.status, stdout: lint.stdout.trim(), stderr: lint.stderr.trim() }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  describe("role assignments", () => {
    it("grant the identity exactly the narrowest roles, each on its own resource", () => {
      const granted = ofType("Microsoft.Authorization/roleAssignments").flatMap(describeRoleAssignment).sort(byJson);
      expect(granted).toEqual(
        [
          { module: "archive", scope: "Microsoft.Storage/storageAccounts/blobServices/containers", roleId: role.storageBlobDataContributor },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageBlobDataContributor },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageQueueDataContributor },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageTableDataContributor },
          { module: "keyVault", scope: "Microsoft.KeyVault/vaults", roleId: role.keyVaultSecretsUser },
        ].sort(byJson),
      );
    });

    it("are given to the Function App's user-assigned identity", () => {
      for (const module of ["archive", "hostStorage", "keyVault"]) {
        expect(at(moduleNamed(main, module).deployment, "properties", "parameters", "principalId", "value")).toBe("[reference('identity').principalId]");
      }
      expect(at(main.resources, "identity", "type")).toBe("Microsoft.ManagedIdentity/userAssignedIdentities");
      expect(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "identityId", "value")).toBe("[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', format('id-{0}-{1}', parameters('baseName'), variables('token')))]");
    });

    it("never name a broader role such as Owner, Contributor or a data Owner", () => {
      const named = Object.entries(broadRoles).filter(([, id]) => compiledText.toLowerCase().includes(id)).map(([name]) => name);
      expect(named).toEqual([]);
    });
  });

  describe("secrets", () => {
    it("no account key, connection-string listing or password literal appears in the template", () => {
      const found = [/list(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets|Credentials)\s*\(/i, /AccountKey=/i, /SharedAccessSignature/i, /SharedAccessKey=/i]
        .filter((pattern) => pattern.test(compiledText))
        .map(String);
      expect(found).toEqual([]);
    });

    it("the template creates no Key Vault secret, so no secret value passes through a deployment", () => {
      expect(ofType("Microsoft.KeyVault/vaults/secrets")).toEqual([]);
    });

    it("every storage account refuses shared keys and public blobs", () => {
      const accounts = ofType("Microsoft.Storage/storageAccounts").map(({ module, resource }) => ({
        module,
        allowSharedKeyAccess: at(resource, "properties", "allowSharedKeyAccess"),
        allowBlobPublicAccess: at(resource, "properties", "allowBlobPublicAccess"),
      }));
      expect(accounts).toEqual([
        { module: "hostStorage", allowSharedKeyAccess: false, allowBlobPublicAccess: false },
        { module: "archive", allowSharedKeyAccess: false, allowBlobPublicAccess: false },
      ]);
    });

    it("the parameters file sets no secure parameter and names only declared ones, and every required one", () => {
      const file = z
        .object({ parameters: z.record(z.string(), z.object({ value: z.unknown() })) })
        .parse(JSON.parse(readFileSync(join(infraDir, "main.parameters.json"), "utf8")));
      const given = Object.keys(file.parameters).sort();
      const declared = Object.keys(main.parameters);
      const secure = Object.entries(main.parameters).filter(([, p]) => /^secure/i.test(p.type)).map(([name]) => name);
      const required = Object.entries(main.parameters).filter(([, p]) => !("defaultValue" in p)).map(([name]) => name);
      expect(secure).toEqual(["postgresAdministratorPassword"]);
      expect(given.filter((name) => !declared.includes(name) || secure.includes(name))).toEqual([]);
      expect(required.filter((name) => !given.includes(name))).toEqual([]);
      expect(JSON.stringify(file)).not.toMatch(/AccountKey=|password|InstrumentationKey=/i);
    });
  });

  describe("the Function App", () => {
    it("runs Node.js 22 on a Flex Consumption plan as the user-assigned identity", () => {
      const [plan] = ofType("Microsoft.Web/serverfarms");
      const [site] = ofType("Microsoft.Web/sites");
      expect(at(plan?.resource, "sku")).toEqual({ name: "FC1", tier: "FlexConsumption" });
      expect(at(site?.resource, "identity", "type")).toBe("UserAssigned");
      expect(at(site?.resource, "properties", "functionAppConfig", "runtime")).toEqual({ name: "node", version: "22" });
      expect(at(site?.resource, "properties", "functionAppConfig", "deployment", "storage", "authentication")).toEqual({
        type: "UserAssignedIdentity",
        userAssignedIdentityResourceId: "[parameters('identityId')]",
      });
      expect(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "deploymentContainerUrl", "value")).toBe(
        "[reference('hostStorage').outputs.deploymentContainerUrl.value]",
      );
    });

    it("gets every app setting of DESIGN §7, with the identity-based host storage", () => {
      const settings = appSettings();
      const expected = [
        "AZURE_CLIENT_ID", "KEY_VAULT_URL", "PG_AUTH", "PGHOST", "PGDATABASE", "PGUSER", "ARCHIVE_ACCOUNT_URL",
        "ARCHIVE_CONTAINER", "SHAREPOINT_SITE_ID", "SHAREPOINT_DRIVE_ID", "SHAREPOINT_FOLDER", "COLLECT_SCHEDULE",
        "ENTERPRISES", "USER_IDENTITY", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
      ];
      expect(expected.filter((name) => !(name in settings))).toEqual([]);
      expect(settings).toMatchObject({
        PG_AUTH: "entra",
        AZURE_CLIENT_ID: "[reference('identity').clientId]",
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: "[reference('identity').clientId]",
        PGUSER: at(main.resources, "identity", "name"),
        PGHOST: "[reference('postgres').outputs.host.value]",
        KEY_VAULT_URL: "[reference('keyVault').outputs.uri.value]",
        ARCHIVE_ACCOUNT_URL: "[reference('archive').outputs.blobEndpoint.value]",
        APPLICATIONINSIGHTS_CONNECTION_STRING: "[reference('monitoring').outputs.connectionString.value]",
        ENTERPRISES: "[string(parameters('enterprises'))]",
      });
      const [config] = ofType("Microsoft.Web/sites/config");
      expect({ name: config?.resource.name, properties: at(config?.resource, "properties") }).toEqual({
        name: "[format('{0}/{1}', parameters('name'), 'appsettings')]",
        properties: "[parameters('appSettings')]",
      });
    });

    it("sets no host-storage connection string and none of the settings Flex Consumption retired", () => {
      const retired = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD",
        "WEBSITE_TIME_ZONE", "TZ", "GITHUB_TOKEN", "USER_HASH_KEY", "DATABASE_URL"];
      expect(Object.keys(appSettings()).filter((name) => retired.includes(name))).toEqual([]);
    });
  });

  describe("Key Vault and PostgreSQL", () => {
    it("the vault uses RBAC with soft delete and purge protection", () => {
      const [vault] = ofType("Microsoft.KeyVault/vaults");
      expect(at(vault?.resource, "properties")).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
      expect(at(vault?.resource, "properties", "accessPolicies")).toBeUndefined();
    });

    it("PostgreSQL 17 takes Entra tokens, with password sign-in off unless asked for", () => {
      const [server] = ofType("Microsoft.DBforPostgreSQL/flexibleServers");
      expect(at(server?.resource, "properties", "version")).toBe("17");
      expect(at(server?.resource, "properties", "authConfig")).toMatchObject({
        activeDirectoryAuth: "Enabled",
        passwordAuth: "[if(parameters('passwordAuth'), 'Enabled', 'Disabled')]",
      });
      expect(at(main.parameters, "postgresPasswordAuth", "defaultValue")).toBe(false);
      expect(at(moduleNamed(main, "postgres").deployment, "properties", "parameters", "passwordAuth", "value")).toBe("[parameters('postgresPasswordAuth')]");
    });

    it("the Function App's identity is an Entra administrator of the server by default", () => {
      const postgres = moduleNamed(main, "postgres");
      expect(at(main.parameters, "postgresIdentityIsAdministrator", "defaultValue")).toBe(true);
      expect(at(postgres.template.variables, "identityAdministrator")).toBe(
        "[if(parameters('identityIsAdministrator'), createArray(createObject('objectId', parameters('identityPrincipalId'), 'principalName', parameters('identityName'), 'principalType', 'ServicePrincipal')), createArray())]",
      );
      expect(at(postgres.deployment, "properties", "parameters", "identityPrincipalId", "value")).toBe("[reference('identity').principalId]");
      const [admins] = ofType("Microsoft.DBforPostgreSQL/flexibleServers/administrators");
      expect(at(admins?.resource, "copy", "count")).toBe("[length(concat(variables('identityAdministrator'), parameters('entraAdministrators')))]");
    });

    it("the firewall admits Azure services only", () => {
      const rules = ofType("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules").map(({ resource }) => at(resource, "properties"));
      expect(rules).toEqual([{ startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }]);
    });
  });

  describe("alerts", () => {
    const alertRule = z.object({
      name: z.string(),
      severity: z.number(),
      frequency: z.string(),
      window: z.string(),
      query: z.string(),
      measure: z.string().nullable(),
      threshold: z.number(),
    });
    const rules = () => z.array(alertRule).parse(at(moduleNamed(main, "alerts").template.variables, "rules"));
    const rule = (name: string) => {
      const found = rules().find((candidate) => candidate.name === name);
      if (found === undefined) throw new Error(`no alert rule named ${name}`);
      return found;
    };

    it("are five log alert rules on Application Insights, wired to the rule table and the action group", () => {
      expect(rules().map((r) => r.name)).toEqual([
        "run-failed",
        "run-over-2-hours",
        "rate-limit-over-80-percent",
        "publish-failed",
        "no-successful-run-26-hours",
      ]);
      const [alerts] = ofType("Microsoft.Insights/scheduledQueryRules");
      const criterion = at(alerts?.resource, "properties", "criteria", "allOf", 0);
      expect(at(alerts?.resource, "copy", "count")).toBe("[length(variables('rules'))]");
      expect(at(alerts?.resource, "kind")).toBe("LogAlert");
      expect(at(alerts?.resource, "properties", "scopes")).toEqual(["[parameters('appInsightsId')]"]);
      expect(at(alerts?.resource, "properties", "actions", "actionGroups")).toEqual(["[resourceId('Microsoft.Insights/actionGroups', format('ag-{0}', parameters('baseName')))]"]);
      expect(criterion).toMatchObject({
        query: "[variables('rules')[copyIndex()].query]",
        timeAggregation: "[if(equals(variables('rules')[copyIndex()].measure, null()), 'Count', 'Maximum')]",
        metricMeasureColumn: "[variables('rules')[copyIndex()].measure]",
        operator: "GreaterThan",
        threshold: "[variables('rules')[copyIndex()].threshold]",
      });
      expect(at(moduleNamed(main, "alerts").deployment, "properties", "parameters", "appInsightsId", "value")).toBe("[reference('monitoring').outputs.appInsightsId.value]");
    });

    it("mail the addresses given as a parameter", () => {
      const [group] = ofType("Microsoft.Insights/actionGroups");
      expect(at(group?.resource, "properties", "copy", 0, "count")).toBe("[length(parameters('emailReceivers'))]");
      expect(at(moduleNamed(main, "alerts").deployment, "properties", "parameters", "emailReceivers", "value")).toBe("[parameters('alertEmails')]");
    });

    it("fire on a failed run and on failed publishing", () => {
      for (const [name, event] of [["run-failed", telemetryEvents.collectionRunCompleted], ["publish-failed", telemetryEvents.publishCompleted]] as const) {
        const r = rule(name);
        expect({ name, measure: r.measure, threshold: r.threshold }).toEqual({ name, measure: null, threshold: 0 });
        expect(r.query).toContain(`name == "${event}"`);
        expect(r.query).toContain('tostring(customDimensions.status) == "failed"');
      }
    });

    it("fire when a run took over 2 hours", () => {
      const r = rule("run-over-2-hours");
      expect({ measure: r.measure, threshold: r.threshold }).toEqual({ measure: "durationSeconds", threshold: 2 * 60 * 60 });
      expect(r.query).toContain("extend durationSeconds = todouble(customDimensions.durationSeconds)");
    });

    it("fire when a token used over 80% of its rate limit", () => {
      const r = rule("rate-limit-over-80-percent");
      expect({ measure: r.measure, threshold: r.threshold }).toEqual({ measure: "usedPercent", threshold: 80 });
      expect(r.query).toContain(`customMetrics\n| where name == "${telemetryMetrics.rateLimitUsedPercent}"`);
    });

    it("fire when no run succeeded for 26 hours, also when no run happened at all", () => {
      const r = rule("no-successful-run-26-hours");
      expect({ measure: r.measure, threshold: r.threshold, window: r.window }).toEqual({ measure: null, threshold: 0, window: "P2D" });
      expect(r.query).toContain('tostring(customDimensions.status) == "succeeded"');
      expect(r.query).toContain("isnull(lastSuccess) or lastSuccess < ago(26h)");
    });

    it("query only event and metric names that src/telemetry/names.ts defines, each in its own table", () => {
      const events: string[] = Object.values(telemetryEvents);
      const metrics: string[] = Object.values(telemetryMetrics);
      for (const r of rules()) {
        const names = [...r.query.matchAll(/\bname\s*==\s*"([^"]+)"/g)].map((match) => match[1] ?? "");
        expect({ rule: r.name, someName: names.length > 0 }).toEqual({ rule: r.name, someName: true });
        for (const name of names) {
          const table = events.includes(name) ? "customEvents" : metrics.includes(name) ? "customMetrics" : "not in names.ts";
          expect({ rule: r.name, name, table }).toEqual({ rule: r.name, name, table: r.query.includes("customMetrics") ? "customMetrics" : "customEvents" });
        }
        expect({ rule: r.name, otherNameFilters: r.query.match(/\bname\s+(in|has|contains|startswith)\b/g) ?? [] }).toEqual({ rule: r.name, otherNameFilters: [] });
      }
    });
  });

  it("outputs the Function App name, the identity's client and principal ids and the PostgreSQL host", () => {
    expect(main.outputs).toMatchObject({
      functionAppName: { value: "[reference('functionApp').outputs.name.value]" },
      identityClientId: { value: "[reference('identity').clientId]" },
      identityPrincipalId: { value: "[reference('identity').principalId]" },
      postgresHost: { value: "[reference('postgres').outputs.host.value]" },
    });
  });
});

/** A role assignment as (module, scope resource type, role id), one per element of a copy loop. */
function describeRoleAssignment({ module, resource, template }: PlacedResource): Array<{ module: string; scope: string; roleId: string }> {
  const roleDefinitionId = String(at(resource, "properties", "roleDefinitionId"));
  const roleMatch = /^\[subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (variables\('(\w+)'\)(\[copyIndex\(\)\])?)\)\]$/.exec(roleDefinitionId);
  const scope = String(at(resource, "scope"));
  const scopeMatch = /^\[(resourceId\('([^']+)'.*\))\]$/.exec(scope);
  if (roleMatch === null || scopeMatch === null) {
    throw new Error(`Unrecognised role assignment in ${module}: roleDefinitionId ${roleDefinitionId}, scope ${scope}; teach this test its form.`);
  }
  const [, roleExpression = "", variable = "", inLoop] = roleMatch;
  const [, scopeExpression = "", scopeType = ""] = scopeMatch;
  const value = template.variables[variable];
  const roleIds = inLoop === undefined ? [value] : value;
  if (inLoop !== undefined) expect(at(resource, "copy", "count")).toBe(`[length(variables('${variable}'))]`);
  // guid(scope, principalId, roleId): stable across redeployments, distinct per scope and role.
  expect(resource.name).toBe(`[guid(${scopeExpression}, parameters('principalId'), ${roleExpression})]`);
  expect(at(resource, "properties", "principalId")).toBe("[parameters('principalId')]");
  expect(at(resource, "properties", "principalType")).toBe("ServicePrincipal");
  return z.array(z.string()).parse(roleIds).map((roleId) => ({ module, scope: scopeType, roleId }));
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
