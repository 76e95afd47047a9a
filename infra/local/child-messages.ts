import type { AccessRecord } from "./access-record.ts";

/**
 * What the local runtime's children (emulators-process.ts, log-writer-process.ts, front-worker.ts) and their
 * parent (backend.ts, front-pool.ts) tell each other.
 */
export type ParentMessage = { type: "stop" };

export type ChildMessage =
  | { type: "ready"; endpoints: { dynamodb: string; sqs: string; s3: string } }
  | { type: "log-writer-started" }
  | { type: "front-started"; url: string }
  /** A front process's finished request, for the access log the parent prints. */
  | { type: "access"; record: AccessRecord }
  | { type: "failed"; message: string };
