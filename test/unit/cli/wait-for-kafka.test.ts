import { describe, expect, it } from 'vitest';
import { whileKafkaUnavailable } from '../../../src/cli/wait-for-kafka.js';
import { ErrorCodes, StreamfoldError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';

const log = createLogger('fatal', 'test');
const unreachable = () =>
  new StreamfoldError(ErrorCodes.KAFKA_UNAVAILABLE, 'admin could not connect to Kafka');

describe('whileKafkaUnavailable', () => {
  it('retries while the broker is unreachable, then returns the result', async () => {
    let calls = 0;
    const result = await whileKafkaUnavailable(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(unreachable()) : Promise.resolve('ok');
      },
      10_000,
      log,
      1,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('fails at once on an error that retrying cannot fix (credentials, TLS)', async () => {
    let calls = 0;
    const denied = new StreamfoldError(ErrorCodes.KAFKA_UNAVAILABLE, 'authentication failed', {
      retriable: false,
    });
    await expect(
      whileKafkaUnavailable(
        () => {
          calls += 1;
          return Promise.reject(denied);
        },
        10_000,
        log,
        1,
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
  });

  it('gives up with the last error when the wait is over', async () => {
    let calls = 0;
    await expect(
      whileKafkaUnavailable(
        () => {
          calls += 1;
          return Promise.reject(unreachable());
        },
        0,
        log,
        1,
      ),
    ).rejects.toMatchObject({ code: ErrorCodes.KAFKA_UNAVAILABLE });
    expect(calls).toBe(1);
  });
});
