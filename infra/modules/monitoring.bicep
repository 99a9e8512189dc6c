// Log Analytics workspace and the workspace-based Application Insights component that receives the
// app's custom events and metrics (src/telemetry/telemetry-names.json) and that the alert rules query.
// Local authentication is off: ingestion takes only Entra tokens of a principal holding Monitoring
// Metrics Publisher on the component, so the connection string (not a secret, and printed in many
// places) cannot be used to send a forged "succeeded" run that would silence the alerts.

param workspaceName string
param appInsightsName string
param location string
param tags object

@description('Days the workspace keeps telemetry.')
param retentionInDays int

@description('Daily ingestion cap of the workspace in GB; -1 for none. When reached, ingestion stops until the next UTC day and the alerts see nothing.')
param dailyCapGb int

@description('Principal (object) id of the Function App\'s user-assigned identity, which sends the telemetry.')
param principalId string

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
    workspaceCapping: { dailyQuotaGb: dailyCapGb }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

// "Metrics" in the name notwithstanding, this role publishes every kind of telemetry.
resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output appInsightsId string = appInsights.id
output appInsightsName string = appInsights.name
output workspaceId string = workspace.id
// The connection string identifies the component and its ingestion endpoint; with local
// authentication off it lets nobody send without an Entra token.
output connectionString string = appInsights.properties.ConnectionString
