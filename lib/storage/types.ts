import type { Readable } from "node:stream";
import type { ByteRange } from "./keys";

export type StoredObjectInfo = { key: string; size: number; contentType: string; modifiedAt: Date };

/**
 * Where Booth keeps files (brand images, recordings, verification documents). Keys come from ./keys;
 * an object's content type is always the one its key's extension stands for (contentTypeFor).
 */
export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /** Writes the whole body under `key`, replacing what was there. */
  put(key: string, body: Buffer | Readable): Promise<StoredObjectInfo>;
  /** Moves (or copies then removes) a file already on this machine into storage, e.g. a finished recording. */
  putFile(key: string, sourcePath: string): Promise<StoredObjectInfo>;
  /** null when there is no such object. */
  stat(key: string): Promise<StoredObjectInfo | null>;
  /** The object's bytes (all, or one inclusive range); null when there is no such object. */
  read(key: string, range?: ByteRange): Promise<{ info: StoredObjectInfo; body: Readable } | null>;
  /**
   * The objects whose keys start with `prefix` (a folder, ending in "/"), in no particular order. Files being
   * written (not yet renamed into place) are not objects.
   */
  list(prefix: string): Promise<StoredObjectInfo[]>;
  /** Removes the object; no error when it is already gone. */
  delete(key: string): Promise<void>;
}
