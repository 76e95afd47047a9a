import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { signAwsRequest } from "../../../../shared/providers/aws-sigv4.ts";

const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

describe("signAwsRequest", () => {
  it("signs for the host the request goes to, and a verifier with the same key agrees", async () => {
    const url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku%3A0/converse";
    const body = new TextEncoder().encode('{"messages":[]}');
    const headers = new Headers({ "content-type": "application/json", authorization: "Bearer client-key" });

    await signAwsRequest(url, "POST", headers, body, {
      service: "bedrock",
      region: "us-east-1",
      credentials,
    });

    const authorization = headers.get("authorization") ?? "";
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
    );
    expect(authorization).toContain("SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date");
    const amzDate = headers.get("x-amz-date") ?? "";

    // Recompute the signature independently, at the same instant, from what went on the wire.
    const verifier = new SignatureV4({
      service: "bedrock",
      region: "us-east-1",
      credentials,
      sha256: Sha256,
    });
    const expected = await verifier.sign(
      {
        method: "POST",
        protocol: "https:",
        hostname: "bedrock-runtime.us-east-1.amazonaws.com",
        path: "/model/anthropic.claude-3-haiku%3A0/converse",
        query: {},
        headers: { host: "bedrock-runtime.us-east-1.amazonaws.com", "content-type": "application/json" },
        body,
      },
      {
        signingDate: new Date(
          `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
        ),
      },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });

  it("adds the session token of temporary credentials", async () => {
    const headers = new Headers();
    await signAwsRequest("http://127.0.0.1:9000/model/m/converse?x=1", "POST", headers, null, {
      service: "bedrock",
      region: "eu-west-1",
      credentials: { ...credentials, sessionToken: "session-token" },
    });
    expect(headers.get("x-amz-security-token")).toBe("session-token");
    expect(headers.get("authorization")).toContain("/eu-west-1/bedrock/aws4_request");
    expect(headers.has("host")).toBe(false);
  });
});
