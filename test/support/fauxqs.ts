import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp, interceptLocalhostDns } from "fauxqs";

export interface RunningSqs {
  client: SQSClient;
  createQueue(name: string): Promise<string>;
  /** Receives (with the SDK) until `expected` messages came back or ten long polls passed. */
  receiveAll(queueUrl: string, expected: number): Promise<Message[]>;
  stop(): Promise<void>;
}

/** A real SQS emulator (fauxqs) on 127.0.0.1 for one test file. */
export async function startSqs(): Promise<RunningSqs> {
  const app = buildApp({ logger: false });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  // fauxqs names queue URLs sqs.<region>.localhost: resolve those to loopback in this process.
  const restoreDns = interceptLocalhostDns();
  const client = new SQSClient({
    endpoint: address.replace("127.0.0.1", "sqs.us-east-1.localhost"),
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    client,
    async createQueue(name) {
      const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
      if (!QueueUrl) throw new Error("no queue url");
      return QueueUrl;
    },
    async receiveAll(queueUrl, expected) {
      const received: Message[] = [];
      for (let attempt = 0; attempt < 10 && received.length < expected; attempt++) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        received.push(...Messages);
      }
      return received;
    },
    async stop() {
      client.destroy();
      await app.close();
      restoreDns();
    },
  };
}
