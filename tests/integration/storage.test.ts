import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { serveStoredObject } from "@/lib/storage/http";
import { LocalDiskStorage } from "@/lib/storage/local";
import { S3Storage } from "@/lib/storage/s3";
import type { ObjectStorage } from "@/lib/storage/types";

// The storage module's two drivers run the same contract: local disk in a temporary folder, and S3
// against gofakes3 (an S3-compatible server built from source and started by scripts/test.ts).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "booth-storage-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const drivers: [string, () => ObjectStorage][] = [
  ["local disk", () => new LocalDiskStorage(path.join(tmp, "root"))],
  [
    "S3 (gofakes3)",
    () =>
      new S3Storage({
        bucket: "booth-test",
        endpoint: process.env.FAKE_S3_URL!,
        region: "us-east-1",
        accessKeyId: "test",
        secretAccessKey: "test",
        prefix: `run-${process.pid}/`,
      }),
  ],
];

const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

describe.each(drivers)("storage on %s", (_name, make) => {
  const store = make();

  it("stores, stats, reads ranges and deletes", async () => {
    const key = "brands/default/logo-test.png";
    const put = await store.put(key, bytes);
    expect(put).toMatchObject({ key, size: 1000, contentType: "image/png" });
    expect(await store.stat(key)).toMatchObject({ size: 1000, contentType: "image/png" });
    const all = await store.read(key);
    expect(Buffer.concat(await all!.body.toArray())).toEqual(bytes);
    const part = await store.read(key, { start: 10, end: 19 });
    expect(Buffer.concat(await part!.body.toArray())).toEqual(bytes.subarray(10, 20));
    await store.delete(key);
    expect(await store.stat(key)).toBeNull();
    expect(await store.read(key)).toBeNull();
    await store.delete(key); // already gone: no error
  });

  it("lists a folder's objects with their sizes, and nothing outside it", async () => {
    const folder = `list-${Date.now().toString(36)}`;
    await store.put(`${folder}/a.png`, Buffer.from("aa"));
    await store.put(`${folder}/deeper/b.webm`, Buffer.from("bbb"));
    await store.put(`${folder}-other/c.png`, Buffer.from("c"));
    const listed = await store.list(`${folder}/`);
    expect(listed.map((o) => [o.key, o.size]).sort()).toEqual([
      [`${folder}/a.png`, 2],
      [`${folder}/deeper/b.webm`, 3],
    ]);
    expect(listed.every((o) => o.modifiedAt instanceof Date)).toBe(true);
    expect(await store.list(`${folder}-none/`)).toEqual([]);
    await expect(store.list("../")).rejects.toThrow();
  });

  it("takes a stream, and moves a finished file in (the source is gone after)", async () => {
    await store.put("a/streamed.txt", Readable.from([Buffer.from("hello "), Buffer.from("world")]));
    const read = await store.read("a/streamed.txt");
    expect(Buffer.concat(await read!.body.toArray()).toString()).toBe("hello world");
    const src = path.join(tmp, `finished-${Math.random()}.ogg`);
    fs.writeFileSync(src, bytes);
    const info = await store.putFile("recordings/x/rec.ogg", src);
    expect(info).toMatchObject({ size: 1000, contentType: "audio/ogg" });
    expect(fs.existsSync(src)).toBe(false);
  });

  it("refuses keys that could leave the root, before touching anything", async () => {
    for (const k of ["../outside.png", "a/../../b.png", "/etc/passwd", "A/b.png"]) {
      await expect(store.put(k, bytes), k).rejects.toThrow(/Invalid storage key/);
      await expect(store.stat(k), k).rejects.toThrow(/Invalid storage key/);
    }
  });

  it("serves an object with its type, ETag and range requests (206, 416, 304, HEAD)", async () => {
    const key = "recordings/serve/test.webm";
    await store.put(key, bytes);
    const url = "http://booth.test/x";
    const opts = { cacheControl: "private, no-store" };
    const full = await serveStoredObject(new Request(url), store, key, opts);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("video/webm");
    expect(full.headers.get("x-content-type-options")).toBe("nosniff");
    expect(full.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await full.arrayBuffer())).toEqual(bytes);

    const ranged = await serveStoredObject(new Request(url, { headers: { range: "bytes=100-199" } }), store, key, opts);
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes.subarray(100, 200));

    const past = await serveStoredObject(new Request(url, { headers: { range: "bytes=5000-" } }), store, key, opts);
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe("bytes */1000");

    const etag = full.headers.get("etag")!;
    const cached = await serveStoredObject(new Request(url, { headers: { "if-none-match": etag } }), store, key, opts);
    expect(cached.status).toBe(304);

    const head = await serveStoredObject(new Request(url, { method: "HEAD" }), store, key, opts);
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("1000");

    const missing = await serveStoredObject(new Request(url), store, "recordings/serve/none.webm", opts);
    expect(missing.status).toBe(404);

    const download = await serveStoredObject(new Request(url), store, key, { ...opts, downloadName: 'rec "1".webm' });
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="rec__1_.webm"');
  });
});

describe("local disk storage, links", () => {
  it("will not follow a symlink planted inside the root to a file outside it", async () => {
    const root = path.join(tmp, "linked");
    const store = new LocalDiskStorage(root);
    fs.mkdirSync(path.join(root, "brands"), { recursive: true });
    fs.writeFileSync(path.join(tmp, "secret.txt"), "secret");
    fs.symlinkSync(path.join(tmp, "secret.txt"), path.join(root, "brands", "logo.txt"));
    fs.symlinkSync(tmp, path.join(root, "escape"));
    expect(await store.stat("brands/logo.txt")).toBeNull();
    await expect(store.read("escape/secret.txt")).rejects.toThrow(/leaves the root/);
    await expect(store.put("escape/new.txt", Buffer.from("x"))).rejects.toThrow(/leaves the root/);
    expect(fs.existsSync(path.join(tmp, "new.txt"))).toBe(false);
  });

  it("never leaves a partial file under the key when a write fails midway", async () => {
    const store = new LocalDiskStorage(path.join(tmp, "partial"));
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        this.destroy(new Error("upload cut off"));
      },
    });
    await expect(store.put("a/b.png", failing)).rejects.toThrow(/cut off/);
    expect(await store.stat("a/b.png")).toBeNull();
    expect(fs.readdirSync(path.join(tmp, "partial", "a"))).toEqual([]);
  });
});
