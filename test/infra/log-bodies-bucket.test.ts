import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { describe, expect, it } from "vitest";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

describe("the log bodies bucket", () => {
  const { stack, template, logicalId, properties } = synthGateway();
  const { logBodiesBucket, proxyFunction, apiFunction, logWriterFunction, logDeleterFunction } =
    stack.gateway;
  const bucketId = logicalId(logBodiesBucket);

  /** The actions a function's role is allowed on the bucket or its objects. */
  const actionsOnBucket = (fn: IFunction): string[] => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role`);
    return roleStatements(template, logicalId(fn.role))
      .filter((statement) => statement.resource.includes(`"${bucketId}"`))
      .flatMap((statement) => statement.actions)
      .sort();
  };
  const resourcesOnBucket = (fn: IFunction): string[] => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role`);
    return roleStatements(template, logicalId(fn.role))
      .filter((statement) => statement.resource.includes(`"${bucketId}"`))
      .map((statement) => statement.resource);
  };

  it("is encrypted, blocks every form of public access, and owns its objects (no ACLs)", () => {
    expect(properties(logBodiesBucket)).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
    });
    expect(properties(logBodiesBucket)).not.toHaveProperty("VersioningConfiguration");
  });

  it("refuses every request not made over TLS", () => {
    const policies = Object.values(template.findResources("AWS::S3::BucketPolicy")).filter(
      (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: "Deny",
          Action: "s3:*",
          Principal: { AWS: "*" },
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ]),
    );
  });

  it("is kept when the stack is deleted, by default", () => {
    expect(template.toJSON().Resources[bucketId]).toMatchObject({
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("keeps bodies until their logs are deleted when logs are kept forever (logsTtlDays 0)", () => {
    const rules = (properties(logBodiesBucket).LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    expect(rules).toEqual([
      expect.objectContaining({
        Status: "Enabled",
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }),
    ]);
    expect(rules[0]).not.toHaveProperty("ExpirationInDays");
  });

  it.each([
    [30, 30],
    [0.5, 1],
  ])("expires bodies with their logs when logsTtlDays is %s (after %s whole days)", (ttlDays, days) => {
    const ttl = synthGateway({ logsTtlDays: ttlDays });
    const rules = (
      ttl.properties(ttl.stack.gateway.logBodiesBucket).LifecycleConfiguration as {
        Rules: Record<string, unknown>[];
      }
    ).Rules;
    expect(rules).toEqual([expect.objectContaining({ Status: "Enabled", ExpirationInDays: days })]);
  });

  it("lets the log-writer put and delete body objects, and nothing else on the bucket", () => {
    expect(actionsOnBucket(logWriterFunction)).toEqual(["s3:DeleteObject", "s3:PutObject"]);
  });

  it("lets the api only get body objects: deleting logs is the log-deleter's", () => {
    expect(actionsOnBucket(apiFunction)).toEqual(["s3:GetObject"]);
  });

  it("lets the log-deleter only delete body objects", () => {
    expect(actionsOnBucket(logDeleterFunction)).toEqual(["s3:DeleteObject"]);
  });

  it("grants the functions only the objects under bodies/", () => {
    for (const fn of [apiFunction, logWriterFunction, logDeleterFunction])
      expect(resourcesOnBucket(fn)).toEqual([
        JSON.stringify({ "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/bodies/*"]] }),
      ]);
  });

  it("gives the proxy no access to the bucket and does not name it to the proxy", () => {
    expect(actionsOnBucket(proxyFunction)).toEqual([]);
    const variables = (properties(proxyFunction).Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables).not.toHaveProperty("LOG_BODIES_BUCKET");
  });

  it.each([
    ["api", apiFunction],
    ["log-writer", logWriterFunction],
    ["log-deleter", logDeleterFunction],
  ])("names the bucket to the %s (LOG_BODIES_BUCKET)", (_, fn) => {
    const variables = (properties(fn).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.LOG_BODIES_BUCKET).toEqual({ Ref: bucketId });
  });
});
