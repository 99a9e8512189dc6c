import { randomBytes } from "node:crypto";
import { copyFile, link, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { PublishSink } from "./sink.js";

/**
 * Publishes into a local folder with the same layout as SharePoint. A file is placed next to its
 * final path under a temporary name and renamed: readers see the old file or the new one, never half.
 */
export function createFolderSink(folder: string): PublishSink {
  const root = path.resolve(folder);
  const resolve = (relativePath: string) => path.join(root, ...relativePath.split("/"));
  return {
    // The absolute path: publish_manifest tells sinks apart by their description.
    description: `folder ${root}`,
    async put(relativePath, localFile) {
      const target = resolve(relativePath);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.partial`;
      try {
        // A hard link costs nothing when the work file is on the same file system; else a copy.
        await link(localFile, temporary).catch(() => copyFile(localFile, temporary));
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async remove(relativePath) {
      await rm(resolve(relativePath), { force: true });
    },
    async list(prefix) {
      const start = prefix === "" ? root : resolve(prefix);
      const found: string[] = [];
      const walk = async (directory: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(directory, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries) {
          const full = path.join(directory, entry.name);
          if (entry.isDirectory()) await walk(full);
          else if (!entry.name.endsWith(".partial")) found.push(path.relative(root, full).split(path.sep).join("/"));
        }
      };
      await walk(start);
      return found.sort();
    },
  };
}
