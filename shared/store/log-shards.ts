import { bodyPartition, logPartition } from "./log-keys.ts";

/**
 * Write sharding of a gateway's logs. A DynamoDB partition takes at most 1,000 write units a second, so
 * one partition per gateway (the layout before shards, "{account}#{gateway}") throttles a busy gateway.
 * With N shards a log goes to "{account}#{gateway}#{shard}", the shard a hash of its id modulo N, and its
 * body item (when its bodies stay in the table) to "{account}#{gateway}#bodies#{shard}". Readers find a log
 * by id from the same hash, and list by merging the shards in sort-key (UUIDv7, so time) order.
 *
 * N is a power of two, so it can be raised later without losing any log: a log written under N/2 is in
 * shard hash % (N/2), which the readers also try, and the shards 0..N/2-1 are among those a listing
 * merges. N = 1 is the layout before shards, which the readers always include: logs stored before the
 * upgrade keep working. Lowering N would hide the logs of the shards dropped, so it is not supported.
 */
export const MAX_LOG_SHARDS = 64;

/** The default: 1,000 logs a second per gateway at 2 write units each stays under half of 8 partitions. */
export const DEFAULT_LOG_SHARDS = 8;

/** A partition's write limit (DynamoDB: 1,000 WCU/s per partition), of which the shards take at most half. */
export const PARTITION_WRITE_UNITS_PER_SECOND = 1_000;
const WRITE_HEADROOM = 0.5;

export function isValidShardCount(shards: number): boolean {
  return Number.isInteger(shards) && shards >= 1 && shards <= MAX_LOG_SHARDS && (shards & (shards - 1)) === 0;
}

/**
 * The shards a gateway needs for its expected rate: the smallest power of two that keeps each shard
 * under half its partition's write limit, at `writeUnitsPerLog` (the log item, and its body item when the
 * bodies stay in the table; test/integration/logs/log-write-load.test.ts measures them on real items).
 */
export function shardsForRate(logsPerSecond: number, writeUnitsPerLog: number): number {
  const needed = (logsPerSecond * writeUnitsPerLog) / (PARTITION_WRITE_UNITS_PER_SECOND * WRITE_HEADROOM);
  let shards = 1;
  while (shards < needed && shards < MAX_LOG_SHARDS) shards *= 2;
  return shards;
}

/** FNV-1a of the id: spreads UUIDv7 ids (and any other text) evenly, the same on every reader and writer. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index += 1) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Where a log and its body item are: the partition key of each. */
export interface LogLocation {
  logPk: string;
  bodyPk: string;
}

function location(accountId: string, gatewayId: string, shard: number | undefined): LogLocation {
  if (shard === undefined)
    return { logPk: logPartition(accountId, gatewayId), bodyPk: bodyPartition(accountId, gatewayId) };
  return {
    logPk: `${logPartition(accountId, gatewayId)}#${shard}`,
    bodyPk: `${bodyPartition(accountId, gatewayId)}#${shard}`,
  };
}

/** Where a log written now goes: its shard under `shards`, or the unsharded layout when that is 1. */
export function writeLocation(accountId: string, gatewayId: string, id: string, shards: number): LogLocation {
  return location(accountId, gatewayId, shards === 1 ? undefined : idHash(id) % shards);
}

/**
 * Where a log may be, most likely first: its shard under `shards`, then under each smaller power of two
 * (written before N was raised), then the unsharded layout (written before shards).
 */
export function candidateLocations(
  accountId: string,
  gatewayId: string,
  id: string,
  shards: number,
): LogLocation[] {
  const hash = idHash(id);
  const shardsTried = new Set<number>();
  for (let count = shards; count >= 2; count /= 2) shardsTried.add(hash % count);
  return [
    ...[...shardsTried].map((shard) => location(accountId, gatewayId, shard)),
    location(accountId, gatewayId, undefined),
  ];
}

/** Every partition a listing merges: the N shards and the unsharded layout. */
export function listingPartitions(accountId: string, gatewayId: string, shards: number): string[] {
  const partitions = [logPartition(accountId, gatewayId)];
  if (shards > 1)
    for (let shard = 0; shard < shards; shard += 1)
      partitions.push(location(accountId, gatewayId, shard).logPk);
  return partitions;
}

/** The body partition that goes with a log partition (the shard's, or the unsharded one). */
export function bodyPartitionOf(accountId: string, gatewayId: string, logPk: string): string {
  const prefix = `${logPartition(accountId, gatewayId)}#`;
  return logPk.startsWith(prefix)
    ? `${bodyPartition(accountId, gatewayId)}#${logPk.slice(prefix.length)}`
    : bodyPartition(accountId, gatewayId);
}
