import { createHmac, hash } from "node:crypto";
import type { AwsCredentialIdentity } from "@smithy/types";

/** One request to sign: the headers given are all signed (names lowercase), the body is hashed as sent. */
export interface SigV4Request {
  method: string;
  /** The URI path, already in canonical form (SQS's JSON protocol always posts to "/"). */
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * AWS Signature Version 4 for requests without a query string, with node:crypto, for the hot path of the
 * lean SQS client (lean-sqs-client.ts), where @smithy/signature-v4 (async hashing through a Checksum
 * class, header scans, its own key cache keyed by a hash) costs several times more CPU.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 *
 * Adds `x-amz-date`, `x-amz-content-sha256` (SQS does not need it; the SDK sends it, and the unit test
 * compares with the SDK's signer), `x-amz-security-token` when the credentials carry a session token, and
 * `authorization` to the request's headers, in place. The caller sets `host` and the other headers it wants
 * signed; headers added after signing (X-Amzn-Trace-Id) are not signed, as in the SDK.
 *
 * Why a second signer beside shared/providers/aws-sigv4.ts (@smithy/signature-v4, for Bedrock): this one
 * covers only what SQS's JSON protocol sends (no query string, path "/", a string body) and signs the log
 * sink's sends, made for every request's log event. The Bedrock calls need the general case (query
 * strings, paths that SigV4 escapes twice, credential providers) once per model call, where the SDK's
 * cost is noise beside the call. Widening this one to the general case would re-implement the SDK's.
 */
export class SigV4Signer {
  /** The signing key depends only on the secret, the day, the region and the service: one HMAC chain a day. */
  private cachedKey: { secret: string; day: string; key: HmacKey } | undefined;
  private readonly scopeSuffix: string;

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {
    this.scopeSuffix = `/${region}/${service}/aws4_request`;
  }

  sign(request: SigV4Request, credentials: AwsCredentialIdentity, now: Date = new Date()): void {
    const amzDate = toAmzDate(now);
    const day = amzDate.slice(0, 8);
    const payloadHash = hash("sha256", request.body, "hex");
    const headers = request.headers;
    headers["x-amz-date"] = amzDate;
    headers["x-amz-content-sha256"] = payloadHash;
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;

    const names = Object.keys(headers).sort();
    let canonicalHeaders = "";
    for (const name of names)
      canonicalHeaders += `${name}:${(headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`;
    const signedHeaders = names.join(";");
    const canonicalRequest = `${request.method}\n${request.path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${day}${this.scopeSuffix}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash("sha256", canonicalRequest, "hex")}`;
    const signature = this.signingKey(credentials.secretAccessKey, day).sign(stringToSign);
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  private signingKey(secret: string, day: string): HmacKey {
    const cached = this.cachedKey;
    if (cached && cached.secret === secret && cached.day === day) return cached.key;
    const dateKey = hmac(`AWS4${secret}`, day);
    const key = new HmacKey(hmac(hmac(hmac(dateKey, this.region), this.service), "aws4_request"));
    this.cachedKey = { secret, day, key };
    return key;
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** SHA-256's block size: HMAC pads its key to it (RFC 2104). */
const SHA256_BLOCK_BYTES = 64;

/**
 * HMAC-SHA256 under one key, as RFC 2104 defines it: H((K ^ opad) || H((K ^ ipad) || message)), with the two
 * padded keys computed once per key. The signing key signs every request's log event; in the proxy's CPU
 * profiles `createHmac` (a key object and an OpenSSL MAC context per call) cost about as much as the rest of
 * the signature, where two one-shot `crypto.hash` calls cost a fraction (docs/benchmarks.md, notes).
 */
class HmacKey {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  /** `key` is a derived signing key: 32 bytes, shorter than a block, so it is padded as it is. */
  constructor(key: Buffer) {
    this.inner = Buffer.alloc(SHA256_BLOCK_BYTES, 0x36);
    this.outer = Buffer.alloc(SHA256_BLOCK_BYTES + 32, 0x5c);
    for (let i = 0; i < key.byteLength; i++) {
      this.inner[i] = (this.inner[i] ?? 0) ^ (key[i] ?? 0);
      this.outer[i] = (this.outer[i] ?? 0) ^ (key[i] ?? 0);
    }
  }

  /** The hex HMAC of a message. */
  sign(message: string): string {
    const innerHash = hash("sha256", Buffer.concat([this.inner, Buffer.from(message)]), "buffer");
    innerHash.copy(this.outer, SHA256_BLOCK_BYTES);
    return hash("sha256", this.outer, "hex");
  }
}

/** `20261125T203000Z`: ISO 8601 basic format, UTC, whole seconds. */
function toAmzDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, "")}Z`;
}
