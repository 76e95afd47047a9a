/**
 * Child process: DynamoDB (dynalite) and SQS and S3 (fauxqs), the same emulators `npm start` embeds, in a
 * process of their own so that they stand apart from our gateway's process as AWS's services do.
 * Prints one JSON line {dynamodb, sqs, s3} when listening.
 */
import { startEmulators } from "../../../infra/local/emulators.ts";

const emulators = await startEmulators(null);
console.log(JSON.stringify({ dynamodb: emulators.dynamodb, sqs: emulators.sqs, s3: emulators.s3 }));
process.once("SIGTERM", () => {
  emulators.stop().finally(() => process.exit(0));
});
