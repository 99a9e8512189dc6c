// Every alert of the collector, and the action group that mails them. The log rules query the
// Application Insights component (classic tables customEvents, customMetrics, exceptions) for the
// event, metric and dimension names in src/telemetry/telemetry-names.json, the same file the code
// sends them from: a renamed event is renamed here by the next deployment. Each log rule splits by
// the run id (the dimension `runId`, read from the run's operation id), so a notification names
// the run to look up in docs/operations.md. The metric rules watch PostgreSQL and the liveness
// probe.

param baseName string
param location string
param tags object

@description('Resource id of the Application Insights component the log rules query.')
param appInsightsId string

@description('Resource id of the PostgreSQL server the metric rules watch.')
param postgresId string

@description('Host name of the Function App; its anonymous /api/live is probed.')
param functionAppHostName string

@description('E-mail addresses that receive the alerts.')
param emailReceivers string[]

@description('User connections the PostgreSQL SKU allows (35 on B1ms: 50 less 15 reserved); the rule fires near it.')
param postgresUserConnections int

var names = loadJsonContent('../../src/telemetry/telemetry-names.json')
var events = names.events
var metrics = names.metrics
var dim = names.dimensions

// The run id of every row, as the column each rule splits by.
var runIdColumn = 'runId'
var withRunId = 'extend ${runIdColumn} = tostring(customDimensions.${dim.runId})'
var runCompleted = 'customEvents | where name == "${events.collectionRunCompleted}"'
var statusIs = 'tostring(customDimensions.${dim.status}) =='

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${baseName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take(baseName, 12)
    enabled: true
    emailReceivers: [
      for (address, i) in emailReceivers: {
        name: 'email-${i}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
  }
}

// One entry per log rule. `measure` names a query column whose maximum is compared with
// `threshold`; without it the rule counts the query's rows. `dimensions` are the columns the rule
// splits by (one alert per value). Event rules look back further than they run so that
// late-ingested events are still seen; autoMitigate makes each fire once until resolved.
var rules = [
  {
    name: 'run-failed'
    description: 'A collection run ended with status failed: no collection unit succeeded, publishing failed as a whole, or the run was aborted.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT1H'
    query: '${runCompleted} | where ${statusIs} "${names.runStatuses.failed}" | ${withRunId}'
    measure: null
    threshold: 0
    dimensions: [runIdColumn]
  }
  {
    name: 'run-partial'
    description: 'A collection run ended partial: some units failed (the next run retries them).'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: '${runCompleted} | where ${statusIs} "${names.runStatuses.partial}" | ${withRunId}'
    measure: null
    threshold: 0
    dimensions: [runIdColumn]
  }
  {
    name: 'unit-failed'
    description: 'A unit of work (report day, seats, repositories, premium usage, metrics) failed, by error class.'
    severity: 3
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'customEvents | where name == "${events.unitFailed}" | ${withRunId} | extend errorClass = tostring(customDimensions.${dim.errorClass})'
    measure: null
    threshold: 0
    dimensions: [runIdColumn, 'errorClass']
  }
  {
    // Exceptions with a unit come with UnitFailed above; these are the ones an activity threw
    // (the plan, a crash, the run record), which Durable Functions retries and then fails the run.
    name: 'activity-crashed'
    description: 'An activity of a run threw instead of returning a result.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'exceptions | where isempty(tostring(customDimensions.${dim.unit})) | ${withRunId} | where isnotempty(${runIdColumn})'
    measure: null
    threshold: 0
    dimensions: [runIdColumn]
  }
  {
    name: 'run-over-2-hours'
    description: 'A collection run took longer than 2 hours (7200 seconds).'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: '${runCompleted} | ${withRunId} | extend durationSeconds = todouble(customDimensions.${dim.durationSeconds})'
    measure: 'durationSeconds'
    threshold: 7200
    dimensions: [runIdColumn]
  }
  {
    name: 'rate-limit-over-80-percent'
    description: 'A GitHub token used more than 80% of its rate limit within one rate-limit window.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'customMetrics | where name == "${metrics.rateLimitUsedPercent}" | ${withRunId} | extend enterprise = tostring(customDimensions.${dim.enterprise}), usedPercent = todouble(coalesce(valueMax, value))'
    measure: 'usedPercent'
    threshold: 80
    dimensions: [runIdColumn, 'enterprise']
  }
  {
    name: 'publish-failed'
    description: 'Publishing a CSV dataset to SharePoint (or the folder) failed.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'customEvents | where name == "${events.publishCompleted}" | where ${statusIs} "${names.publishStatuses.failed}" | ${withRunId} | extend dataset = tostring(customDimensions.${dim.dataset})'
    measure: null
    threshold: 0
    dimensions: [runIdColumn, 'dataset']
  }
  {
    // A row is printed only when the last success is older than 26 hours or missing, which also
    // catches a timer that never fired: a plain count of successes would return no rows at all.
    // With no run to name, the run id is the last run's, whatever it ended as ("none" if none).
    name: 'no-successful-run-26-hours'
    description: 'No collection run has succeeded for 26 hours.'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: 'let lastSuccess = toscalar(${runCompleted} | where ${statusIs} "${names.runStatuses.succeeded}" | summarize max(timestamp)); let lastRun = toscalar(${runCompleted} | ${withRunId} | summarize arg_max(timestamp, ${runIdColumn}) | project ${runIdColumn}); print timestamp = now(), lastSuccess, ${runIdColumn} = iff(isempty(lastRun), "none", lastRun) | where isnull(lastSuccess) or lastSuccess < ago(26h)'
    measure: null
    threshold: 0
    dimensions: [runIdColumn]
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'alert-${baseName}-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: '${baseName}: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [appInsightsId]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: rule.measure == null ? 'Count' : 'Maximum'
            metricMeasureColumn: rule.measure
            dimensions: [for column in rule.dimensions: { name: column, operator: 'Include', values: ['*'] }]
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: { actionGroups: [actionGroup.id] }
    }
  }
]

// PostgreSQL platform metrics (Microsoft.DBforPostgreSQL/flexibleServers). The server turns
// read-only at 95 % storage; connections near the SKU's limit mean the pool arithmetic in
// infra/README.md no longer holds; failed connections are mostly sign-ins (role, token, firewall).
var postgresRules = [
  {
    name: 'postgres-storage-over-80-percent'
    description: 'PostgreSQL storage is over 80% used; the server turns read-only at 95%.'
    severity: 2
    metric: 'storage_percent'
    aggregation: 'Average'
    threshold: 80
  }
  {
    name: 'postgres-connections-failed'
    description: 'Connections to PostgreSQL failed (sign-in refused, role missing, network).'
    severity: 2
    metric: 'connections_failed'
    aggregation: 'Total'
    threshold: 3
  }
  {
    name: 'postgres-connections-near-limit'
    description: 'Active PostgreSQL connections are near the SKU\'s user connection limit.'
    severity: 2
    metric: 'active_connections'
    aggregation: 'Maximum'
    threshold: postgresUserConnections - 5
  }
]

resource postgresAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for rule in postgresRules: {
    name: 'alert-${baseName}-${rule.name}'
    location: 'global'
    tags: tags
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [postgresId]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            name: rule.metric
            criterionType: 'StaticThresholdCriterion'
            metricNamespace: 'Microsoft.DBforPostgreSQL/flexibleServers'
            metricName: rule.metric
            operator: 'GreaterThan'
            threshold: rule.threshold
            timeAggregation: rule.aggregation
          }
        ]
      }
      autoMitigate: true
      actions: [{ actionGroupId: actionGroup.id }]
    }
  }
]

// The liveness probe: an anonymous GET of /api/live from three regions every five minutes. It
// answers 200 as soon as the worker runs, and reveals nothing; the detailed /api/health stays
// behind the function key.
resource liveness 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'webtest-${baseName}-live'
  location: location
  // Availability results are shown on the component this hidden link names.
  tags: union(tags, { 'hidden-link:${appInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'webtest-${baseName}-live'
    Name: '${baseName}: /api/live'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      { Id: 'emea-nl-ams-azr' }
      { Id: 'us-va-ash-azr' }
      { Id: 'apac-sg-sin-azr' }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/live'
      HttpVerb: 'GET'
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource livenessAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${baseName}-liveness'
  location: 'global'
  tags: tags
  properties: {
    description: 'The Function App did not answer /api/live from two of three locations.'
    severity: 1
    enabled: true
    scopes: [liveness.id, appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: liveness.id
      componentId: appInsightsId
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [{ actionGroupId: actionGroup.id }]
  }
}

output actionGroupId string = actionGroup.id
output alertRuleNames string[] = [for (rule, i) in rules: alertRules[i].name]
