export { sandboxEnterprises, sandboxReports } from "./sandbox-data.js";
export { startGitHubServer, type GitHubServer } from "./github-server.js";
export { sandboxSeatRoute } from "./sandbox-adoption.js";
export { sandboxRepositoryRoutes } from "./sandbox-repositories.js";
