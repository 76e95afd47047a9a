import { S3Client } from "@aws-sdk/client-s3";

/**
 * One S3 client per process. The endpoint comes from the SDK's own resolution, so `AWS_ENDPOINT_URL_S3`
 * points it at an emulator; emulators answer on one host, so bucket names go in the path there.
 */
export function createS3Client(): S3Client {
  return new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
}
