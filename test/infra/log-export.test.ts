import { describe, expect, it } from "vitest";
import { EXPORT_COLUMNS } from "../../shared/logs/export/export-columns.ts";
import { isHiveType } from "../support/hive-types.ts";
import { roleStatements, synthGateway } from "./synth-gateway.ts";

describe("the log export (logExport: true)", () => {
  const { stack, template, logicalId, properties } = synthGateway({ logExport: true });
  const exported = stack.gateway.logExport;
  if (!exported) throw new Error("logExport: true made no log export");
  const bucketId = logicalId(exported.bucket);
  const streamId = logicalId(exported.deliveryStream);
  const databaseName = "aigateway";

  it("is off by default: no delivery stream, bucket of its own, Glue table or workgroup", () => {
    const plain = synthGateway();
    for (const type of [
      "AWS::KinesisFirehose::DeliveryStream",
      "AWS::Glue::Table",
      "AWS::Athena::WorkGroup",
    ]) {
      expect(Object.keys(plain.template.findResources(type))).toEqual([]);
    }
    expect(plain.stack.gateway.logExport).toBeUndefined();
    const { Environment } = plain.properties(plain.stack.gateway.logWriterFunction) as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(Environment.Variables).not.toHaveProperty("LOG_EXPORT_STREAM");
  });

  it("keeps its bucket encrypted, private, TLS only and owner-enforced, and the bucket is kept with the stack", () => {
    expect(properties(exported.bucket)).toMatchObject({
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
    expect(template.toJSON().Resources[bucketId]).toMatchObject({ DeletionPolicy: "Retain" });
    const policy = Object.values(template.findResources("AWS::S3::BucketPolicy")).find(
      (candidate) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
    );
    expect(policy?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: "Deny",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ]),
    );
  });

  it("converts records to Parquet with the Glue table's schema and partitions them by day and gateway", () => {
    const stream = properties(exported.deliveryStream);
    expect(stream).toMatchObject({
      DeliveryStreamType: "DirectPut",
      DeliveryStreamEncryptionConfigurationInput: { KeyType: "AWS_OWNED_CMK" },
      ExtendedS3DestinationConfiguration: {
        BucketARN: { "Fn::GetAtt": [bucketId, "Arn"] },
        Prefix: "logs/date=!{partitionKeyFromQuery:date}/gateway=!{partitionKeyFromQuery:gateway}/",
        ErrorOutputPrefix: "errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/",
        CompressionFormat: "UNCOMPRESSED",
        BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 900 },
        DynamicPartitioningConfiguration: { Enabled: true },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: "RecordDeAggregation",
              Parameters: [{ ParameterName: "SubRecordType", ParameterValue: "JSON" }],
            },
            {
              Type: "MetadataExtraction",
              Parameters: [
                {
                  ParameterName: "MetadataExtractionQuery",
                  ParameterValue: "{date: .created_at[0:10], gateway: .gateway_id}",
                },
                { ParameterName: "JsonParsingEngine", ParameterValue: "JQ-1.6" },
              ],
            },
          ],
        },
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: "SNAPPY" } } },
          SchemaConfiguration: { DatabaseName: databaseName, TableName: "logs", VersionId: "LATEST" },
        },
        CloudWatchLoggingOptions: { Enabled: true },
      },
    });
  });

  it("declares the Glue table from the columns the log-writer writes, with projected date and gateway partitions", () => {
    const table = properties(exported.table) as {
      DatabaseName: string;
      TableInput: {
        PartitionKeys: unknown;
        Parameters: Record<string, string>;
        StorageDescriptor: { Columns: unknown; SerdeInfo: unknown };
      };
    };
    expect(table.DatabaseName).toBe(databaseName);
    expect(table.TableInput.StorageDescriptor.Columns).toEqual(
      EXPORT_COLUMNS.map(({ name, type }) => ({ Name: name, Type: type })),
    );
    const columns = table.TableInput.StorageDescriptor.Columns as Array<{ Name: string; Type: string }>;
    expect(columns.filter((column) => !isHiveType(column.Type))).toEqual([]);
    expect(columns).toEqual(
      expect.arrayContaining([
        { Name: "requested_model", Type: "string" },
        { Name: "dlp_action", Type: "string" },
        { Name: "dlp_policies", Type: "array<string>" },
        { Name: "dlp_check", Type: "array<string>" },
        { Name: "otel_trace_id", Type: "string" },
        {
          Name: "guardrails",
          Type: expect.stringMatching(
            /^struct<prompt:struct<action:string,categories:array<string>,.*>,response:/,
          ),
        },
      ]),
    );
    expect(table.TableInput.StorageDescriptor.SerdeInfo).toEqual({
      SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    });
    expect(table.TableInput.PartitionKeys).toEqual([
      { Name: "date", Type: "string" },
      { Name: "gateway", Type: "string" },
    ]);
    expect(table.TableInput.Parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.date.type": "date",
      "projection.date.format": "yyyy-MM-dd",
      "projection.gateway.type": "injected",
    });
  });

  it("gives Athena a workgroup that encrypts results in the bucket and caps what a query scans", () => {
    expect(properties(exported.workGroup)).toMatchObject({
      Name: "AiGateway-logs",
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 1024 ** 4,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: "SSE_S3" },
        },
      },
    });
  });

  it("lets the log-writer put records to its stream and nothing else on it, and names the stream in its environment", () => {
    const logWriter = stack.gateway.logWriterFunction;
    if (!logWriter.role) throw new Error("the log-writer has no role");
    const onStream = roleStatements(template, logicalId(logWriter.role)).filter((statement) =>
      statement.resource.includes(`"${streamId}"`),
    );
    expect(onStream).toEqual([
      { actions: ["firehose:PutRecordBatch"], resource: JSON.stringify({ "Fn::GetAtt": [streamId, "Arn"] }) },
    ]);
    const environment = (properties(logWriter) as { Environment: { Variables: Record<string, unknown> } })
      .Environment.Variables;
    expect(environment.LOG_EXPORT_STREAM).toEqual({ Ref: streamId });
    for (const fn of [stack.gateway.proxyFunction, stack.gateway.apiFunction]) {
      if (!fn.role) throw new Error(`${fn.node.path} has no role`);
      const statements = roleStatements(template, logicalId(fn.role));
      expect(statements.filter((statement) => statement.resource.includes(`"${streamId}"`))).toEqual([]);
      expect(
        statements.flatMap((statement) => statement.actions).filter((a) => a.startsWith("firehose:")),
      ).toEqual([]);
    }
  });

  it("lets Firehose write only under logs/ and errors/, read only its table's schema, and log to its own stream", () => {
    const role = properties(exported.deliveryRole) as {
      AssumeRolePolicyDocument: { Statement: unknown[] };
      Policies: Array<{
        PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> };
      }>;
    };
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "firehose.amazonaws.com" },
        Condition: { StringEquals: { "sts:ExternalId": { Ref: "AWS::AccountId" } } },
      }),
    ]);
    const statements = role.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
    const resourcesOf = (action: string) =>
      statements
        .filter((statement) => [statement.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat());
    expect(resourcesOf("s3:PutObject")).toEqual([
      { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/errors/*"]] },
      { "Fn::Join": ["", [{ "Fn::GetAtt": [bucketId, "Arn"] }, "/logs/*"]] },
    ]);
    expect(JSON.stringify(resourcesOf("glue:GetTable"))).toContain(`table/${databaseName}/logs`);
    expect(JSON.stringify(resourcesOf("logs:PutLogEvents"))).toContain(":log-stream:");
    const actions = statements.flatMap((statement) => [statement.Action].flat()).sort();
    expect(actions).toEqual(
      [
        "glue:GetTable",
        "glue:GetTableVersion",
        "glue:GetTableVersions",
        "logs:PutLogEvents",
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:PutObject",
      ].sort(),
    );
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });
});
