import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * Signs a request for AWS SigV4 in place: the gateway's own signature for Bedrock when it uses a stored
 * access key pair or the Lambda's role. The signature covers the host the request really goes to (an
 * override's host when one is set), the method, the path as sent (the signer escapes it once more, as
 * SigV4 wants for every service but S3), the query, the body's hash, and the content-type.
 * The SDK's signer, for the general case; the log sink's SQS calls use the lean one (shared/aws/sigv4.ts
 * says why there are two).
 */
export async function signAwsRequest(
  url: string,
  method: string,
  headers: Headers,
  body: Uint8Array | null,
  signing: {
    service: string;
    region: string;
    credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  },
): Promise<void> {
  const target = new URL(url);
  const unsigned: Record<string, string> = { host: target.host };
  const contentType = headers.get("content-type");
  if (contentType) unsigned["content-type"] = contentType;
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of target.searchParams) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }

  const signer = new SignatureV4({
    service: signing.service,
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query,
    headers: unsigned,
    body: body ?? undefined,
  });
  for (const name of ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]) {
    headers.delete(name);
  }
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name !== "host") headers.set(name, value);
  }
}
