// Parameters of infra/main.bicep, from the environment: azd passes its environment
// (azd env set NAME value), and `az deployment group create -p infra/main.bicepparam` reads the
// shell's. Nothing secret goes here: tokens reach Key Vault through scripts/postprovision.ts.
//
//   ENTERPRISES          JSON: [{"slug":"contoso","orgs":["contoso-web"],"tokenSecret":"github-token-contoso"}]
//   SHAREPOINT_SITE_ID   host,site-collection-id,web-id (infra/README.md, "SharePoint ids")
//   SHAREPOINT_DRIVE_ID  the document library's drive id
//   ALERT_EMAILS         comma-separated addresses
//   optional: SHAREPOINT_FOLDER, USER_IDENTITY, BILLING_USAGE_ORGS, COLLECT_SCHEDULE, VNET_ENABLED (true/false),
//             EXTRA_APP_SETTINGS (JSON object of further app settings), GITHUB_API_URL,
//             BASE_NAME, LOG_DAILY_CAP_GB, AZURE_ENV_NAME (set by azd)
using 'main.bicep'

param baseName = readEnvironmentVariable('BASE_NAME', 'ghmetrics')
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', '')
param enterprises = json(readEnvironmentVariable('ENTERPRISES'))
param githubApiUrl = readEnvironmentVariable('GITHUB_API_URL', 'https://api.github.com')
param sharePointSiteId = readEnvironmentVariable('SHAREPOINT_SITE_ID')
param sharePointDriveId = readEnvironmentVariable('SHAREPOINT_DRIVE_ID')
param sharePointFolder = readEnvironmentVariable('SHAREPOINT_FOLDER', 'Copilot Metrics')
param userIdentity = readEnvironmentVariable('USER_IDENTITY', 'login')
param billingUsageOrgs = readEnvironmentVariable('BILLING_USAGE_ORGS', '')
param collectSchedule = readEnvironmentVariable('COLLECT_SCHEDULE', '0 0 6 * * *')
param alertEmails = split(readEnvironmentVariable('ALERT_EMAILS'), ',')
param vnetEnabled = bool(readEnvironmentVariable('VNET_ENABLED', 'false'))
param extraAppSettings = json(readEnvironmentVariable('EXTRA_APP_SETTINGS', '{}'))
param logDailyCapGb = int(readEnvironmentVariable('LOG_DAILY_CAP_GB', '1'))
