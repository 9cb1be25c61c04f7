import {
  createAdmin,
  createConsumer,
  createProducer,
  type Admin,
  type Consumer,
  type ConsumerOptions,
  type Producer,
  type RdKafkaProps,
} from '../../src/kafka/index.js';
import { testConnection, testLogger, uniqueName } from './env.js';

/**
 * Opens Kafka clients for one test and closes them afterwards: uniquely named topics are
 * deleted, clients disconnected. Call `close()` in afterEach.
 */
export class KafkaTestKit {
  readonly conn = testConnection();
  readonly log = testLogger();
  private adminClient: Admin | undefined;
  private readonly topics: string[] = [];
  private readonly clients: { disconnect(): Promise<void> }[] = [];

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = createAdmin(this.conn, this.log, { clientId: uniqueName('test-admin') });
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  async createTopic(prefix: string, partitions: number): Promise<string> {
    const topic = uniqueName(prefix);
    const admin = await this.admin();
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    });
    this.topics.push(topic);
    return topic;
  }

  async producer(overrides: RdKafkaProps = {}): Promise<Producer> {
    const producer = createProducer(this.conn, this.log, {
      clientId: uniqueName('test-producer'),
      overrides,
    });
    await producer.connect();
    this.clients.push(producer);
    return producer;
  }

  consumer(opts: Partial<ConsumerOptions> = {}): Consumer {
    const consumer = createConsumer(this.conn, this.log, {
      clientId: opts.clientId ?? uniqueName('test-consumer'),
      groupId: opts.groupId ?? uniqueName('test-group'),
      overrides: opts.overrides ?? {},
    });
    this.clients.push(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    for (const client of this.clients.splice(0).reverse()) {
      await client.disconnect().catch(() => undefined);
    }
    if (this.adminClient) {
      if (this.topics.length > 0) {
        await this.adminClient.deleteTopics({ topics: this.topics.splice(0) });
      }
      await this.adminClient.disconnect();
      this.adminClient = undefined;
    }
  }
}
