// Imported first by each entry point, for its effect: V8 collects its old generation once it has
// grown by a quarter past what the last full collection left, instead of letting it reach up to
// four times that. A report ingest promotes about 100 KB of short-lived text per young-generation
// collection; left to the default, that garbage piled up for as long as the file lasted, and a
// 1,000,000-user report peaked at half as much memory again as a 100,000-user one.
//
// The limit is recomputed at each full collection, so the flag must be set before the modules
// load: their loading ends in the collection that sets the limit the ingest will run under.
import v8 from "node:v8";

v8.setFlagsFromString("--heap-growing-percent=25");
