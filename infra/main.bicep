// GitHub Metrics Collector: everything one deployment needs in one resource group (DESIGN §2, §7,
// §9, §10). The Function App runs as a user-assigned identity that reaches storage, Key Vault and
// PostgreSQL with Entra tokens; no account key, password or secret value is in this template or
// its parameters. Tenant-level steps that ARM cannot do (Graph Sites.Selected, Key Vault secret
// values) are in infra/README.md.
//
//   az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json

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

param location string = resourceGroup().location

param tags object = {}

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

@description('Blob container of the raw report archive.')
param archiveContainerName string = 'copilot-reports'

@description('E-mail addresses that receive the alerts.')
@minLength(1)
param alertEmails string[]

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@minValue(32)
param postgresStorageSizeGB int = 32

param postgresDatabaseName string = 'metrics'

@description('Make the Function App\'s identity a PostgreSQL Entra administrator, so it needs no post-deployment role. Set false to create a narrower role by hand (infra/README.md); then list an operator in postgresEntraAdministrators.')
param postgresIdentityIsAdministrator bool = true

@description('People or groups who administer the database with their Entra accounts.')
param postgresEntraAdministrators entraAdministrator[] = []

@description('Allow password sign-in to PostgreSQL as well as Entra tokens. Off by default.')
param postgresPasswordAuth bool = false

@description('Password administrator login; only used when postgresPasswordAuth is true.')
param postgresAdministratorLogin string = ''

@secure()
@description('Password of postgresAdministratorLogin; only used when postgresPasswordAuth is true. Pass it on the command line, never in a parameters file.')
param postgresAdministratorPassword string = ''

@description('Upper bound of Function App instances. Each holds a pool of 8 PostgreSQL connections (src/db/pool.ts): 4 × 8 stays under the 35 user connections of a B1ms server.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 4

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the Durable Functions scale group (1 is the recommendation for Durable on Flex Consumption; 0 saves its baseline cost).')
@minValue(0)
param durableAlwaysReadyInstances int = 1

var token = take(uniqueString(resourceGroup().id, baseName), 8)
var allTags = union({ application: 'github-metrics-collector' }, tags)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}-${token}'
  location: location
  tags: allTags
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  params: {
    name: 'st${baseName}${token}'
    location: location
    tags: allTags
    deploymentContainerName: 'app-package'
    principalId: identity.properties.principalId
  }
}

module archive 'modules/archive-storage.bicep' = {
  name: 'archive-storage'
  params: {
    name: 'st${baseName}arc${token}'
    location: location
    tags: allTags
    containerName: archiveContainerName
    principalId: identity.properties.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: 'kv-${baseName}-${token}'
    location: location
    tags: allTags
    principalId: identity.properties.principalId
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: 'psql-${baseName}-${token}'
    location: location
    tags: allTags
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    databaseName: postgresDatabaseName
    identityName: identity.name
    identityPrincipalId: identity.properties.principalId
    identityIsAdministrator: postgresIdentityIsAdministrator
    entraAdministrators: postgresEntraAdministrators
    passwordAuth: postgresPasswordAuth
    administratorLogin: postgresAdministratorLogin
    administratorLoginPassword: postgresAdministratorPassword
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${baseName}-${token}'
    appInsightsName: 'appi-${baseName}-${token}'
    location: location
    tags: allTags
    retentionInDays: logRetentionDays
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    baseName: baseName
    location: location
    tags: allTags
    appInsightsId: monitoring.outputs.appInsightsId
    emailReceivers: alertEmails
  }
}

// DESIGN §7. Values are names, URLs and ids only: the app reads secrets from Key Vault itself.
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
}

// The app settings use the other modules' outputs, so the site is created only after the storage
// roles, the vault and the database (with the identity as administrator) exist: the host's first
// start finds its storage and its database sign-in working.
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
  }
}

output functionAppName string = functionApp.outputs.name
output identityName string = identity.name
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output postgresHost string = postgres.outputs.host
output postgresServerName string = postgres.outputs.name
output postgresDatabaseName string = postgres.outputs.databaseName
output keyVaultName string = keyVault.outputs.name
output keyVaultUrl string = keyVault.outputs.uri
output archiveAccountName string = archive.outputs.name

@description('Key Vault secrets the app reads: set each with az keyvault secret set (infra/README.md).')
output keyVaultSecretNames string[] = union(
  map(enterprises, enterprise => enterprise.tokenSecret),
  userIdentity == 'hashed' ? ['user-hash-key'] : []
)
