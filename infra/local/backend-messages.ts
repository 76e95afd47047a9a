/** What the local runtime's backend process (backend-process.ts) and its parent (backend.ts) tell each other. */
export type ParentMessage =
  | { type: "start-log-writer"; env: Record<string, string>; queueUrl: string }
  | { type: "stop" };

export type BackendMessage =
  | { type: "ready"; endpoints: { dynamodb: string; sqs: string } | null }
  | { type: "log-writer-started" }
  | { type: "failed"; message: string };
