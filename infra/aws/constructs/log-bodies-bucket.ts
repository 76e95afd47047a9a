import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/** Where the objects live in the bucket (shared/store/log-body-objects.ts, logBodyKey). */
const BODIES_PREFIX = "bodies/";

export interface LogBodiesBucketProps {
  /** The stack's log retention (logsTtlDays): objects expire with their logs; 0 keeps them until deleted. */
  readonly ttlDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The bucket of logs' request and response bodies, gzip objects the log-writer puts before it writes each
 * log item (docs/logging.md). Private and TLS-only, encrypted with S3-managed keys (as the logs table is
 * with an AWS-owned key); no versions, so a delete removes a body for good.
 */
export class LogBodiesBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: LogBodiesBucketProps) {
    super(scope, id);
    this.bucket = new Bucket(this, "Bucket", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        {
          id: "ExpireWithTheirLogs",
          // S3 counts whole days (to the next midnight UTC): an object outlives its log item, never the
          // reverse, and the api reads a body only for a log that has not expired.
          ...(props.ttlDays > 0 ? { expiration: Duration.days(Math.ceil(props.ttlDays)) } : {}),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /** The log-writer: puts the bodies, and deletes them with the logs it drops or trims. */
  grantWriteAndDelete(fn: IFunction): void {
    this.grant(fn, ["s3:PutObject", "s3:DeleteObject"]);
  }

  /** The api: reads bodies (the body endpoints). No listing; deleting is the log-deleter's. */
  grantRead(fn: IFunction): void {
    this.grant(fn, ["s3:GetObject"]);
  }

  /** The log-deleter: deletes bodies with the logs its jobs delete. */
  grantDelete(fn: IFunction): void {
    this.grant(fn, ["s3:DeleteObject"]);
  }

  private grant(fn: IFunction, actions: string[]): void {
    fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${BODIES_PREFIX}*`)] }),
    );
  }
}
