/**
 * Child process of the local runtime (started by backend.ts): the emulators `npm start` embeds, dynalite
 * and fauxqs, which stand for DynamoDB and SQS. In a process of their own they do not compete with the
 * proxy on its event loop, as the services do not on AWS. Tells the parent `ready` with their endpoints;
 * on `stop` closes them and exits (child-lifecycle.ts).
 */
import { exitWhenParentSays, failStart, tellParent } from "./child-lifecycle.ts";
import { type EmulatorEndpoints, startEmulators } from "./emulators.ts";

let emulators: EmulatorEndpoints | null = null;
exitWhenParentSays(async () => {
  await emulators?.stop();
});

try {
  emulators = await startEmulators(process.env.AIG_LOCAL_DATA_DIR || null);
  tellParent({ type: "ready", endpoints: { dynamodb: emulators.dynamodb, sqs: emulators.sqs } });
} catch (error) {
  failStart(error);
}
