import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../src/config/index.js';
import { commonProps, groupProps, isFatal } from '../../../src/kafka/index.js';

describe('commonProps', () => {
  const conn = {
    brokers: ['127.0.0.1:9092'],
    kafka: {
      'session.timeout.ms': '6000',
      'heartbeat.interval.ms': '1000',
      'socket.timeout.ms': '5000',
    },
  } as unknown as ConnectionConfig;

  it('gives the group properties of the passthrough to consumers only', () => {
    expect(commonProps(conn, 'c')).toMatchObject({
      'session.timeout.ms': '6000',
      'socket.timeout.ms': '5000',
    });
    for (const role of ['producer', 'admin'] as const) {
      const props = commonProps(conn, 'p', role);
      expect(props).not.toHaveProperty('session.timeout.ms');
      expect(props).not.toHaveProperty('heartbeat.interval.ms');
      expect(props['socket.timeout.ms']).toBe('5000');
      expect(props['bootstrap.servers']).toBe('127.0.0.1:9092');
    }
  });
});

describe('groupProps', () => {
  it('classic: cooperative-sticky, incremental rebalances', () => {
    expect(groupProps({ protocol: 'classic' })).toEqual({
      'group.protocol': 'classic',
      'partition.assignment.strategy': 'cooperative-sticky',
    });
    expect(groupProps()).toEqual(groupProps({ protocol: 'classic' }));
  });

  it('consumer (KIP-848): none of the properties librdkafka refuses with it', () => {
    const props = groupProps({ protocol: 'consumer' });
    expect(props).toEqual({ 'group.protocol': 'consumer' });
    for (const refused of [
      'partition.assignment.strategy',
      'session.timeout.ms',
      'heartbeat.interval.ms',
      'group.protocol.type',
    ]) {
      expect(props).not.toHaveProperty([refused]);
    }
  });

  it('static membership in either protocol', () => {
    expect(groupProps({ protocol: 'classic', instanceId: 'w-1' })['group.instance.id']).toBe('w-1');
    expect(groupProps({ protocol: 'consumer', instanceId: 'w-2' })).toEqual({
      'group.protocol': 'consumer',
      'group.instance.id': 'w-2',
    });
  });
});

describe('isFatal', () => {
  it("recognises librdkafka's fatal error as the client reports it, nothing else", () => {
    expect(
      isFatal(
        'Consumer encountered error while consuming. Retrying. Error details: KafkaJSError: Local: Fatal error : Error: Local: Fatal error',
      ),
    ).toBe(true);
    expect(isFatal('[thrd:main]: Broker: Coordinator load in progress: retrying')).toBe(false);
    expect(isFatal('Local: Broker transport failure')).toBe(false);
  });
});
