export { ArchiveError, type ReportArchive } from "./report-archive.js";
export { createBlobArchive } from "./blob-archive.js";
export { archiveReportFiles, teeToArchive, attemptKey, fileCountKey } from "./archive-report-files.js";
export { parseReportFilePath, reportSetFolder, type ReportFileSet } from "./report-path.js";
