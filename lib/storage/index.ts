import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { LocalDiskStorage } from "./local";
import { S3Storage } from "./s3";
import type { ObjectStorage } from "./types";

export type { ObjectStorage, StoredObjectInfo } from "./types";

let instance: ObjectStorage | null = null;

/**
 * The one place Booth keeps files: local disk under the data folder by default (STORAGE_DIR), or any
 * S3-compatible store (STORAGE_DRIVER=s3 with the S3_* variables). Brand images, recordings and
 * verification documents all go through it; nothing else writes files that users upload or download.
 */
export function storage(): ObjectStorage {
  if (instance) return instance;
  if (env.STORAGE_DRIVER === "s3") {
    instance = new S3Storage({
      bucket: env.S3_BUCKET!,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID!,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
      prefix: env.S3_PREFIX,
    });
  } else {
    instance = new LocalDiskStorage(env.STORAGE_DIR ?? path.join(process.cwd(), ".data", "storage"));
  }
  return instance;
}
