/**
 * Hugging Face hub cache folders: `models--org--name/` holds `refs/main` (a revision hash),
 * `snapshots/<rev>/` (the model folder, whose files are symlinks into `blobs/`) and `blobs/`.
 * Given the repository folder we resolve it to the snapshot `refs/main` names.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { FormatError, InputNotFoundError } from "../errors.js";

/** A ref file is one revision hash; anything longer is not a ref. */
const MAX_REF_BYTES = 256;

export interface HfCacheSnapshot {
  /** `org/name` decoded from the folder name. */
  repo: string;
  revision: string;
  snapshot: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

export async function isHfCacheRepo(folder: string): Promise<boolean> {
  return (
    /^(models|datasets|spaces)--/.test(basename(folder)) && (await isDirectory(join(folder, "snapshots")))
  );
}

export async function resolveHfCacheRepo(folder: string, ref = "main"): Promise<HfCacheSnapshot> {
  const repo = basename(folder).split("--").slice(1).join("/");
  const refPath = join(folder, "refs", ref);
  let revision: string | undefined;
  const refInfo = await stat(refPath).catch(() => undefined);
  if (refInfo?.isFile()) {
    if (refInfo.size > MAX_REF_BYTES) {
      throw new FormatError(`ref file of ${refInfo.size} bytes is not a revision hash`, { file: refPath });
    }
    revision = (await readFile(refPath, "utf8")).trim();
    if (!/^[0-9A-Za-z._-]{1,128}$/.test(revision) || revision === "." || revision === "..") {
      throw new FormatError(`ref holds ${JSON.stringify(revision)}, not a revision hash`, { file: refPath });
    }
  } else {
    const snapshots = (await readdir(join(folder, "snapshots"))).filter((name) => !name.startsWith("."));
    if (snapshots.length !== 1) {
      throw new FormatError(
        `no refs/${ref} and ${snapshots.length} snapshots: pass the snapshot folder you mean (snapshots/REV)`,
        { file: folder, field: `refs/${ref}` },
      );
    }
    revision = snapshots[0]!;
  }
  const snapshot = join(folder, "snapshots", revision);
  if (!(await isDirectory(snapshot))) {
    throw new InputNotFoundError(
      `refs/${ref} names revision ${revision} but its snapshot folder is missing`,
      {
        file: snapshot,
      },
    );
  }
  return { repo, revision, snapshot };
}
