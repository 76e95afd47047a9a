import { describe, expect, it } from "vitest";
import { waitForCacheWrite } from "../../../../shared/cache/response-cache.ts";

describe("waitForCacheWrite", () => {
  it("settles when the write has landed", async () => {
    let landed = false;
    const write = new Promise<boolean>((resolve) =>
      setTimeout(() => {
        landed = true;
        resolve(true);
      }, 10),
    );
    await waitForCacheWrite(write, 60_000);
    expect(landed).toBe(true);
  });

  it("settles without rejecting when the write fails: a failed write never fails the response", async () => {
    await expect(waitForCacheWrite(Promise.reject(new Error("throttled")), 60_000)).resolves.toBeUndefined();
  });

  it("stops waiting after the limit when the write hangs", async () => {
    await expect(waitForCacheWrite(new Promise(() => {}), 5)).resolves.toBeUndefined();
  });
});
