import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A stored response: status, the headers to send again, and the body as the chunks it arrived in. */
export interface CachedResponse {
  status: number;
  headers: [string, string][];
  /** The body exactly as it was passed to the client, one element per chunk (a stream replays them). */
  chunks: Uint8Array[];
}

interface EntryMeta {
  status: number;
  headers: [string, string][];
  chunkLengths: number[];
}

/**
 * One gzip blob per entry: a 4-byte length, the JSON of status, headers and chunk lengths, then the
 * body bytes. Keeping the chunk lengths is what lets a hit replay a stream with its original boundaries.
 * Compressed because DynamoDB items are at most 400 KB and model output compresses several-fold.
 */
export async function encodeCachedResponse(response: CachedResponse): Promise<Uint8Array> {
  const meta: EntryMeta = {
    status: response.status,
    headers: response.headers,
    chunkLengths: response.chunks.map((chunk) => chunk.byteLength),
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(metaBytes.byteLength);
  return new Uint8Array(await gzipAsync(Buffer.concat([length, metaBytes, ...response.chunks])));
}

export async function decodeCachedResponse(blob: Uint8Array): Promise<CachedResponse> {
  const raw = await gunzipAsync(blob);
  const metaLength = raw.readUInt32BE(0);
  const meta = JSON.parse(raw.subarray(4, 4 + metaLength).toString("utf8")) as EntryMeta;
  const chunks: Uint8Array[] = [];
  let offset = 4 + metaLength;
  for (const chunkLength of meta.chunkLengths) {
    chunks.push(new Uint8Array(raw.subarray(offset, offset + chunkLength)));
    offset += chunkLength;
  }
  if (offset !== raw.byteLength) throw new Error("cache entry body does not match its chunk lengths");
  return { status: meta.status, headers: meta.headers, chunks };
}
