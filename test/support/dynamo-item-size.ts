import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";

/**
 * DynamoDB's item size rules (developer guide, "Item sizes and formats"): attribute names plus values;
 * strings and binaries their bytes, numbers about one byte per two digits plus one, maps and lists 3 bytes
 * plus one per element. test/bench/log-items.ts sizes the benchmark's items the same way.
 */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, "").length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L) return 3 + value.L.reduce((sum, item) => sum + 1 + valueSize(item), 0);
  if (value.M) return 3 + attributesSize(value.M) + Object.keys(value.M).length;
  if (value.SS) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (value.NS) return value.NS.reduce((sum, number) => sum + Math.ceil(number.length / 2) + 1, 0);
  return 0;
}

function attributesSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

/** The size DynamoDB bills an item (as the document client writes it) by. */
export function dynamoItemSize(item: Record<string, unknown>): number {
  return attributesSize(marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }));
}

/** Write request units of one write of an item: 1 per KB, rounded up. */
export const writeUnits = (item: Record<string, unknown>) =>
  Math.max(1, Math.ceil(dynamoItemSize(item) / 1024));
