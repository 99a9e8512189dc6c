// The alerts of DESIGN §9, as log search alert rules on the Application Insights component (so the
// queries use the classic tables customEvents and customMetrics). The event and metric names are the
// ones in src/telemetry/names.ts; tests/infra checks every name quoted below against that file.

param baseName string
param location string
param tags object

@description('Resource id of the Application Insights component the rules query.')
param appInsightsId string

@description('E-mail addresses that receive the alerts.')
param emailReceivers string[]

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

// One entry per alert. `measure` names a query column whose maximum is compared with `threshold`;
// without it the rule counts the query's rows. Event-based rules look back further than they run
// so that late-ingested events are still seen; autoMitigate makes each fire once until resolved.
var rules = [
  {
    name: 'run-failed'
    description: 'A collection run ended with status failed.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT1H'
    query: '''
customEvents
| where name == "CollectionRunCompleted"
| where tostring(customDimensions.status) == "failed"
'''
    measure: null
    threshold: 0
  }
  {
    name: 'run-over-2-hours'
    description: 'A collection run took longer than 2 hours (7200 seconds).'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: '''
customEvents
| where name == "CollectionRunCompleted"
| extend durationSeconds = todouble(customDimensions.durationSeconds)
'''
    measure: 'durationSeconds'
    threshold: 7200
  }
  {
    name: 'rate-limit-over-80-percent'
    description: 'A GitHub token used more than 80% of its rate limit.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT1H'
    query: '''
customMetrics
| where name == "github.ratelimit.used_percent"
| extend usedPercent = todouble(coalesce(valueMax, value))
'''
    measure: 'usedPercent'
    threshold: 80
  }
  {
    name: 'publish-failed'
    description: 'Publishing the CSV datasets to SharePoint failed.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT1H'
    query: '''
customEvents
| where name == "PublishCompleted"
| where tostring(customDimensions.status) == "failed"
'''
    measure: null
    threshold: 0
  }
  {
    // A row is printed only when the last success is older than 26 hours or missing, which also
    // catches a timer that never fired: a plain count of successes would return no rows at all.
    name: 'no-successful-run-26-hours'
    description: 'No collection run has succeeded for 26 hours.'
    severity: 1
    frequency: 'PT1H'
    window: 'P2D'
    query: '''
let lastSuccess = toscalar(customEvents
    | where name == "CollectionRunCompleted"
    | where tostring(customDimensions.status) == "succeeded"
    | summarize max(timestamp));
print timestamp = now(), lastSuccess
| where isnull(lastSuccess) or lastSuccess < ago(26h)
'''
    measure: null
    threshold: 0
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

output actionGroupId string = actionGroup.id
output alertRuleNames string[] = [for (rule, i) in rules: alertRules[i].name]
