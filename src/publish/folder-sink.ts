import { randomBytes } from "node:crypto";
import { copyFile, link, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { PublishError } from "./publish-error.js";
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
      await makeFolder(path.dirname(target), root, relativePath);
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

/**
 * `mkdir -p`, with a message that names the file standing where a folder must be: Node says only
 * `EEXIST` or `ENOTDIR` and the folder it wanted, which hides an OUTPUT_DIR that is a file.
 */
async function makeFolder(folder: string, root: string, relativePath: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "EEXIST" && code !== "ENOTDIR") throw error;
    const blocker = await firstNonFolder(folder);
    if (blocker === undefined) throw error;
    const setting =
      blocker === root || root.startsWith(blocker + path.sep)
        ? " Set OUTPUT_DIR to a folder, or move the file away."
        : " Move the file away.";
    throw new PublishError(`Cannot publish ${relativePath}: ${blocker} is a file, not a folder.${setting}`, {
      operation: "put",
      path: relativePath,
      cause: error,
    });
  }
}

/** The outermost path on the way to `folder` that exists and is not a folder. */
async function firstNonFolder(folder: string): Promise<string | undefined> {
  const parts = path.resolve(folder).split(path.sep);
  for (let length = 2; length <= parts.length; length++) {
    const candidate = parts.slice(0, length).join(path.sep) || path.sep;
    const found = await stat(candidate).catch(() => undefined);
    if (found === undefined) return undefined;
    if (!found.isDirectory()) return candidate;
  }
  return undefined;
}
