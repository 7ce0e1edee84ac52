import fs from "node:fs";
import fsp from "node:fs/promises";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { assertStorageKey, contentTypeFor, type ByteRange } from "./keys";
import type { ObjectStorage, StoredObjectInfo } from "./types";

export type S3StorageConfig = {
  bucket: string;
  /** For stores other than AWS (MinIO, R2, Ceph, …); path-style addressing is used then. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix?: string;
};

function isMissing(err: unknown) {
  return (
    err instanceof NoSuchKey ||
    err instanceof NotFound ||
    (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
  );
}

/** Any S3-compatible object store. */
export class S3Storage implements ObjectStorage {
  readonly kind = "s3" as const;
  private readonly client: S3Client;

  constructor(private readonly config: S3StorageConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: Boolean(config.endpoint),
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // The SDK's default since 2025 (CRC32 trailers on uploads, checked on every download, whole-object
      // sums on ranged reads) is not understood by many S3-compatible stores; checksums only where the
      // API requires them works with AWS and with the rest.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private objectKey(key: string) {
    return `${this.config.prefix ?? ""}${assertStorageKey(key)}`;
  }

  async put(key: string, body: Buffer | Readable): Promise<StoredObjectInfo> {
    // A stream of unknown length is buffered: the files Booth stores through put are small (images);
    // recordings go through putFile, which streams with a known length.
    const bytes = Buffer.isBuffer(body) ? body : Buffer.concat(await body.toArray());
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: contentTypeFor(key),
        ContentLength: bytes.length,
      }),
    );
    return { key, size: bytes.length, contentType: contentTypeFor(key), modifiedAt: new Date() };
  }

  async putFile(key: string, sourcePath: string): Promise<StoredObjectInfo> {
    const { size } = await fsp.stat(sourcePath);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.objectKey(key),
        Body: fs.createReadStream(sourcePath),
        ContentType: contentTypeFor(key),
        ContentLength: size,
      }),
    );
    await fsp.rm(sourcePath, { force: true });
    return { key, size, contentType: contentTypeFor(key), modifiedAt: new Date() };
  }

  async stat(key: string): Promise<StoredObjectInfo | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
      );
      return {
        key,
        size: head.ContentLength ?? 0,
        contentType: contentTypeFor(key),
        modifiedAt: head.LastModified ?? new Date(0),
      };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange) {
    const info = await this.stat(key);
    if (!info) return null;
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.config.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return { info, body: out.Body as Readable };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    if (!prefix.endsWith("/")) throw new Error(`list a folder (ending in "/"), not ${prefix}`);
    const own = this.config.prefix ?? "";
    const out: StoredObjectInfo[] = [];
    let token: string | undefined;
    // Pages of 1,000 (S3's most), bounded: a folder of a million objects is not something to list here.
    for (let page = 0; page < 1000; page++) {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: this.objectKey(`${prefix}x`).slice(0, -1),
          ContinuationToken: token,
        }),
      );
      for (const o of res.Contents ?? []) {
        if (!o.Key?.startsWith(own)) continue;
        const key = o.Key.slice(own.length);
        out.push({
          key,
          size: o.Size ?? 0,
          contentType: contentTypeFor(key),
          modifiedAt: o.LastModified ?? new Date(0),
        });
      }
      if (!res.IsTruncated || !res.NextContinuationToken) return out;
      token = res.NextContinuationToken;
    }
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }));
  }
}
