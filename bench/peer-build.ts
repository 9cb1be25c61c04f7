import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Logger } from '../src/logger.js';
import { kafkaStreamsPeer } from './paths.js';

/** Builds the Kafka Streams peer with Maven when its jar is missing or older than its sources. */
export async function buildKafkaStreamsPeer(log: Logger): Promise<void> {
  log.info('building the Kafka Streams peer (Maven; the first build downloads its jars)');
  const build = spawn('bash', [join(kafkaStreamsPeer, 'build.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0)
    throw new Error(`bench/peers/kafka-streams/build.sh exited with code ${String(code)}`);
}
