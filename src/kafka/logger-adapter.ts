import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../logger.js';
import { RepeatFilter } from './repeat-filter.js';

// The client's numeric levels (KafkaJS.logLevel), without importing its runtime enum.
const levels = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 3, DEBUG: 4 } as const;

/**
 * Routes the Kafka client's log lines (librdkafka's included) into pino, as structured records
 * with the client's facility, instead of console output. `onError` sees every error line (the
 * only place librdkafka reports authentication and TLS failures). Warnings and errors that
 * repeat within 10 s are logged once, then again with the count left out (RepeatFilter).
 */
export function kafkaLogger(
  log: Logger,
  onError: (message: string) => void = () => undefined,
): KafkaJS.Logger {
  let level: number = levels.INFO;
  const repeats = new RepeatFilter();
  const write =
    (min: number, fn: (obj: object, msg: string) => void) =>
    (message: string, extra?: object): void => {
      if (level < min) return;
      if (min > levels.WARN) {
        fn({ kafka: extra ?? {} }, message);
        return;
      }
      const admitted = repeats.admit(message);
      if (!admitted) return;
      const repeated = admitted.suppressed > 0 ? { repeatedSinceLast: admitted.suppressed } : {};
      fn({ kafka: extra ?? {}, ...repeated }, message);
    };
  const logError = write(levels.ERROR, (o, m) => log.error(o, m));
  const adapter: KafkaJS.Logger = {
    info: write(levels.INFO, (o, m) => log.info(o, m)),
    warn: write(levels.WARN, (o, m) => log.warn(o, m)),
    error: (message, extra) => {
      onError(message);
      logError(message, extra);
    },
    debug: write(levels.DEBUG, (o, m) => log.debug(o, m)),
    namespace: () => adapter,
    setLogLevel: (l: KafkaJS.logLevel) => {
      level = l;
    },
  };
  return adapter;
}
