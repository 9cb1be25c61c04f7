import { describe, expect, it } from 'vitest';
import { kafkaPassthrough, loadConnectionConfig } from '../../../src/config/index.js';
import { configIssues } from '../helpers/config-issues.js';

const issuesOf = (fn: () => unknown) => configIssues(fn).map((i) => i.path);

describe('loadConnectionConfig', () => {
  it('uses the documented defaults', () => {
    expect(loadConnectionConfig({}, {})).toEqual({
      brokers: ['127.0.0.1:9092'],
      redisUrl: 'redis://127.0.0.1:6379',
      httpAddr: '127.0.0.1:9464',
      statePrefix: 'sf',
      logLevel: 'info',
      kafka: {},
    });
  });

  it('flags override the environment, which overrides defaults', () => {
    const env = { KAFKA_BROKERS: 'a:1,b:2', STATE_PREFIX: 'from-env', HTTP_ADDR: '0.0.0.0:9000' };
    const config = loadConnectionConfig({ statePrefix: 'from-flag' }, env);
    expect(config.brokers).toEqual(['a:1', 'b:2']);
    expect(config.statePrefix).toBe('from-flag');
    expect(config.httpAddr).toBe('0.0.0.0:9000');
  });

  it('is frozen', () => {
    const config = loadConnectionConfig({}, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.brokers)).toBe(true);
  });

  it('names every bad field with its flag and variable', () => {
    const paths = issuesOf(() =>
      loadConnectionConfig(
        { brokers: 'nohost, ok:9092, big:70000', redisUrl: 'http://x', logLevel: 'loud' },
        { STATE_PREFIX: 'has{brace}', HTTP_ADDR: '9464' },
      ),
    );
    expect(paths).toEqual([
      'brokers[0] (--brokers / KAFKA_BROKERS)',
      'brokers[2] (--brokers / KAFKA_BROKERS)',
      'redisUrl (--redis / REDIS_URL)',
      'httpAddr (--http / HTTP_ADDR)',
      'statePrefix (--state-prefix / STATE_PREFIX)',
      'logLevel (--log-level / LOG_LEVEL)',
    ]);
  });

  it('rejects an empty broker list', () => {
    expect(issuesOf(() => loadConnectionConfig({ brokers: ' , ' }, {}))).toEqual([
      'brokers (--brokers / KAFKA_BROKERS)',
    ]);
  });
});

describe('kafkaPassthrough', () => {
  it('maps KAFKA_* variables to librdkafka properties, except our own', () => {
    expect(
      kafkaPassthrough({
        KAFKA_BROKERS: 'x:1',
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_MECHANISMS: 'SCRAM-SHA-512',
        KAFKA_SSL_CA_LOCATION: '/etc/ca.pem',
        REDIS_URL: 'redis://x',
      }),
    ).toEqual({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'ssl.ca.location': '/etc/ca.pem',
    });
  });
});
