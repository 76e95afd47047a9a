import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGateway } from "../../../shared/schemas/gateway.ts";
import { GatewayStore } from "../../../shared/store/gateway-store.ts";
import { type EmulatorName, type RunningDynamo, startDynamo } from "../../support/dynamodb-emulators.ts";

describe.each<EmulatorName>(["dynamodb-local", "dynalite"])("GatewayStore on %s", (emulator) => {
  let dynamo: RunningDynamo;
  let store: GatewayStore;

  beforeAll(async () => {
    dynamo = await startDynamo(emulator);
    store = new GatewayStore(dynamo.documentClient, await dynamo.createTable("config"));
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  it("finds nothing for a gateway that was never created", async () => {
    expect(await store.get("acct", "missing")).toBeUndefined();
  });

  it("creates a gateway once and returns it", async () => {
    const created = await store.createIfAbsent(
      "acct",
      defaultGateway("default", new Date("2026-01-01T00:00:00Z")),
    );
    expect(created.authentication).toBe(true);
    expect(await store.get("acct", "default")).toEqual(created);
  });

  it("keeps the first gateway when two instances race to create it", async () => {
    const first = defaultGateway("raced", new Date("2026-01-01T00:00:00Z"));
    const second = { ...defaultGateway("raced", new Date("2026-02-01T00:00:00Z")), collect_logs: false };
    const results = await Promise.all([
      store.createIfAbsent("acct", first),
      store.createIfAbsent("acct", second),
    ]);
    const stored = await store.get("acct", "raced");
    // Whichever write won, both callers see the one stored gateway.
    expect(results[0]).toEqual(stored);
    expect(results[1]).toEqual(stored);
  });

  it("keeps gateways of different accounts apart", async () => {
    await store.createIfAbsent("other-acct", {
      ...defaultGateway("default", new Date()),
      collect_logs: false,
    });
    expect((await store.get("acct", "default"))?.collect_logs).toBe(true);
    expect((await store.get("other-acct", "default"))?.collect_logs).toBe(false);
  });
});
