/** Property-style runs: every seed from 1 to RUNS is one random case, reproducible from its seed. */
export const RUNS = 150;
export const TOOL_NAMES = ["get_weather", "search", "lookup_user"];
