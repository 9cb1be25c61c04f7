import { Option, type Command } from 'commander';
import { connectKafka, createAdmin, ensureTopics } from '../../kafka/index.js';
import { createLogger } from '../../logger.js';
import { topologyTopicLayout, topologyTopics } from '../../topology/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { positiveInt } from '../parse-options.js';
import { loadAnyTopologyArgument } from '../topology-argument.js';

interface TopicsFlags {
  partitions?: number;
  replicationFactor?: number;
  json?: boolean;
}

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('manage the Kafka topics of a topology');
  withConnectionOptions(
    topics
      .command('create')
      .description(
        'create the source (input), derived and dead-letter topics of a topology of either format (existing ones are kept)',
      )
      .argument('[topology]', 'topology file', 'topologies/orders.yaml')
      .addOption(
        new Option('--partitions <n>', 'partitions per topic (default: the topology)').argParser(
          positiveInt('--partitions'),
        ),
      )
      .addOption(
        new Option(
          '--replication-factor <n>',
          'replicas per partition (default: the topology)',
        ).argParser(positiveInt('--replication-factor')),
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, flags: TopicsFlags & Parameters<typeof connectionFrom>[0]) => {
    const conn = connectionFrom(flags);
    const { topology } = loadAnyTopologyArgument(file);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-topics',
    );
    const layout = topologyTopicLayout(topology);
    const partitions = flags.partitions ?? layout.partitions;
    const replicationFactor = flags.replicationFactor ?? layout.replicationFactor;
    const names = topologyTopics(topology);
    const admin = await connectKafka(
      createAdmin(conn, log, { clientId: 'streamfold-topics' }),
      conn,
      'admin',
    );
    try {
      const result = await ensureTopics(
        admin,
        names.map((topic) => ({ topic, partitions, replicationFactor })),
      );
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      for (const t of result.created)
        process.stdout.write(`created  ${t} (${partitions} partitions)\n`);
      for (const t of result.existing) {
        const note =
          t.partitions === partitions ? '' : ` (has ${t.partitions} partitions, not ${partitions})`;
        process.stdout.write(`exists   ${t.topic}${note}\n`);
      }
    } finally {
      await admin.disconnect();
    }
  });
}
