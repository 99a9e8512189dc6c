export type { PublishSink } from "./sink.js";
export { createFolderSink } from "./folder-sink.js";
export { datasets, findDataset, type Dataset, type DatasetColumn } from "./datasets.js";
export { csvStringifier, formatCell, type ColumnType, type CsvFormat } from "./csv-format.js";
export { writeDatasetFile, type WrittenFile } from "./write-dataset.js";
export { publishDataset, type PublishOptions, type DatasetPublished } from "./publish-dataset.js";
