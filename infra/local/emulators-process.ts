/**
 * Child process of the local runtime (started by backend.ts): the emulators `npm start` embeds, dynalite
 * and fauxqs, which stand for DynamoDB, SQS and S3. In a process of their own they do not compete with the
 * proxy on its event loop, as the services do not on AWS. Tells the parent `ready` with their endpoints;
 * on `stop` closes them and exits (child-lifecycle.ts). Started again after a crash, it is given the
 * endpoints of the one before (AIG_EMULATOR_ENDPOINTS) and listens on their ports, which every process of
 * the gateway has in its environment.
 */
import { exitWhenParentSays, failStart, tellParent } from "./child-lifecycle.ts";
import { type EmulatorEndpoints, type EmulatorPorts, startEmulators } from "./emulators.ts";

let emulators: EmulatorEndpoints | null = null;
exitWhenParentSays(async () => {
  await emulators?.stop();
});

try {
  emulators = await startEmulators(process.env.AIG_LOCAL_DATA_DIR || null, previousPorts());
  tellParent({
    type: "ready",
    endpoints: { dynamodb: emulators.dynamodb, sqs: emulators.sqs, s3: emulators.s3 },
  });
} catch (error) {
  failStart(error);
}

function previousPorts(): EmulatorPorts | undefined {
  const previous = process.env.AIG_EMULATOR_ENDPOINTS;
  if (!previous) return undefined;
  const endpoints = JSON.parse(previous) as { dynamodb: string; sqs: string };
  return { dynamodb: Number(new URL(endpoints.dynamodb).port), sqs: Number(new URL(endpoints.sqs).port) };
}
