// Key Vault for the GitHub tokens and the user hash key. RBAC mode: the identity reads secret values
// (Key Vault Secrets User) and can neither list keys nor change anything. The template creates no
// secret: the values are set after deployment (infra/README.md), so they never pass through a
// template, a parameters file or a deployment's history.

@description('Key Vault name: 3-24 letters, digits and dashes, globally unique.')
param name string

param location string
param tags object

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

@description('Reach the vault only through its private endpoint: public network access off.')
param privateOnly bool

@description('Log Analytics workspace that receives the vault\'s audit log (every secret read).')
param workspaceId string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // Without the private network, Flex Consumption reaches the vault over its public endpoint;
    // access is still by Entra token and RBAC only.
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: privateOnly ? 'None' : 'AzureServices'
      defaultAction: privateOnly ? 'Deny' : 'Allow'
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'audit', enabled: true }]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
