// Log Analytics workspace and the workspace-based Application Insights component that receives the
// app's custom events and metrics (src/telemetry/names.ts) and that the alert rules query.

param workspaceName string
param appInsightsName string
param location string
param tags object

@description('Days the workspace keeps telemetry.')
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
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
  }
}

output appInsightsId string = appInsights.id
// The connection string identifies the component and its ingestion endpoint; it is not a credential
// for reading data.
output connectionString string = appInsights.properties.ConnectionString
