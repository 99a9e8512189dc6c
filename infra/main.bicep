// GitHub Metrics Collector: everything one deployment needs in one resource group. The Function
// App runs as a user-assigned identity that reaches storage, Key Vault, PostgreSQL and Application
// Insights with Entra tokens; no account key, password or secret value is in this template or its
// parameters. What ARM cannot do (the identity's PostgreSQL role, Key Vault secret values, Graph
// Sites.Selected) is scripts/postprovision.ts, which azd runs after provisioning.
//
//   azd up                                                       (azure.yaml)
//   az deployment group create -g <rg> -p infra/main.bicepparam  (then scripts/postprovision.ts)

targetScope = 'resourceGroup'

import { entraAdministrator } from 'modules/postgres.bicep'

@description('One GitHub enterprise to collect (the app setting ENTERPRISES is a JSON array of these).')
type enterpriseConfig = {
  @description('Enterprise slug, as in https://github.com/enterprises/<slug>.')
  slug: string
  @description('Organizations under the enterprise to collect.')
  orgs: string[]
  @description('Name of the Key Vault secret that holds this enterprise\'s GitHub token.')
  tokenSecret: string
}

@description('Short name in every resource name: 3-11 lowercase letters and digits (storage account names allow nothing else).')
@minLength(3)
@maxLength(11)
param baseName string = 'ghmetrics'

@description('azd environment name (AZURE_ENV_NAME), tagged on every resource as azd-env-name; empty outside azd.')
param environmentName string = ''

param location string = resourceGroup().location

param tags object = {}

@description('Private network: VNet integration for the Function App, private endpoints for PostgreSQL, Key Vault and both storage accounts, and public network access off on all four. Off by default (infra/README.md says what is then exposed).')
param vnetEnabled bool = false

@description('Address space of the private network (vnetEnabled).')
param vnetAddressPrefix string = '10.20.0.0/16'

@description('Enterprises and organizations to collect, each naming the Key Vault secret of its token.')
@minLength(1)
param enterprises enterpriseConfig[]

@description('GitHub REST base URL (GHE.com data residency: https://api.SUBDOMAIN.ghe.com).')
param githubApiUrl string = 'https://api.github.com'

@description('SharePoint site id (host,site-collection-id,web-id) the CSV datasets are published to.')
param sharePointSiteId string

@description('Document library (drive) id in that site.')
param sharePointDriveId string

@description('Folder in the library that holds the datasets.')
param sharePointFolder string = 'Copilot Metrics'

@description('NCRONTAB (UTC, seconds first) of the daily collection.')
param collectSchedule string = '0 0 6 * * *'

@description('How people appear in user-level exports. "hashed" reads the Key Vault secret user-hash-key.')
@allowed(['login', 'id', 'hashed', 'none'])
param userIdentity string = 'login'

@description('Comma-separated organizations whose own Copilot billing usage (AI credits, premium requests before 2026-06-01) is read, in total and per person, beside their enterprise\'s. Empty: enterprises only.')
param billingUsageOrgs string = ''

@description('Blob container of the raw report archive.')
param archiveContainerName string = 'copilot-reports'

@description('E-mail addresses that receive the alerts.')
@minLength(1)
param alertEmails string[]

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Daily ingestion cap of the Log Analytics workspace in GB (-1: none). The collector sends a few MB a day; the cap only stops a runaway. Past it, nothing is ingested until 00:00 UTC and the log alerts are blind.')
@minValue(-1)
param logDailyCapGb int = 1

@description('Further app settings (BACKFILL_DAYS, DORA_ENVIRONMENTS, …), merged with the template\'s own. Every deployment replaces the whole set: a setting added by hand in the portal survives only when it is listed here.')
param extraAppSettings { *: string } = {}

param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@minValue(32)
param postgresStorageSizeGB int = 32

param postgresDatabaseName string = 'metrics'

@description('Make the Function App\'s identity a PostgreSQL Entra administrator. Off: scripts/postprovision.ts gives it a role bound to its object id, with rights on the collector\'s database only.')
param postgresIdentityIsAdministrator bool = false

@description('People or groups who administer the database with their Entra accounts. One of them runs scripts/postprovision.ts.')
param postgresEntraAdministrators entraAdministrator[] = []

@description('Make whoever deploys (a signed-in user) a PostgreSQL Entra administrator too, so that the post-provision step can create the app\'s role. Set false when deploying as a service principal, and list an administrator above.')
param deployerIsPostgresAdministrator bool = true

@description('User connections the PostgreSQL SKU allows: max_connections less the 15 Azure reserves (B1ms: 50 - 15 = 35). The connection alert fires 5 below it.')
param postgresUserConnections int = 35

@description('Allow password sign-in to PostgreSQL as well as Entra tokens. Off by default.')
param postgresPasswordAuth bool = false

@description('Password administrator login; only used when postgresPasswordAuth is true.')
param postgresAdministratorLogin string = ''

@secure()
@description('Password of postgresAdministratorLogin; only used when postgresPasswordAuth is true. Pass it on the command line, never in a parameters file.')
param postgresAdministratorPassword string = ''

@description('Upper bound of on-demand instances per function group. 40 is accepted in every region (older regions refuse less). It does not bound PostgreSQL: host.json does (infra/README.md, "Connections").')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the Durable Functions scale group (1 is the recommendation for Durable on Flex Consumption; 0 saves its baseline cost).')
@minValue(0)
param durableAlwaysReadyInstances int = 1

var token = take(uniqueString(resourceGroup().id, baseName), 8)
var allTags = union(
  { application: 'github-metrics-collector' },
  empty(environmentName) ? {} : { 'azd-env-name': environmentName },
  tags
)
// The service name in azure.yaml: azd finds the app to deploy to by this tag.
var serviceName = 'collector'
var hostStorageName = 'st${baseName}${token}'
var archiveStorageName = 'st${baseName}arc${token}'
var keyVaultName = 'kv-${baseName}-${token}'
var postgresName = 'psql-${baseName}-${token}'
var deployerAdministrator = deployerIsPostgresAdministrator
  ? [{ objectId: deployer().objectId, principalName: deployer().userPrincipalName, principalType: 'User' }]
  : []

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${token}'
  location: location
  tags: allTags
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  params: {
    name: hostStorageName
    location: location
    tags: allTags
    deploymentContainerName: 'app-package'
    principalId: identity.properties.principalId
    privateOnly: vnetEnabled
    workspaceId: monitoring.outputs.workspaceId
  }
}

module archive 'modules/archive-storage.bicep' = {
  name: 'archive-storage'
  params: {
    name: archiveStorageName
    location: location
    tags: allTags
    containerName: archiveContainerName
    principalId: identity.properties.principalId
    privateOnly: vnetEnabled
    workspaceId: monitoring.outputs.workspaceId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: allTags
    principalId: identity.properties.principalId
    privateOnly: vnetEnabled
    workspaceId: monitoring.outputs.workspaceId
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: postgresName
    location: location
    tags: allTags
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    databaseName: postgresDatabaseName
    identityName: identity.name
    identityPrincipalId: identity.properties.principalId
    identityIsAdministrator: postgresIdentityIsAdministrator
    entraAdministrators: concat(deployerAdministrator, postgresEntraAdministrators)
    passwordAuth: postgresPasswordAuth
    administratorLogin: postgresAdministratorLogin
    administratorLoginPassword: postgresAdministratorPassword
    privateOnly: vnetEnabled
    workspaceId: monitoring.outputs.workspaceId
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    name: 'vnet-${baseName}-${token}'
    location: location
    tags: allTags
    addressPrefix: vnetAddressPrefix
  }
}

// One private endpoint per service and sub-resource: the host storage's blob, queue and table
// (the Durable task hub uses all three), the archive's blob, the vault and the server.
var privateEndpoints = vnetEnabled
  ? [
      { name: 'host-blob', serviceId: resourceId('Microsoft.Storage/storageAccounts', hostStorageName), groupId: 'blob', zone: 'blob' }
      { name: 'host-queue', serviceId: resourceId('Microsoft.Storage/storageAccounts', hostStorageName), groupId: 'queue', zone: 'queue' }
      { name: 'host-table', serviceId: resourceId('Microsoft.Storage/storageAccounts', hostStorageName), groupId: 'table', zone: 'table' }
      { name: 'archive-blob', serviceId: resourceId('Microsoft.Storage/storageAccounts', archiveStorageName), groupId: 'blob', zone: 'blob' }
      { name: 'vault', serviceId: resourceId('Microsoft.KeyVault/vaults', keyVaultName), groupId: 'vault', zone: 'vault' }
      { name: 'postgres', serviceId: resourceId('Microsoft.DBforPostgreSQL/flexibleServers', postgresName), groupId: 'postgresqlServer', zone: 'postgres' }
    ]
  : []

// One at a time: PostgreSQL refuses a second change while one is in progress.
@batchSize(1)
module endpoints 'modules/private-endpoint.bicep' = [
  for endpoint in privateEndpoints: {
    name: 'pe-${endpoint.name}'
    params: {
      name: 'pe-${baseName}-${endpoint.name}-${token}'
      location: location
      tags: allTags
      serviceId: endpoint.serviceId
      groupId: endpoint.groupId
      subnetId: network!.outputs.privateEndpointSubnetId
      dnsZoneId: network!.outputs.zoneIds[endpoint.zone]
    }
    dependsOn: [hostStorage, archive, keyVault, postgres]
  }
]

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${baseName}-${token}'
    appInsightsName: 'appi-${baseName}-${token}'
    location: location
    tags: allTags
    retentionInDays: logRetentionDays
    dailyCapGb: logDailyCapGb
    principalId: identity.properties.principalId
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    baseName: baseName
    location: location
    tags: allTags
    appInsightsId: monitoring.outputs.appInsightsId
    postgresId: postgres.outputs.id
    postgresUserConnections: postgresUserConnections
    functionAppHostName: functionApp.outputs.defaultHostName
    emailReceivers: alertEmails
  }
}

// The settings the app reads (README.md, "Settings"). Values are names, URLs and ids only: the app
// reads secrets from Key Vault itself.
var appSettings = {
  // Host storage and the Durable task hub through the identity: no AzureWebJobsStorage connection
  // string. Durable needs the queue and table endpoints as well as blob, and clientId rather than a
  // resource id for a user-assigned identity.
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostStorage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  // Local authentication is off on the component: the host and the SDK (src/telemetry) send with
  // the identity's Entra token.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  // DefaultAzureCredential and ManagedIdentityCredential pick the user-assigned identity by this id.
  AZURE_CLIENT_ID: identity.properties.clientId
  ENTERPRISES: string(enterprises)
  GITHUB_API_URL: githubApiUrl
  KEY_VAULT_URL: keyVault.outputs.uri
  PG_AUTH: 'entra'
  PGHOST: postgres.outputs.host
  PGDATABASE: postgres.outputs.databaseName
  // An Entra principal's PostgreSQL role is named after it: the identity's name.
  PGUSER: identity.name
  ARCHIVE_ACCOUNT_URL: archive.outputs.blobEndpoint
  ARCHIVE_CONTAINER: archive.outputs.containerName
  SHAREPOINT_SITE_ID: sharePointSiteId
  SHAREPOINT_DRIVE_ID: sharePointDriveId
  SHAREPOINT_FOLDER: sharePointFolder
  COLLECT_SCHEDULE: collectSchedule
  USER_IDENTITY: userIdentity
  BILLING_USAGE_ORGS: billingUsageOrgs
}

// The app settings use the other modules' outputs, so the site is created only after the storage
// roles, the vault and the database exist: the host's first start finds its storage working. Its
// database role comes from the post-provision step; until then units fail and say so.
module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: 'func-${baseName}-${token}'
    planName: 'plan-${baseName}-${token}'
    location: location
    tags: allTags
    identityId: identity.id
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    appSettings: appSettings
    extraAppSettings: extraAppSettings
    subnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    serviceName: serviceName
  }
  // With the private network, the private endpoints exist before the app first resolves the names.
  dependsOn: [endpoints]
}

// Upper-case names: azd stores every output in the environment under its name, where
// scripts/postprovision.ts reads them (standalone, it reads them from the deployment).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOST string = functionApp.outputs.defaultHostName
output IDENTITY_NAME string = identity.name
output IDENTITY_CLIENT_ID string = identity.properties.clientId
output IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output POSTGRES_HOST string = postgres.outputs.host
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_DATABASE string = postgres.outputs.databaseName
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output ARCHIVE_ACCOUNT_NAME string = archive.outputs.name
output ARCHIVE_CONTAINER string = archive.outputs.containerName
output SHAREPOINT_SITE_ID string = sharePointSiteId
output SHAREPOINT_DRIVE_ID string = sharePointDriveId
output VNET_ENABLED bool = vnetEnabled

@description('Key Vault secrets the app reads; scripts/postprovision.ts sets each from the environment variable of the same name upper-cased, dashes as underscores.')
output KEY_VAULT_SECRET_NAMES string[] = union(
  map(enterprises, enterprise => enterprise.tokenSecret),
  userIdentity == 'hashed' ? ['user-hash-key'] : []
)
