import { runNodeForJson } from "../processes.ts";

export interface HandlerCpu {
  variant: string;
  workload: string;
  requests: number;
  cpuUsPerRequest: number;
  userUsPerRequest: number;
  systemUsPerRequest: number;
  wallUsP50: number;
  wallUsP99: number;
  elapsedMs: number;
}

/**
 * Runs children/handler-cpu.ts in a fresh process on one handler module (the TypeScript source through
 * tsx, or the esbuild bundle) for each workload's event file.
 */
export async function measureHandlerCpu(options: {
  benchDir: string;
  variant: string;
  module: string;
  count: number;
  events: Record<string, string>;
  env: Record<string, string>;
  /** Extra node flags for the child (profile.ts passes --cpu-prof). */
  nodeArgs?: string[];
}): Promise<HandlerCpu[]> {
  const labelled = Object.entries(options.events).map(([label, file]) => `${label}=${file}`);
  const output = await runNodeForJson(
    [
      ...(options.nodeArgs ?? []),
      "--import",
      `${options.benchDir}preload/resolve-localhost.mjs`,
      "--import",
      "tsx",
      `${options.benchDir}children/handler-cpu.ts`,
      options.module,
      String(options.count),
      ...labelled,
    ],
    { env: options.env, timeoutMs: 300_000 },
  );
  return Object.entries(output).map(([workload, result]) => ({
    variant: options.variant,
    workload,
    ...(result as Omit<HandlerCpu, "variant" | "workload">),
  }));
}
