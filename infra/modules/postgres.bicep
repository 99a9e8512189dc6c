// PostgreSQL Flexible Server with Microsoft Entra authentication. The Function App's identity signs
// in with a token (PG_AUTH=entra), never a password; password authentication is off unless asked for.
// By default the identity is not an administrator: scripts/postprovision.ts creates its role, bound
// to its object id, with rights on the collector's database only.

param name string
param location string
param tags object

param skuName string
param skuTier string
param storageSizeGB int
param databaseName string

@description('Name and object id of the Function App\'s user-assigned identity (its PostgreSQL role name is the identity name).')
param identityName string
param identityPrincipalId string

@description('Make the identity a Microsoft Entra administrator (not the default). When false, scripts/postprovision.ts creates its narrower role.')
param identityIsAdministrator bool

@description('Further Microsoft Entra administrators: people or groups who operate the database.')
param entraAdministrators entraAdministrator[]

@description('Enable password authentication (off by default; Entra tokens are the way in).')
param passwordAuth bool

@description('Password administrator login, only used when passwordAuth is true.')
param administratorLogin string

@secure()
@description('Password of administratorLogin, only used when passwordAuth is true. Pass it on the command line or from a vault, never in a parameters file.')
param administratorLoginPassword string

@description('Reach the server only through its private endpoint: public network access off and no firewall rule.')
param privateOnly bool

@description('Log Analytics workspace that receives the server log (connection failures, errors).')
param workspaceId string

@export()
type entraAdministrator = {
  @description('Object id of the user, group or service principal.')
  objectId: string
  @description('Its display name (user principal name for a user).')
  principalName: string
  principalType: 'User' | 'Group' | 'ServicePrincipal'
}

var identityAdministrator = identityIsAdministrator
  ? [{ objectId: identityPrincipalId, principalName: identityName, principalType: 'ServicePrincipal' }]
  : []

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '17'
    administratorLogin: passwordAuth ? administratorLogin : null
    administratorLoginPassword: passwordAuth ? administratorLoginPassword : null
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: passwordAuth ? 'Enabled' : 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Without the private network, the special 0.0.0.0 rule admits connections from Azure services
// (the Function App has no fixed outbound address on Flex Consumption): every Azure tenant's
// addresses, not the internet at large, and still only with an Entra token of a known role. With
// the private network the rule is gone. The server allows one change at a time, hence the chain of
// dependsOn.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!privateOnly) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [database]
}

@batchSize(1)
resource administrators 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = [
  for admin in concat(identityAdministrator, entraAdministrators): {
    parent: server
    name: admin.objectId
    properties: {
      principalName: admin.principalName
      principalType: admin.principalType
      tenantId: tenant().tenantId
    }
    dependsOn: [allowAzureServices, database]
  }
]

// The server log carries failed sign-ins and connection errors; the session and query-store
// categories would bill every statement, so they stay off.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: server
  properties: {
    workspaceId: workspaceId
    logs: [{ category: 'PostgreSQLLogs', enabled: true }]
  }
}

output id string = server.id
output name string = server.name
output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
