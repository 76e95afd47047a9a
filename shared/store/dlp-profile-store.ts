import { randomUUID } from "node:crypto";
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CustomDlpProfileInput, DlpEntryInput } from "../schemas/dlp-profile.ts";
import { isConditionFailure } from "./conflict-error.ts";
import { queryAllPages } from "./query-all-pages.ts";

/** A custom entry: a regular expression (`pattern`) or a word list (`words`). */
export interface CustomDlpEntry {
  id: string;
  name: string;
  enabled: boolean;
  description: string | null;
  pattern?: { regex: string };
  words?: string[];
  created_at: string;
  updated_at: string;
}

export interface CustomDlpProfile {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  entries: CustomDlpEntry[];
  /** ISO 8601, as Cloudflare gives a profile's times. */
  created_at: string;
  updated_at: string;
}

const PROFILE_PREFIX = "DLP_PROFILE#";
const accountKey = (accountId: string) => `ACCOUNT#${accountId}`;
const profileKey = (accountId: string, id: string) => ({
  pk: accountKey(accountId),
  sk: `${PROFILE_PREFIX}${id}`,
});

function toProfile(item: Record<string, unknown>): CustomDlpProfile {
  const { pk, sk, ...profile } = item;
  return profile as unknown as CustomDlpProfile;
}

/**
 * Entries as given; an entry that names the `entry_id` of an existing one keeps its id and creation
 * time (Cloudflare's update body), any other gets a new id.
 */
function buildEntries(
  inputs: readonly DlpEntryInput[],
  existing: readonly CustomDlpEntry[],
  now: string,
): CustomDlpEntry[] {
  return inputs.map((input) => {
    const previous = input.entry_id ? existing.find((entry) => entry.id === input.entry_id) : undefined;
    return {
      id: previous?.id ?? randomUUID(),
      name: input.name,
      enabled: input.enabled,
      description: input.description ?? null,
      ...(input.pattern ? { pattern: { regex: input.pattern.regex } } : {}),
      ...(input.words ? { words: input.words } : {}),
      created_at: previous?.created_at ?? now,
      updated_at: now,
    };
  });
}

/**
 * Custom DLP profiles in the config table, beside custom providers: pk "ACCOUNT#{account}", sk
 * "DLP_PROFILE#{id}", one item per profile with its entries (a body is at most 64 KB, far below
 * DynamoDB's item limit).
 */
export class DlpProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(accountId: string, input: CustomDlpProfileInput): Promise<CustomDlpProfile> {
    const now = this.now().toISOString();
    const profile: CustomDlpProfile = {
      id: randomUUID(),
      account_id: accountId,
      name: input.name,
      description: input.description ?? null,
      entries: buildEntries(input.entries ?? [], [], now),
      created_at: now,
      updated_at: now,
    };
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...profileKey(accountId, profile.id), ...profile },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return profile;
  }

  /** Every custom profile of the account, by name. */
  async list(accountId: string): Promise<CustomDlpProfile[]> {
    const items = await queryAllPages(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": accountKey(accountId), ":prefix": PROFILE_PREFIX },
      ConsistentRead: true,
    });
    return items.map(toProfile).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async get(accountId: string, id: string): Promise<CustomDlpProfile | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(accountId, id), ConsistentRead: true }),
    );
    return Item ? toProfile(Item) : undefined;
  }

  /** Cloudflare's PUT: name and description replaced; entries replaced when given, else kept. */
  async update(
    accountId: string,
    id: string,
    input: CustomDlpProfileInput,
  ): Promise<CustomDlpProfile | undefined> {
    const existing = await this.get(accountId, id);
    if (!existing) return undefined;
    const now = this.now().toISOString();
    const updated: CustomDlpProfile = {
      ...existing,
      name: input.name,
      description: input.description === undefined ? existing.description : input.description,
      entries: input.entries ? buildEntries(input.entries, existing.entries, now) : existing.entries,
      updated_at: now,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...profileKey(accountId, id), ...updated },
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
    return updated;
  }

  async delete(accountId: string, id: string): Promise<CustomDlpProfile | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: profileKey(accountId, id),
        ReturnValues: "ALL_OLD",
      }),
    );
    return Attributes ? toProfile(Attributes) : undefined;
  }
}
