export type { PublishSink } from "./sink.js";
export { createFolderSink } from "./folder-sink.js";
export { createSharePointSink } from "./sharepoint-sink.js";
export { datasets, findDataset } from "./datasets.js";
export { hasUserColumn } from "./write-dataset.js";
export { publishDataset } from "./publish-dataset.js";
export { userIdentitySource, type UserIdentity } from "./user-identity.js";
export { forgetUser, type ForgetUserResult } from "./forget-user.js";
