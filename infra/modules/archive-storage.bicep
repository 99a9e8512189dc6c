// The raw report archive (user-level raw records live only here; `reingest` rebuilds from
// it). The identity may write blobs in this one container and nowhere else in the account.

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
param name string

param location string
param tags object

@description('Blob container of the archive (the app setting ARCHIVE_CONTAINER).')
param containerName string

@description('Principal (object) id of the Function App\'s user-assigned identity.')
param principalId string

@description('Reach the account only through its private endpoints: public network access off.')
param privateOnly bool

@description('Log Analytics workspace that receives the blob service\'s log.')
param workspaceId string

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Cool'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: privateOnly ? 'None' : 'AzureServices'
      defaultAction: privateOnly ? 'Deny' : 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      // An overwritten or deleted raw file can be brought back for a week.
      deleteRetentionPolicy: { enabled: true, days: 7 }
    }

    resource container 'containers' = {
      name: containerName
      properties: { publicAccess: 'None' }
    }
  }
}

resource archiveWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::container.id, principalId, storageBlobDataContributor)
  scope: account::blobService::container
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Every access to the raw archive: it holds user-level records, and reads are rare (reingest).
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account::blobService
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output containerName string = account::blobService::container.name
