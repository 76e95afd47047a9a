import { closeSync, existsSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import type { BuildAppOptions } from "fauxqs";

/** fauxqs's stores, as buildApp takes them (its package does not export the classes: emulators.ts loads them). */
export type FauxqsStores = NonNullable<BuildAppOptions["stores"]>;
type SqsStore = FauxqsStores["sqsStore"];
type SqsQueue = ReturnType<SqsStore["createQueue"]>;
type SqsMessage = Parameters<SqsQueue["enqueue"]>[0];

/** One line of the journal. A message moved to the dead-letter queue is `sent` again, to that queue. */
type JournalRecord =
  | { queue: string; arn: string; attributes: Record<string, string>; tags: Record<string, string> }
  | { queueDeleted: string }
  | { sent: string; to: string; body: string; at: number; attributes?: SqsMessage["messageAttributes"] }
  | { deleted: string }
  | { purged: string };

interface QueueDefinition {
  arn: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

interface LiveMessage {
  to: string;
  body: string;
  at: number;
  attributes?: SqsMessage["messageAttributes"];
}

/** Past this many lines that no longer matter (and more than twice the live ones), the file is rewritten. */
const COMPACT_AFTER_STALE_LINES = 10_000;

/**
 * What fauxqs holds only in memory (it has no persistence of its own, fauxqs 1.9 README), kept in an
 * append-only file: the queues and every message from the moment it is sent until it is deleted. On AWS a
 * message sent to SQS is stored durably until it is deleted; this is how the local runtime keeps that
 * promise when the emulators' process dies: the next one, on the same port, finds the queues and the
 * messages not yet deleted, and the log-writer stores them. Each change is written (a write(2), before
 * fauxqs answers the call that made it) to the operating system, which keeps it if the process is killed;
 * a machine that loses power may lose the last ones, as dynalite's files would. Delivery stays
 * at-least-once: a message received but not yet deleted comes back, as after a visibility timeout.
 */
export class QueueJournal {
  private fd: number | null = null;
  private readonly queues = new Map<string, QueueDefinition>();
  private readonly messages = new Map<string, LiveMessage>();
  private staleLines = 0;

  constructor(private readonly file: string) {}

  /**
   * Fills `store` (empty, not yet serving) with what the file holds, queue URLs on `port`, then journals
   * every change made to it from now on.
   */
  restoreInto(store: SqsStore, port: number): void {
    this.read();
    const replay = [...this.messages.values()];
    this.messages.clear();
    for (const [name, queue] of this.queues) {
      const region = queue.arn.split(":")[3] ?? "us-east-1";
      this.watch(
        store.createQueue(
          name,
          store.buildQueueUrl(name, String(port), "", region),
          queue.arn,
          queue.attributes,
          queue.tags,
        ),
      );
    }
    // The file is not open yet: the replayed messages (new ids) are only noted, then written by compact().
    for (const message of replay) store.getQueueByName(message.to)?.enqueue(restoredMessage(store, message));
    this.compact();
    const createQueue = store.createQueue.bind(store);
    store.createQueue = (name, url, arn, attributes, tags) => {
      const queue = createQueue(name, url, arn, attributes, tags);
      this.defineQueue(queue);
      this.watch(queue);
      return queue;
    };
    const deleteQueue = store.deleteQueue.bind(store);
    store.deleteQueue = (url) => {
      const name = store.getQueue(url)?.name;
      const deleted = deleteQueue(url);
      if (deleted && name) this.append({ queueDeleted: name });
      return deleted;
    };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Journals what changes a queue's messages or settings, before fauxqs makes the change. */
  private watch(queue: SqsQueue): void {
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (message) => {
      this.append({
        sent: message.messageId,
        to: queue.name,
        body: message.body,
        at: message.sentTimestamp,
        ...(Object.keys(message.messageAttributes).length > 0
          ? { attributes: message.messageAttributes }
          : {}),
      });
      enqueue(message);
    };
    const deleteMessage = queue.deleteMessage.bind(queue);
    queue.deleteMessage = (receiptHandle) => {
      const id = queue.inflightMessages.get(receiptHandle)?.message.messageId;
      if (id !== undefined) this.append({ deleted: id });
      return deleteMessage(receiptHandle);
    };
    const purge = queue.purge.bind(queue);
    queue.purge = () => {
      this.append({ purged: queue.name });
      purge();
    };
    const setAttributes = queue.setAttributes.bind(queue);
    queue.setAttributes = (attributes) => {
      setAttributes(attributes);
      this.defineQueue(queue);
    };
  }

  private defineQueue(queue: SqsQueue): void {
    this.append({
      queue: queue.name,
      arn: queue.arn,
      attributes: { ...queue.attributes },
      tags: Object.fromEntries(queue.tags),
    });
  }

  /** Applies a record to the live state and, while journaling, writes it. */
  private append(record: JournalRecord): void {
    this.apply(record);
    if (this.fd === null) return;
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    if (this.staleLines > COMPACT_AFTER_STALE_LINES && this.staleLines > 2 * this.messages.size)
      this.compact();
  }

  private apply(record: JournalRecord): void {
    if ("queue" in record) {
      if (this.queues.has(record.queue)) this.staleLines++;
      this.queues.set(record.queue, { arn: record.arn, attributes: record.attributes, tags: record.tags });
    } else if ("queueDeleted" in record) {
      this.queues.delete(record.queueDeleted);
      this.dropMessages((message) => message.to === record.queueDeleted);
    } else if ("sent" in record) {
      // A move to the dead-letter queue sends the same message again: it now lives there.
      if (this.messages.delete(record.sent)) this.staleLines++;
      this.messages.set(record.sent, {
        to: record.to,
        body: record.body,
        at: record.at,
        attributes: record.attributes,
      });
    } else if ("deleted" in record) {
      this.messages.delete(record.deleted);
      this.staleLines += 2;
    } else {
      this.dropMessages((message) => message.to === record.purged);
    }
  }

  private dropMessages(matches: (message: LiveMessage) => boolean): void {
    for (const [id, message] of this.messages) {
      if (matches(message)) {
        this.messages.delete(id);
        this.staleLines++;
      }
    }
  }

  private read(): void {
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, "utf8").split("\n")) {
      if (!line) continue;
      try {
        this.apply(JSON.parse(line) as JournalRecord);
      } catch {
        // A line cut short by a crash mid-write: its call was never answered, so its sender sends again.
      }
    }
  }

  /** Rewrites the file with only what is live, through a temporary file renamed over it. */
  private compact(): void {
    const lines: string[] = [];
    for (const [name, queue] of this.queues) lines.push(JSON.stringify({ queue: name, ...queue }));
    for (const [id, message] of this.messages) lines.push(JSON.stringify({ sent: id, ...message }));
    const next = `${this.file}.next`;
    const fd = openSync(next, "w");
    writeSync(fd, lines.length > 0 ? `${lines.join("\n")}\n` : "");
    closeSync(fd);
    renameSync(next, this.file);
    this.close();
    this.fd = openSync(this.file, "a");
    this.staleLines = 0;
  }
}

/** A fauxqs message for a journaled one, made by the store class's own factory (a new id, the old time). */
function restoredMessage(store: SqsStore, message: LiveMessage): SqsMessage {
  const factory = store.constructor as unknown as {
    createMessage(body: string, attributes?: SqsMessage["messageAttributes"]): SqsMessage;
  };
  const created = factory.createMessage(message.body, message.attributes ?? {});
  created.sentTimestamp = message.at;
  return created;
}
