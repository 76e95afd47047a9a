/** Time as the core sees it; tests pass a controllable one. `monotonic` is for durations only. */
export interface Clock {
  now(): number;
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
