import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

const at = new Date("2026-01-01T00:00:00Z");

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])(
  "GatewayStore create, list, put, delete on %s",
  (emulator) => {
    let dynamo: RunningDynamo;
    let store: GatewayStore;

    beforeAll(async () => {
      dynamo = await startDynamo(emulator);
      store = new GatewayStore(dynamo.documentClient, await dynamo.createTable("config"));
    });

    afterAll(async () => {
      await dynamo.stop();
    });

    it("creates a gateway, and refuses a second with the same id with 409 without changing the first", async () => {
      const first = { ...defaultGateway("created", at), authentication: false };
      await store.create("acct", first);
      await expect(store.create("acct", defaultGateway("created", at))).rejects.toMatchObject({
        status: 409,
      });
      expect(await store.get("acct", "created")).toEqual(first);
    });

    it("stores and reads back retries and spend limits", async () => {
      const gateway = {
        ...defaultGateway("limits", at),
        retry_max_attempts: 3,
        retry_delay: 500,
        retry_backoff: "exponential" as const,
        spend_limits: {
          enabled: true,
          rules: [
            {
              id: "r1",
              enabled: true,
              limit: 12.5,
              limitType: "cost" as const,
              window: 86_400,
              technique: "sliding" as const,
              metadata: { user: { mode: "partition" as const } },
            },
          ],
        },
      };
      await store.create("acct", gateway);
      expect(await store.get("acct", "limits")).toEqual(gateway);
    });

    it("lists gateways in id order, a page at a time, with a case-insensitive id search", async () => {
      for (const id of ["b-gw", "a-gw", "c-other"]) await store.create("list-acct", defaultGateway(id, at));
      const page = await store.list("list-acct", { page: 1, per_page: 2 });
      expect(page.items.map((gateway) => gateway.id)).toEqual(["a-gw", "b-gw"]);
      expect(page.total).toBe(3);
      expect(
        (await store.list("list-acct", { page: 2, per_page: 2 })).items.map((gateway) => gateway.id),
      ).toEqual(["c-other"]);
      const searched = await store.list("list-acct", { page: 1, per_page: 20, search: "GW" });
      expect(searched.items.map((gateway) => gateway.id)).toEqual(["a-gw", "b-gw"]);
      expect(searched.total).toBe(2);
    });

    it("replaces a stored gateway, and does not create one that is missing", async () => {
      await store.create("acct", defaultGateway("updated", at));
      const changed = { ...defaultGateway("updated", at), collect_logs: false };
      expect(await store.put("acct", changed)).toEqual(changed);
      expect(await store.get("acct", "updated")).toEqual(changed);
      expect(await store.put("acct", defaultGateway("never-created", at))).toBeUndefined();
      expect(await store.get("acct", "never-created")).toBeUndefined();
    });

    it("deletes a gateway and returns it; a second delete finds nothing", async () => {
      const gateway = defaultGateway("deleted", at);
      await store.create("acct", gateway);
      expect(await store.delete("acct", "deleted")).toEqual(gateway);
      expect(await store.delete("acct", "deleted")).toBeUndefined();
      expect(await store.get("acct", "deleted")).toBeUndefined();
    });

    it("reads gateways stored before retries and spend limits existed, with their defaults", async () => {
      const { retry_max_attempts, retry_delay, retry_backoff, spend_limits, ...older } = defaultGateway(
        "older",
        at,
      );
      await store.createIfAbsent("acct", older as ReturnType<typeof defaultGateway>);
      expect(await store.get("acct", "older")).toMatchObject({
        retry_max_attempts: null,
        retry_delay: null,
        retry_backoff: null,
        spend_limits: { enabled: false, rules: [] },
      });
    });
  },
);
