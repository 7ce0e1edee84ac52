import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertStorageKey, contentTypeFor, type ByteRange } from "./keys";
import type { ObjectStorage, StoredObjectInfo } from "./types";

/**
 * Files on local disk under one root folder (by default the data folder's `storage/`). Writes go to a
 * temporary name and are renamed into place, so a reader never sees half a file and a crash leaves none.
 */
export class LocalDiskStorage implements ObjectStorage {
  readonly kind = "local" as const;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file a key lives in; throws if the key is unsafe or would resolve outside the root. */
  pathOf(key: string): string {
    assertStorageKey(key);
    const full = path.resolve(this.root, ...key.split("/"));
    if (!full.startsWith(this.root + path.sep)) throw new Error(`storage key resolves outside the root: ${key}`);
    return full;
  }

  private async ensureInsideRoot(full: string) {
    // A symlink planted inside the root must not lead out of it.
    const realRoot = await fsp.realpath(this.root);
    const realParent = await fsp.realpath(path.dirname(full));
    if (realParent !== realRoot && !realParent.startsWith(realRoot + path.sep))
      throw new Error("storage path leaves the root through a link");
    const st = await fsp.lstat(full).catch(() => null);
    if (st?.isSymbolicLink()) throw new Error("storage object is a link");
  }

  private info(key: string, st: fs.Stats): StoredObjectInfo {
    return { key, size: st.size, contentType: contentTypeFor(key), modifiedAt: st.mtime };
  }

  async put(key: string, body: Buffer | Readable): Promise<StoredObjectInfo> {
    const full = this.pathOf(key);
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await this.ensureInsideRoot(full);
    const tmp = `${full}.${process.pid}.${Date.now()}.partial`;
    try {
      if (Buffer.isBuffer(body)) await fsp.writeFile(tmp, body, { flag: "wx" });
      else await pipeline(body, fs.createWriteStream(tmp, { flags: "wx" }));
      await fsp.rename(tmp, full);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return this.info(key, await fsp.stat(full));
  }

  async putFile(key: string, sourcePath: string): Promise<StoredObjectInfo> {
    const full = this.pathOf(key);
    await fsp.mkdir(path.dirname(full), { recursive: true });
    await this.ensureInsideRoot(full);
    try {
      await fsp.rename(sourcePath, full);
    } catch (err) {
      // Another file system: copy, then remove the source.
      if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      await this.put(key, fs.createReadStream(sourcePath));
      await fsp.rm(sourcePath, { force: true });
    }
    return this.info(key, await fsp.stat(full));
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    if (!prefix.endsWith("/")) throw new Error(`list a folder (ending in "/"), not ${prefix}`);
    const folder = path.dirname(this.pathOf(`${prefix}x`));
    const entries = await fsp.readdir(folder, { recursive: true, withFileTypes: true }).catch((err) => {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    });
    const out: StoredObjectInfo[] = [];
    for (const e of entries) {
      // Only regular files (never links), and never a write in progress.
      if (!e.isFile() || e.name.endsWith(".partial")) continue;
      const full = path.join(e.parentPath, e.name);
      const key = path.relative(this.root, full).split(path.sep).join("/");
      const st = await fsp.lstat(full).catch(() => null);
      if (st?.isFile()) out.push(this.info(key, st));
    }
    return out;
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    const full = this.pathOf(key);
    const st = await fsp.lstat(full).catch(() => null);
    if (!st?.isFile()) return null;
    return this.info(key, st);
  }

  async read(key: string, range?: ByteRange) {
    const info = await this.stat(key);
    if (!info) return null;
    const full = this.pathOf(key);
    await this.ensureInsideRoot(full);
    const body = fs.createReadStream(full, range ? { start: range.start, end: range.end } : {});
    return { info, body: body as Readable };
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }
}
