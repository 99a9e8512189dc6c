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

@description('Upper bound of on-demand instances, per function group (the platform counts "durable" and "http" separately).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@allowed([512, 2048, 4096])
param instanceMemoryMB int

@description('Always-ready instances of the "durable" scale group (orchestrations, activities); 1 keeps the task hub polled without a cold start.')
@minValue(0)
param durableAlwaysReadyInstances int

@description('The settings this template derives (identity, endpoints, names). No secret values: secrets are read from Key Vault at run time.')
param appSettings { *: string }

@description('Further settings (BACKFILL_DAYS, DORA definitions, …). The template replaces the whole set on every deployment, so a setting added by hand in the portal survives only when it is passed here.')
param extraAppSettings { *: string }

@description('Subnet the app joins (Flex Consumption VNet integration); empty for none.')
param subnetId string

@description('Name azd looks the app up by (tag azd-service-name), as in azure.yaml.')
param serviceName string

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
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
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

  // The template's own settings win over an extra one of the same name, so a stray entry cannot
  // point the app at another database or identity.
  resource settings 'config' = {
    name: 'appsettings'
    properties: union(extraAppSettings, appSettings)
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
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
