import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const kafkaVersion = /<kafka.version>([^<]+)<\/kafka.version>/.exec(
  readFileSync(`${root}stack/kafka/pom.xml`, 'utf8'),
)?.[1];

export interface GroupPartitionRow {
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
}

/**
 * Kafka's own view of a consumer group (`kafka-consumer-groups --describe`), run from the jars
 * `make setup` fetched: an independent check of the lag streamfold exports.
 */
export function describeGroup(
  bootstrap: string,
  group: string,
  topic: string,
): Promise<GroupPartitionRow[]> {
  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-cp',
    `${root}.tools/kafka/${kafkaVersion}/libs/*`,
    'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--group',
    group,
  ];
  return new Promise((resolve, reject) => {
    execFile('java', args, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`ConsumerGroupCommand failed: ${stderr}`, { cause: error }));
        return;
      }
      const num = (s: string | undefined) => (s === undefined || s === '-' ? null : Number(s));
      const rows = stdout
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((cols) => cols[0] === group && cols[1] === topic)
        .map((cols) => ({
          partition: Number(cols[2]),
          currentOffset: num(cols[3]),
          logEndOffset: Number(cols[4]),
          lag: num(cols[5]),
        }))
        .sort((a, b) => a.partition - b.partition);
      resolve(rows);
    });
  });
}
