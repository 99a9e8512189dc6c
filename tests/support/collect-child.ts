// A collection run in its own process, so a test can kill it mid-ingest like a crashed worker.
import pg from "pg";
import { runCollection } from "./run-collection.js";

const config = JSON.parse(process.env["COLLECT_CHILD_CONFIG"] ?? "{}") as {
  databaseUrl: string;
  githubUrl: string;
  enterprises: Array<{ slug: string; orgs: string[] }>;
  from: string;
  to: string;
  now: string;
};
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
await runCollection({
  pool,
  githubUrl: config.githubUrl,
  enterprises: config.enterprises,
  from: config.from,
  to: config.to,
  now: new Date(config.now),
});
await pool.end();
