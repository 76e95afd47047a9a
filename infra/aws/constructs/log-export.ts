import { ArnFormat, Aws, Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import { CfnWorkGroup } from "aws-cdk-lib/aws-athena";
import { CfnDatabase, CfnTable } from "aws-cdk-lib/aws-glue";
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { CfnDeliveryStream } from "aws-cdk-lib/aws-kinesisfirehose";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, LogStream, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import {
  EXPORT_COLUMNS,
  EXPORT_PARTITION_KEYS,
  EXPORT_PREFIX,
} from "../../../shared/logs/export/export-columns.ts";

/** Records Firehose could not convert or partition, kept for inspection (and re-driving by hand). */
const ERRORS_PREFIX = "errors/";
/** Where the Athena workgroup writes query results; they are kept a week. */
const RESULTS_PREFIX = "athena-results/";
/** The Glue table's name in the stack's database. */
const TABLE_NAME = "logs";
/**
 * The most one query may scan: 1 TB, $5 at Athena's price (docs/analytics.md). A query over months of a
 * busy gateway's few columns stays far below; a `SELECT *` without a date range is stopped there.
 */
const BYTES_SCANNED_CUTOFF = 1024 ** 4;

export interface LogExportProps {
  readonly removalPolicy: RemovalPolicy;
  /** Retention of Firehose's own delivery-error log group. */
  readonly logRetention: RetentionDays;
}

/**
 * Logpush's counterpart (docs/analytics.md): every log the log-writer stores is also put to a Firehose
 * delivery stream, which converts the JSON records to Parquet with the Glue table's schema (record format
 * conversion) and writes them to this construct's bucket under `logs/date=YYYY-MM-DD/gateway={id}/`
 * (dynamic partitioning, the keys read from each record with JQ). The Glue table describes those files with
 * partition projection, so Athena finds new days and gateways without a crawler or MSCK REPAIR; the Athena
 * workgroup keeps results encrypted in the same bucket and caps what one query may scan.
 *
 * The bucket is private, TLS only and S3-encrypted like the log bodies bucket; the stream is encrypted
 * with an AWS-owned key; Firehose's role may write only under logs/ and errors/, read only this table's
 * definition, and write only its own delivery-error log stream. The log-writer may only PutRecordBatch.
 */
export class LogExport extends Construct {
  readonly bucket: Bucket;
  readonly deliveryStream: CfnDeliveryStream;
  readonly deliveryRole: Role;
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly workGroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: LogExportProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, "Bucket", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        { id: "AbortIncompleteUploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: "ExpireQueryResults", prefix: RESULTS_PREFIX, expiration: Duration.days(7) },
      ],
    });

    // Glue names: lower case, digits and underscores (Athena quotes anything else).
    const databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
    this.database = new CfnDatabase(this, "Database", {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: databaseName, description: "AI gateway log export (docs/analytics.md)" },
    });
    const location = `s3://${this.bucket.bucketName}/${EXPORT_PREFIX}`;
    this.table = new CfnTable(this, "Table", {
      catalogId: Aws.ACCOUNT_ID,
      databaseName,
      tableInput: {
        name: TABLE_NAME,
        description:
          "One row per request log, as the logs API shows it (shared/logs/export/export-columns.ts)",
        tableType: "EXTERNAL_TABLE",
        partitionKeys: EXPORT_PARTITION_KEYS.map(({ name, type }) => ({ name, type })),
        parameters: {
          classification: "parquet",
          // Partition projection: the partitions are computed from the query, never listed or crawled.
          // A gateway is "injected": queries name the gateways they read (WHERE gateway = '...').
          "projection.enabled": "true",
          "projection.date.type": "date",
          "projection.date.format": "yyyy-MM-dd",
          "projection.date.range": "2026-01-01,NOW",
          "projection.date.interval": "1",
          "projection.date.interval.unit": "DAYS",
          "projection.gateway.type": "injected",
          "storage.location.template": `${location}date=\${date}/gateway=\${gateway}/`,
        },
        storageDescriptor: {
          location,
          columns: EXPORT_COLUMNS.map(({ name, type }) => ({ name, type })),
          inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
          serdeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    const errorLogGroup = new LogGroup(this, "DeliveryErrors", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const errorLogStream = new LogStream(this, "DeliveryErrorStream", {
      logGroup: errorLogGroup,
      logStreamName: "DestinationDelivery",
    });
    const glueArn = (resource: string) => stack.formatArn({ service: "glue", resource });
    this.deliveryRole = new Role(this, "DeliveryRole", {
      // The confused-deputy guard AWS documents for Firehose roles: only this account's streams.
      assumedBy: new ServicePrincipal("firehose.amazonaws.com", {
        conditions: { StringEquals: { "sts:ExternalId": Aws.ACCOUNT_ID } },
      }),
      description: "Firehose log export: writes Parquet logs to the export bucket",
      inlinePolicies: {
        Delivery: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
              resources: [this.bucket.bucketArn],
            }),
            new PolicyStatement({
              actions: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
              resources: [
                this.bucket.arnForObjects(`${EXPORT_PREFIX}*`),
                this.bucket.arnForObjects(`${ERRORS_PREFIX}*`),
              ],
            }),
            // Record format conversion reads the table's schema.
            new PolicyStatement({
              actions: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
              resources: [
                glueArn("catalog"),
                glueArn(`database/${databaseName}`),
                glueArn(`table/${databaseName}/${TABLE_NAME}`),
              ],
            }),
            new PolicyStatement({
              actions: ["logs:PutLogEvents"],
              resources: [
                stack.formatArn({
                  service: "logs",
                  resource: "log-group",
                  resourceName: `${errorLogGroup.logGroupName}:log-stream:${errorLogStream.logStreamName}`,
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              ],
            }),
          ],
        }),
      },
    });

    this.deliveryStream = new CfnDeliveryStream(this, "DeliveryStream", {
      deliveryStreamType: "DirectPut",
      deliveryStreamEncryptionConfigurationInput: { keyType: "AWS_OWNED_CMK" },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: `${EXPORT_PREFIX}date=!{partitionKeyFromQuery:date}/gateway=!{partitionKeyFromQuery:gateway}/`,
        errorOutputPrefix: `${ERRORS_PREFIX}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        // Record format conversion and dynamic partitioning both need at least 64 MB of buffer; larger,
        // rarer files keep Athena fast. A quiet partition is written at least every 15 minutes.
        bufferingHints: { sizeInMBs: 128, intervalInSeconds: 900 },
        // Parquet compresses its own pages (Snappy); Firehose's compression must be off with conversion.
        compressionFormat: "UNCOMPRESSED",
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            // The log-writer sends a batch's logs as JSON lines in one record (firehose-log-exporter.ts):
            // split them first, so each log is partitioned and converted on its own.
            {
              type: "RecordDeAggregation",
              parameters: [{ parameterName: "SubRecordType", parameterValue: "JSON" }],
            },
            {
              type: "MetadataExtraction",
              parameters: [
                {
                  parameterName: "MetadataExtractionQuery",
                  // created_at is ISO 8601 in UTC (build-log-event.ts): its first ten characters are the day.
                  parameterValue: "{date: .created_at[0:10], gateway: .gateway_id}",
                },
                { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
              ],
            },
          ],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
          schemaConfiguration: {
            catalogId: Aws.ACCOUNT_ID,
            region: Aws.REGION,
            databaseName,
            tableName: TABLE_NAME,
            roleArn: this.deliveryRole.roleArn,
            versionId: "LATEST",
          },
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: errorLogGroup.logGroupName,
          logStreamName: errorLogStream.logStreamName,
        },
      },
    });
    this.deliveryStream.addResourceDependency(this.table);

    this.workGroup = new CfnWorkGroup(this, "WorkGroup", {
      name: `${stack.stackName}-logs`,
      description: "Queries over the AI gateway's exported logs (docs/analytics.md)",
      // Deleting the stack deletes the workgroup with its saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    });
  }

  /** The log-writer: puts records to the delivery stream, nothing else. */
  grantPut(fn: IFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ["firehose:PutRecordBatch"], resources: [this.deliveryStream.attrArn] }),
    );
  }
}
