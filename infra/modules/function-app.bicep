// The Function App on a Flex Consumption plan, Node.js 22, running as the user-assigned identity.
// Flex takes its runtime from functionAppConfig.runtime and deploys from a blob container, so the
// settings it retired (FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE, …) are never set.

param name string
param planName string
param location string
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('URL of the blob container the deployment package goes to (on the host storage account).')
param deploymentContainerUrl string

@description('Upper bound of instances. Each instance holds its own PostgreSQL pool, so instances × pool size must stay below the server\'s user connections (35 on B1ms).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Always-ready instances of the "durable" scale group (orchestrations, activities); 1 keeps the task hub polled without a cold start.')
@minValue(0)
param durableAlwaysReadyInstances int

@description('App settings (DESIGN §7). No secret values: secrets are read from Key Vault at run time.')
param appSettings { *: string }

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: durableAlwaysReadyInstances > 0
          ? [{ name: 'durable', instanceCount: durableAlwaysReadyInstances }]
          : []
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }

  // Deployments authenticate with Entra (az functionapp deploy, func publish); the FTP and SCM
  // basic-auth passwords are switched off so no publishing password exists.
  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }

  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
