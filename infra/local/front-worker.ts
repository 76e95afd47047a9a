/**
 * A process of the local runtime's front pool (started by front-pool.ts through node:cluster): the HTTP
 * front and the proxy and api handlers, on the port the pool shares, with the environment the parent set
 * for the handlers. Tells the parent `front-started`, and each finished request when it keeps the access log; on `stop` closes the front, lets its invocations queue
 * their log events, and exits (child-lifecycle.ts).
 */
import { interceptLocalhostDns } from "fauxqs";
import { exitWhenParentSays, failStart, tellParent } from "./child-lifecycle.ts";
import { type Front, startFront } from "./front.ts";

let front: Front | null = null;
exitWhenParentSays(async () => {
  await front?.stop();
});
// fauxqs's queue URLs name sqs.<region>.localhost, which the handlers' SQS clients call directly.
interceptLocalhostDns();

try {
  front = await startFront({
    port: Number(process.env.AIG_FRONT_PORT ?? 0),
    accountId: process.env.ACCOUNT_ID ?? "local",
    // The parent prints the access log; a record goes there once its response is over. Not once the
    // parent has gone: sending then emits an error that would end this process while it drains.
    onAccess:
      process.env.AIG_FRONT_ACCESS_LOG === "1"
        ? (record) => {
            if (process.connected) tellParent({ type: "access", record });
          }
        : undefined,
  });
  tellParent({ type: "front-started", url: front.url });
} catch (error) {
  failStart(error);
}
