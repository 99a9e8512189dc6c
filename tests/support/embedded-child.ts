// Starts the embedded PostgreSQL on the folder given as argument, prints its pid and connection
// string (tsx runs this in a process of its own: that one is the collector) and waits to be killed: the collector that a SIGKILL leaves no chance to stop its server.
import { startEmbeddedPostgres } from "../../src/db/index.js";

const database = await startEmbeddedPostgres(process.argv[2]!, { throwaway: true });
process.stdout.write(`${process.pid} ${database.connectionString}\n`);
setInterval(() => undefined, 60_000);
