import type { ManagementDependencies } from "../../../shared/management/dependencies.ts";
import { createManagementHandler } from "../../../shared/management/handle-management-request.ts";
import { AnalyticsStore } from "../../../shared/store/analytics-store.ts";
import { CustomProviderStore } from "../../../shared/store/custom-provider-store.ts";
import { DlpProfileStore } from "../../../shared/store/dlp-profile-store.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { LogCounterStore } from "../../../shared/store/log-counter-store.ts";
import { LogStore } from "../../../shared/store/log-store.ts";
import { RouteStore } from "../../../shared/store/route-store.ts";
import { TokenStore } from "../../../shared/store/token-store.ts";
import type { RunningDynamo } from "../../support/dynamodb-emulators.ts";
import { startDeleteWorker } from "../../support/log-delete-worker.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

export const ADMIN_TOKEN = "integration-admin-token-000000000000";

export interface Envelope<Result> {
  success: boolean;
  errors: { code: number; message: string }[];
  result: Result;
  result_info?: Record<string, number>;
}

export interface ManagementClient {
  deps: ManagementDependencies;
  /** Calls the management API of account "acct" with the admin token; returns status and envelope. */
  call<Result = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Envelope<Result> }>;
  /** Stops the log-delete queue and its worker. */
  stop(): Promise<void>;
}

/**
 * The management API's real handler over real stores on an emulator: what the api Lambda runs, with the
 * log-delete queue (fauxqs) and its worker polling it, as `npm start` runs them.
 */
export async function managementOver(
  dynamo: RunningDynamo,
  logsTable: string,
  now: () => number = Date.now,
): Promise<ManagementClient> {
  const configTable = await dynamo.createTable("config");
  const client = dynamo.documentClient;
  const gateways = new GatewayStore(client, configTable);
  const logs = new LogStore(client, logsTable, now);
  const deleteWorker = await startDeleteWorker({ client, logsTable, logs, gateways, poll: true, now });
  const deps: ManagementDependencies = {
    accountId: "acct",
    gateways,
    logs,
    counters: new LogCounterStore(client, logsTable, now),
    analytics: new AnalyticsStore(client, logsTable),
    logDeleteJobs: deleteWorker.jobs,
    tokens: new TokenStore(client, configTable),
    providerKeys: null,
    customProviders: new CustomProviderStore(client, configTable),
    dlpProfiles: new DlpProfileStore(client, configTable),
    routes: new RouteStore(client, configTable),
    adminToken: async () => ADMIN_TOKEN,
    logger: recordingLogger(),
  };
  const handle = createManagementHandler(deps);
  return {
    deps,
    stop: () => deleteWorker.stop(),
    async call(method, path, body) {
      const response = await handle(
        new Request(`http://gateway.test/client/v4/accounts/acct/ai-gateway${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return { status: response.status, body: (await response.json()) as Envelope<never> };
    },
  };
}
