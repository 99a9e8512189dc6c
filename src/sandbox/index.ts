export { startGitHubServer, type GitHubServer } from "./github-server.js";
export { sandboxSeatRoute } from "./sandbox-adoption.js";
export { sandboxEnterprises, sandboxReports } from "./sandbox-data.js";
export { sandboxRepositoryRoutes } from "./sandbox-repositories.js";
