// infra/main.bicep compiled and linted by the pinned Bicep CLI, and contract tests on the ARM JSON
// it compiles to, evaluated for given parameters (tests/infra/arm-expression.ts): least-privilege
// roles, no secrets, the app settings, the private network, diagnostics, and the alerts on the
// telemetry names the code emits.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import telemetryNames from "../../src/telemetry/telemetry-names.json" with { type: "json" };
import { telemetryEvents, telemetryMetrics } from "../../src/telemetry/names.js";
import { evaluate, moduleScope, type Scope } from "./arm-expression.js";
import {
  allResources,
  at,
  diagnostics,
  locateBicep,
  moduleNamed,
  parseTemplate,
  repoRoot,
  runBicepAsync,
  type ArmTemplate,
  type BicepRun,
  type PlacedResource,
} from "../support/bicep.js";

const infraDir = join(repoRoot, "infra");
const bicepFiles = ["main.bicep", ...readdirSync(join(infraDir, "modules")).map((file) => `modules/${file}`)].filter((file) =>
  file.endsWith(".bicep"),
);

const role = {
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
};

// What infra/main.bicepparam reads from the environment (azd's, or the shell's).
const deployEnv = {
  ENTERPRISES: '[{"slug":"contoso","orgs":["contoso-web"],"tokenSecret":"github-token-contoso"}]',
  SHAREPOINT_SITE_ID: "contoso.sharepoint.com,11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222",
  SHAREPOINT_DRIVE_ID: "b!drive",
  ALERT_EMAILS: "ops@contoso.com,lead@contoso.com",
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

  // The parameters file compiled and linted with the private network on and off.
  let paramRuns: Record<"on" | "off", { build: BicepRun; lint: BicepRun }>;

  // Six compilations in parallel; on a loaded machine one takes up to a minute.
  beforeAll(async () => {
    if (!bicep.found) return;
    const env = (vnet: "on" | "off") => ({ ...deployEnv, VNET_ENABLED: vnet === "on" ? "true" : "false" });
    const [built, linted, onBuild, onLint, offBuild, offLint] = await Promise.all([
      runBicepAsync(bicep.path, ["build", "infra/main.bicep", "--stdout"]),
      runBicepAsync(bicep.path, ["lint", "infra/main.bicep"]),
      runBicepAsync(bicep.path, ["build-params", "infra/main.bicepparam", "--stdout"], env("on")),
      runBicepAsync(bicep.path, ["lint", "infra/main.bicepparam"], env("on")),
      runBicepAsync(bicep.path, ["build-params", "infra/main.bicepparam", "--stdout"], env("off")),
      runBicepAsync(bicep.path, ["lint", "infra/main.bicepparam"], env("off")),
    ]);
    build = built;
    lint = linted;
    paramRuns = { on: { build: onBuild, lint: onLint }, off: { build: offBuild, lint: offLint } };
    // A failed build fails its own test below; the contract tests then fail on the empty template
    // rather than the whole file erroring out here.
    compiledText = build.stdout;
    main = parseTemplate(build.status === 0 ? JSON.parse(build.stdout) : { resources: [] });
    resources = allResources(main);
  }, 600_000);

  const ofType = (type: string) => resources.filter((placed) => placed.resource.type === type);
  /** The parameter values infra/main.bicepparam gives for deployEnv. */
  const deployParameters = (vnet: "on" | "off"): Record<string, unknown> => {
    const compiled = z.object({ parametersJson: z.string() }).parse(JSON.parse(paramRuns[vnet].build.stdout));
    const file = z
      .object({ parameters: z.record(z.string(), z.object({ value: z.unknown() })) })
      .parse(JSON.parse(compiled.parametersJson));
    return Object.fromEntries(Object.entries(file.parameters).map(([name, { value }]) => [name, value]));
  };
  const mainScope = (vnet: "on" | "off"): Scope => ({ template: main, parameters: deployParameters(vnet) });
  const moduleOf = (vnet: "on" | "off", symbol: string): Scope => moduleScope(moduleNamed(main, symbol).deployment, mainScope(vnet));
  /** A resource of a module as deployed: its properties and condition evaluated. */
  const deployed = (vnet: "on" | "off", module: string, type: string) => {
    const scope = moduleOf(vnet, module);
    const found = allResources(scope.template).filter(({ resource, module: nested }) => nested === "" && resource.type === type);
    // A resource loop deploys one copy per index.
    return found.flatMap(({ resource }) => {
      const count = "copy" in resource ? Number(evaluate(at(resource, "copy", "count"), scope)) : undefined;
      return (count === undefined ? [undefined] : Array.from({ length: count }, (_, i) => i)).map((copyIndex) => {
        const at_ = copyIndex === undefined ? scope : { ...scope, copyIndex };
        return {
          deployed: !("condition" in resource) || evaluate(resource["condition"], at_) === true,
          properties: evaluate(resource.properties, at_),
        };
      });
    });
  };
  const appSettings = () =>
    z
      .record(z.string(), z.unknown())
      .parse(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "appSettings", "value"));

  it("builds with no error and no warning", () => {
    expect({ status: build.status, diagnostics: diagnostics(build.stderr) }).toEqual({ status: 0, diagnostics: [] });
  });

  it("lints with no error and no warning", () => {
    expect({ status: lint.status, stdout: lint.stdout.trim(), stderr: lint.stderr.trim() }).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("builds and lints the parameters file with no warning, the private network on and off", () => {
    for (const vnet of ["on", "off"] as const) {
      const { build: params, lint: paramsLint } = paramRuns[vnet];
      expect({ vnet, status: params.status, diagnostics: diagnostics(params.stderr) }).toEqual({ vnet, status: 0, diagnostics: [] });
      expect({ vnet, status: paramsLint.status, out: `${paramsLint.stdout}${paramsLint.stderr}`.trim() }).toEqual({
        vnet,
        status: 0,
        out: "",
      });
      expect(deployParameters(vnet)["vnetEnabled"]).toBe(vnet === "on");
    }
  });

  describe("role assignments", () => {
    it("grant the identity exactly the narrowest roles, each on its own resource", () => {
      const granted = ofType("Microsoft.Authorization/roleAssignments").flatMap(describeRoleAssignment).sort(byJson);
      expect(granted).toEqual(
        [
          {
            module: "archive",
            scope: "Microsoft.Storage/storageAccounts/blobServices/containers",
            roleId: role.storageBlobDataContributor,
          },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageBlobDataContributor },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageQueueDataContributor },
          { module: "hostStorage", scope: "Microsoft.Storage/storageAccounts", roleId: role.storageTableDataContributor },
          { module: "keyVault", scope: "Microsoft.KeyVault/vaults", roleId: role.keyVaultSecretsUser },
          { module: "monitoring", scope: "Microsoft.Insights/components", roleId: role.monitoringMetricsPublisher },
        ].sort(byJson),
      );
    });

    it("are given to the Function App's user-assigned identity", () => {
      for (const module of ["archive", "hostStorage", "keyVault", "monitoring"]) {
        expect(at(moduleNamed(main, module).deployment, "properties", "parameters", "principalId", "value")).toBe(
          "[reference('identity').principalId]",
        );
      }
      expect(at(main.resources, "identity", "type")).toBe("Microsoft.ManagedIdentity/userAssignedIdentities");
      expect(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "identityId", "value")).toBe(
        "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', format('id-{0}-{1}', parameters('baseName'), variables('token')))]",
      );
    });

    it("never name a broader role such as Owner, Contributor or a data Owner", () => {
      const named = Object.entries(broadRoles)
        .filter(([, id]) => compiledText.toLowerCase().includes(id))
        .map(([name]) => name);
      expect(named).toEqual([]);
    });
  });

  describe("secrets", () => {
    it("no account key, connection-string listing or password literal appears in the template", () => {
      const found = [
        /list(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets|Credentials)\s*\(/i,
        /AccountKey=/i,
        /SharedAccessSignature/i,
        /SharedAccessKey=/i,
      ]
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
      const given = Object.keys(deployParameters("off")).sort();
      const declared = Object.keys(main.parameters);
      const secure = Object.entries(main.parameters)
        .filter(([, p]) => /^secure/i.test(p.type))
        .map(([name]) => name);
      const required = Object.entries(main.parameters)
        .filter(([, p]) => !("defaultValue" in p))
        .map(([name]) => name);
      expect(secure).toEqual(["postgresAdministratorPassword"]);
      expect(given.filter((name) => !declared.includes(name) || secure.includes(name))).toEqual([]);
      expect(required.filter((name) => !given.includes(name))).toEqual([]);
      expect(readFileSync(join(infraDir, "main.bicepparam"), "utf8")).not.toMatch(/AccountKey=|password|InstrumentationKey=/i);
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

    it("gets every app setting the app reads, with the identity-based host storage", () => {
      const settings = appSettings();
      const expected = [
        "AZURE_CLIENT_ID",
        "KEY_VAULT_URL",
        "PG_AUTH",
        "PGHOST",
        "PGDATABASE",
        "PGUSER",
        "ARCHIVE_ACCOUNT_URL",
        "ARCHIVE_CONTAINER",
        "SHAREPOINT_SITE_ID",
        "SHAREPOINT_DRIVE_ID",
        "SHAREPOINT_FOLDER",
        "COLLECT_SCHEDULE",
        "ENTERPRISES",
        "USER_IDENTITY",
        "BILLING_USAGE_ORGS",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
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
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "[format('ClientId={0};Authorization=AAD', reference('identity').clientId)]",
        ENTERPRISES: "[string(parameters('enterprises'))]",
        BILLING_USAGE_ORGS: "[parameters('billingUsageOrgs')]",
      });
      const [config] = ofType("Microsoft.Web/sites/config");
      expect({ name: config?.resource.name, properties: at(config?.resource, "properties") }).toEqual({
        name: "[format('{0}/{1}', parameters('name'), 'appsettings')]",
        properties: "[union(parameters('extraAppSettings'), parameters('appSettings'))]",
      });
    });

    it("keeps the extra app settings passed to it beside its own, its own winning a clash", () => {
      const scope = moduleOf("off", "functionApp");
      const own = z.record(z.string(), z.string()).parse(scope.parameters["appSettings"]);
      const extra = { BACKFILL_DAYS: "60", DORA_ENVIRONMENTS: "production,prod", PGHOST: "elsewhere.example" };
      const [config] = allResources(scope.template).filter(({ resource }) => resource.type === "Microsoft.Web/sites/config");
      const merged = evaluate(at(config?.resource, "properties"), {
        ...scope,
        parameters: { ...scope.parameters, extraAppSettings: extra },
      });
      expect(merged).toEqual({ ...own, BACKFILL_DAYS: "60", DORA_ENVIRONMENTS: "production,prod" });
      expect(at(merged, "PGHOST")).toBe("reference(postgres).outputs.host.value");
      // The parameters file passes EXTRA_APP_SETTINGS through.
      expect(at(main.parameters, "extraAppSettings", "defaultValue")).toEqual({});
      expect(at(moduleNamed(main, "functionApp").deployment, "properties", "parameters", "extraAppSettings", "value")).toBe(
        "[parameters('extraAppSettings')]",
      );
    });

    it("is tagged with the service name azure.yaml deploys to, and may scale to 40 instances, which every region accepts", () => {
      const yaml = readFileSync(join(repoRoot, "azure.yaml"), "utf8");
      const service = /^ {2}(\w+):\n {4}project: \.$/m.exec(yaml)?.[1];
      expect(service).toBe(at(main.variables, "serviceName"));
      const [site] = deployed("off", "functionApp", "Microsoft.Web/sites");
      expect(at(site?.properties, "functionAppConfig", "scaleAndConcurrency", "maximumInstanceCount")).toBe(40);
      const tags = evaluate(
        at(
          allResources(moduleOf("off", "functionApp").template).find(({ resource }) => resource.type === "Microsoft.Web/sites")?.resource,
          "tags",
        ),
        moduleOf("off", "functionApp"),
      );
      expect(at(tags, "azd-service-name")).toBe("collector");
    });

    it("sets no host-storage connection string and none of the settings Flex Consumption retired", () => {
      const retired = [
        "AzureWebJobsStorage",
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "ENABLE_ORYX_BUILD",
        "WEBSITE_TIME_ZONE",
        "TZ",
        "GITHUB_TOKEN",
        "USER_HASH_KEY",
        "DATABASE_URL",
      ];
      expect(Object.keys(appSettings()).filter((name) => retired.includes(name))).toEqual([]);
    });
  });

  describe("Key Vault and PostgreSQL", () => {
    it("the vault uses RBAC with soft delete and purge protection", () => {
      const [vault] = ofType("Microsoft.KeyVault/vaults");
      expect(at(vault?.resource, "properties")).toMatchObject({
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      });
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
      expect(at(moduleNamed(main, "postgres").deployment, "properties", "parameters", "passwordAuth", "value")).toBe(
        "[parameters('postgresPasswordAuth')]",
      );
    });

    it("the Function App's identity is not an administrator by default; whoever deploys is", () => {
      const admins = deployed("off", "postgres", "Microsoft.DBforPostgreSQL/flexibleServers/administrators");
      expect(at(main.parameters, "postgresIdentityIsAdministrator", "defaultValue")).toBe(false);
      expect(admins.map(({ properties }) => at(properties, "principalName"))).toEqual(["deployer().userPrincipalName"]);
      const scope = moduleOf("off", "postgres");
      expect(evaluate("[concat(variables('identityAdministrator'), parameters('entraAdministrators'))]", scope)).toEqual([
        { objectId: "deployer().objectId", principalName: "deployer().userPrincipalName", principalType: "User" },
      ]);
    });

    it("the firewall admits Azure services only, and only without the private network", () => {
      const rules = (vnet: "on" | "off") => deployed(vnet, "postgres", "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
      expect(rules("off")).toEqual([{ deployed: true, properties: { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" } }]);
      expect(rules("on").map((rule) => rule.deployed)).toEqual([false]);
    });
  });

  describe("the private network", () => {
    const services = [
      { module: "postgres", type: "Microsoft.DBforPostgreSQL/flexibleServers", path: ["network", "publicNetworkAccess"] },
      { module: "keyVault", type: "Microsoft.KeyVault/vaults", path: ["publicNetworkAccess"] },
      { module: "hostStorage", type: "Microsoft.Storage/storageAccounts", path: ["publicNetworkAccess"] },
      { module: "archive", type: "Microsoft.Storage/storageAccounts", path: ["publicNetworkAccess"] },
    ];

    it("turns public network access off on PostgreSQL, Key Vault and both storage accounts when enabled", () => {
      const access = (vnet: "on" | "off") =>
        services.map(({ module, type, path }) => ({ module, access: at(deployed(vnet, module, type)[0]?.properties, ...path) }));
      expect(access("on")).toEqual(services.map(({ module }) => ({ module, access: "Disabled" })));
      expect(access("off")).toEqual(services.map(({ module }) => ({ module, access: "Enabled" })));
    });

    it("gives every service a private endpoint in the network, registered in its private DNS zone", () => {
      const endpoints = (vnet: "on" | "off") =>
        z
          .array(z.object({ serviceId: z.string(), groupId: z.string(), zone: z.string() }))
          .parse(evaluate(main.variables["privateEndpoints"], mainScope(vnet)));
      expect(endpoints("off")).toEqual([]);
      const resourceIdOf = (type: string, name: string) =>
        `resourceId(${type}, ${String(evaluate(`[variables('${name}')]`, mainScope("on")))})`;
      expect(endpoints("on").map(({ serviceId, groupId, zone }) => ({ serviceId, groupId, zone }))).toEqual([
        { serviceId: resourceIdOf("Microsoft.Storage/storageAccounts", "hostStorageName"), groupId: "blob", zone: "blob" },
        { serviceId: resourceIdOf("Microsoft.Storage/storageAccounts", "hostStorageName"), groupId: "queue", zone: "queue" },
        { serviceId: resourceIdOf("Microsoft.Storage/storageAccounts", "hostStorageName"), groupId: "table", zone: "table" },
        { serviceId: resourceIdOf("Microsoft.Storage/storageAccounts", "archiveStorageName"), groupId: "blob", zone: "blob" },
        { serviceId: resourceIdOf("Microsoft.KeyVault/vaults", "keyVaultName"), groupId: "vault", zone: "vault" },
        {
          serviceId: resourceIdOf("Microsoft.DBforPostgreSQL/flexibleServers", "postgresName"),
          groupId: "postgresqlServer",
          zone: "postgres",
        },
      ]);
      // Each is the module that creates the endpoint and its DNS zone group, in the network's subnet.
      const [endpoint] = ofType("Microsoft.Network/privateEndpoints");
      expect(at(endpoint?.resource, "properties", "privateLinkServiceConnections", 0, "properties")).toEqual({
        privateLinkServiceId: "[parameters('serviceId')]",
        groupIds: ["[parameters('groupId')]"],
      });
      expect(at(moduleNamed(main, "endpoints").deployment, "properties", "parameters", "dnsZoneId", "value")).toBe(
        "[reference('network').outputs.zoneIds.value[variables('privateEndpoints')[copyIndex()].zone]]",
      );
      const zones = evaluate(at(moduleNamed(main, "network").template.variables, "zoneNames"), moduleOf("on", "network"));
      expect(Object.keys(z.record(z.string(), z.string()).parse(zones)).sort()).toEqual(["blob", "postgres", "queue", "table", "vault"]);
    });

    it("joins the Function App to the network's delegated subnet only when enabled", () => {
      const subnet = (vnet: "on" | "off") =>
        at(deployed(vnet, "functionApp", "Microsoft.Web/sites")[0]?.properties, "virtualNetworkSubnetId");
      expect([subnet("on"), subnet("off")]).toEqual(["reference(network).outputs.appSubnetId.value", null]);
      expect(at(main.resources, "network", "condition")).toBe("[parameters('vnetEnabled')]");
      const [network] = ofType("Microsoft.Network/virtualNetworks");
      expect(at(network?.resource, "properties", "subnets", 0, "properties", "delegations", 0, "properties", "serviceName")).toBe(
        "Microsoft.App/environments",
      );
    });
  });

  describe("monitoring", () => {
    it("Application Insights accepts no telemetry without an Entra token", () => {
      const [component] = deployed("off", "monitoring", "Microsoft.Insights/components");
      expect(at(component?.properties, "DisableLocalAuth")).toBe(true);
    });

    it("the workspace has a daily cap, 1 GB unless set", () => {
      const [workspace] = deployed("off", "monitoring", "Microsoft.OperationalInsights/workspaces");
      expect(at(workspace?.properties, "workspaceCapping")).toEqual({ dailyQuotaGb: 1 });
    });

    it("Key Vault, PostgreSQL and both storage accounts send their logs to the workspace", () => {
      const settings = ofType("Microsoft.Insights/diagnosticSettings").map(({ module, resource }) => ({
        module,
        workspaceId: at(resource, "properties", "workspaceId"),
        logs: at(resource, "properties", "logs"),
      }));
      expect(settings.sort(byJson)).toEqual(
        [
          {
            module: "hostStorage",
            workspaceId: "[parameters('workspaceId')]",
            logs: [
              { category: "StorageWrite", enabled: true },
              { category: "StorageDelete", enabled: true },
            ],
          },
          { module: "archive", workspaceId: "[parameters('workspaceId')]", logs: [{ categoryGroup: "allLogs", enabled: true }] },
          { module: "keyVault", workspaceId: "[parameters('workspaceId')]", logs: [{ categoryGroup: "audit", enabled: true }] },
          { module: "postgres", workspaceId: "[parameters('workspaceId')]", logs: [{ category: "PostgreSQLLogs", enabled: true }] },
        ].sort(byJson),
      );
      for (const module of ["hostStorage", "archive", "keyVault", "postgres"]) {
        expect(at(moduleNamed(main, module).deployment, "properties", "parameters", "workspaceId", "value")).toBe(
          "[reference('monitoring').outputs.workspaceId.value]",
        );
      }
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
      dimensions: z.array(z.string()),
    });
    // The rule table as deployed: Bicep's string interpolation compiles to format(), evaluated here.
    const rules = () =>
      z.array(alertRule).parse(evaluate(moduleNamed(main, "alerts").template.variables["rules"], moduleOf("off", "alerts")));
    const rule = (name: string) => {
      const found = rules().find((candidate) => candidate.name === name);
      if (found === undefined) throw new Error(`no alert rule named ${name}`);
      return found;
    };
    const dim = telemetryNames.dimensions;

    it("are log alert rules on Application Insights for every failure, wired to the rule table and the action group", () => {
      expect(rules().map((r) => r.name)).toEqual([
        "run-failed",
        "run-partial",
        "unit-failed",
        "activity-crashed",
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
      expect(at(alerts?.resource, "properties", "actions", "actionGroups")).toEqual([
        "[resourceId('Microsoft.Insights/actionGroups', format('ag-{0}', parameters('baseName')))]",
      ]);
      expect(criterion).toMatchObject({
        query: "[variables('rules')[copyIndex()].query]",
        timeAggregation: "[if(equals(variables('rules')[copyIndex()].measure, null()), 'Count', 'Maximum')]",
        metricMeasureColumn: "[variables('rules')[copyIndex()].measure]",
        operator: "GreaterThan",
        threshold: "[variables('rules')[copyIndex()].threshold]",
      });
      expect(at(criterion, "copy", 0, "input")).toEqual({
        name: "[variables('rules')[copyIndex()].dimensions[copyIndex('dimensions')]]",
        operator: "Include",
        values: ["*"],
      });
      expect(at(moduleNamed(main, "alerts").deployment, "properties", "parameters", "appInsightsId", "value")).toBe(
        "[reference('monitoring').outputs.appInsightsId.value]",
      );
    });

    it("mail the addresses given as a parameter", () => {
      const [group] = ofType("Microsoft.Insights/actionGroups");
      expect(at(group?.resource, "properties", "copy", 0, "count")).toBe("[length(parameters('emailReceivers'))]");
      expect(at(moduleNamed(main, "alerts").deployment, "properties", "parameters", "emailReceivers", "value")).toBe(
        "[parameters('alertEmails')]",
      );
    });

    it("every log rule splits by the run id, read from the dimension the code sends it under", () => {
      for (const r of rules()) {
        expect({ rule: r.name, first: r.dimensions[0] }).toEqual({ rule: r.name, first: "runId" });
        expect({ rule: r.name, runId: r.query.includes(`runId = tostring(customDimensions.${dim.runId})`) }).toEqual({
          rule: r.name,
          runId: true,
        });
        // Every other dimension is a column the query makes.
        for (const column of r.dimensions.slice(1))
          expect({ rule: r.name, column, made: r.query.includes(`${column} = `) }).toEqual({ rule: r.name, column, made: true });
      }
    });

    it("fire on a failed run, a partial run and failed publishing", () => {
      const cases = [
        ["run-failed", telemetryEvents.collectionRunCompleted, telemetryNames.runStatuses.failed],
        ["run-partial", telemetryEvents.collectionRunCompleted, telemetryNames.runStatuses.partial],
        ["publish-failed", telemetryEvents.publishCompleted, telemetryNames.publishStatuses.failed],
      ] as const;
      for (const [name, event, status] of cases) {
        const r = rule(name);
        expect({ name, measure: r.measure, threshold: r.threshold }).toEqual({ name, measure: null, threshold: 0 });
        expect(r.query).toContain(
          `customEvents | where name == "${event}" | where tostring(customDimensions.${dim.status}) == "${status}"`,
        );
      }
      expect(rule("publish-failed").dimensions).toEqual(["runId", "dataset"]);
    });

    it("fire on every UnitFailed event, by error class, and on an exception an activity threw outside a unit", () => {
      const unit = rule("unit-failed");
      expect(unit.query).toContain(`customEvents | where name == "${telemetryEvents.unitFailed}"`);
      expect(unit.dimensions).toEqual(["runId", "errorClass"]);
      expect(unit.query).toContain(`errorClass = tostring(customDimensions.${dim.errorClass})`);
      const crashed = rule("activity-crashed");
      expect(crashed.query).toContain(`exceptions | where isempty(tostring(customDimensions.${dim.unit}))`);
    });

    it("fire when a run took over 2 hours", () => {
      const r = rule("run-over-2-hours");
      expect({ measure: r.measure, threshold: r.threshold }).toEqual({ measure: "durationSeconds", threshold: 2 * 60 * 60 });
      expect(r.query).toContain(`extend durationSeconds = todouble(customDimensions.${dim.durationSeconds})`);
    });

    it("fire when a token used over 80% of its rate limit, per enterprise", () => {
      const r = rule("rate-limit-over-80-percent");
      expect({ measure: r.measure, threshold: r.threshold, dimensions: r.dimensions }).toEqual({
        measure: "usedPercent",
        threshold: 80,
        dimensions: ["runId", "enterprise"],
      });
      expect(r.query).toContain(`customMetrics | where name == "${telemetryMetrics.rateLimitUsedPercent}"`);
      expect(r.query).toContain(`enterprise = tostring(customDimensions.${dim.enterprise})`);
    });

    it("fire when no run succeeded for 26 hours, also when no run happened at all, naming the last run", () => {
      const r = rule("no-successful-run-26-hours");
      expect({ measure: r.measure, threshold: r.threshold, window: r.window }).toEqual({ measure: null, threshold: 0, window: "P2D" });
      expect(r.query).toContain(`tostring(customDimensions.${dim.status}) == "${telemetryNames.runStatuses.succeeded}"`);
      expect(r.query).toContain("isnull(lastSuccess) or lastSuccess < ago(26h)");
      expect(r.query).toContain('runId = iff(isempty(lastRun), "none", lastRun)');
    });

    it("query only event, metric and dimension names that src/telemetry/telemetry-names.json defines, each in its own table", () => {
      const events: string[] = Object.values(telemetryEvents);
      const metrics: string[] = Object.values(telemetryMetrics);
      const dimensions: string[] = Object.values(dim);
      for (const r of rules()) {
        const names = [...r.query.matchAll(/\bname\s*==\s*"([^"]+)"/g)].map((match) => match[1] ?? "");
        const table = r.query.startsWith("exceptions")
          ? "exceptions"
          : r.query.includes("customMetrics")
            ? "customMetrics"
            : "customEvents";
        if (table !== "exceptions") expect({ rule: r.name, someName: names.length > 0 }).toEqual({ rule: r.name, someName: true });
        for (const name of names) {
          const declared = events.includes(name)
            ? "customEvents"
            : metrics.includes(name)
              ? "customMetrics"
              : "not in telemetry-names.json";
          expect({ rule: r.name, name, table: declared }).toEqual({ rule: r.name, name, table });
        }
        const used = [...r.query.matchAll(/customDimensions\.(\w+)/g)].map((match) => match[1] ?? "");
        expect({ rule: r.name, unknown: used.filter((key) => !dimensions.includes(key)) }).toEqual({ rule: r.name, unknown: [] });
        expect({ rule: r.name, otherNameFilters: r.query.match(/\bname\s+(in|has|contains|startswith)\b/g) ?? [] }).toEqual({
          rule: r.name,
          otherNameFilters: [],
        });
      }
    });

    it("watch PostgreSQL's storage, failed connections and connections near the SKU's limit", () => {
      const scope = moduleOf("off", "alerts");
      const postgresRules = z
        .array(z.object({ name: z.string(), metric: z.string(), aggregation: z.string(), threshold: z.number() }))
        .parse(evaluate(scope.template.variables["postgresRules"], scope));
      expect(postgresRules.map(({ name, metric, aggregation, threshold }) => ({ name, metric, aggregation, threshold }))).toEqual([
        { name: "postgres-storage-over-80-percent", metric: "storage_percent", aggregation: "Average", threshold: 80 },
        { name: "postgres-connections-failed", metric: "connections_failed", aggregation: "Total", threshold: 3 },
        { name: "postgres-connections-near-limit", metric: "active_connections", aggregation: "Maximum", threshold: 30 },
      ]);
      const metricAlerts = ofType("Microsoft.Insights/metricAlerts").map(({ resource }) => at(resource, "properties", "scopes"));
      expect(metricAlerts).toEqual([
        ["[parameters('postgresId')]"],
        [
          "[resourceId('Microsoft.Insights/webtests', format('webtest-{0}-live', parameters('baseName')))]",
          "[parameters('appInsightsId')]",
        ],
      ]);
      expect(at(moduleNamed(main, "alerts").deployment, "properties", "parameters", "postgresId", "value")).toBe(
        "[reference('postgres').outputs.id.value]",
      );
    });

    it("probe the anonymous /api/live from three locations, and alert when two fail", () => {
      const [test] = ofType("Microsoft.Insights/webtests");
      const scope = moduleOf("off", "alerts");
      expect(evaluate(at(test?.resource, "properties", "Request"), scope)).toEqual({
        RequestUrl: "https://reference(functionApp).outputs.defaultHostName.value/api/live",
        HttpVerb: "GET",
      });
      expect(at(test?.resource, "properties", "Locations")).toHaveLength(3);
      const alert = ofType("Microsoft.Insights/metricAlerts").find(({ resource }) => String(at(resource, "name")).includes("liveness"));
      expect(at(alert?.resource, "properties", "criteria", "failedLocationCount")).toBe(2);
    });
  });

  it("outputs, under the names azd stores them by, what the post-provision step reads", () => {
    const script = readFileSync(join(repoRoot, "scripts", "postprovision.ts"), "utf8");
    const read = [...script.matchAll(/output\("([A-Z_]+)"\)/g)].map((match) => match[1] ?? "");
    expect(read.length).toBeGreaterThan(5);
    expect(read.filter((name) => !(name in main.outputs))).toEqual([]);
    expect(main.outputs).toMatchObject({
      FUNCTION_APP_NAME: { value: "[reference('functionApp').outputs.name.value]" },
      IDENTITY_CLIENT_ID: { value: "[reference('identity').clientId]" },
      IDENTITY_PRINCIPAL_ID: { value: "[reference('identity').principalId]" },
      POSTGRES_HOST: { value: "[reference('postgres').outputs.host.value]" },
    });
  });
});

/** A role assignment as (module, scope resource type, role id), one per element of a copy loop. */
function describeRoleAssignment({ module, resource, template }: PlacedResource): Array<{ module: string; scope: string; roleId: string }> {
  const roleDefinitionId = String(at(resource, "properties", "roleDefinitionId"));
  const roleMatch =
    /^\[subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (variables\('(\w+)'\)(\[copyIndex\(\)\])?)\)\]$/.exec(
      roleDefinitionId,
    );
  const scope = String(at(resource, "scope"));
  const scopeMatch = /^\[(resourceId\('([^']+)'.*\))\]$/.exec(scope);
  if (roleMatch === null || scopeMatch === null) {
    throw new Error(
      `Unrecognised role assignment in ${module}: roleDefinitionId ${roleDefinitionId}, scope ${scope}; teach this test its form.`,
    );
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
  return z
    .array(z.string())
    .parse(roleIds)
    .map((roleId) => ({ module, scope: scopeType, roleId }));
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
