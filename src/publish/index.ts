export type { PublishSink } from "./sink.js";
export { createFolderSink } from "./folder-sink.js";
export { createSharePointSink } from "./sharepoint-sink.js";
export { datasets, findDataset, type Dataset, type DatasetColumn } from "./datasets.js";
export type { ColumnType, CsvFormat } from "./csv-format.js";
export { writeDatasetFile, hasUserColumn, type WrittenFile, type WriteOptions } from "./write-dataset.js";
export { publishDataset, type PublishOptions, type DatasetPublished } from "./publish-dataset.js";
export { userIdentitySource, type UserIdentity } from "./user-identity.js";
export { forgetUser, type ForgetUserResult } from "./forget-user.js";
