import { describe, expect, it } from 'vitest';
import {
  kafkaPassthrough,
  loadConnectionConfig,
  loadGroupConfig,
} from '../../../src/config/index.js';
import { configIssues } from '../helpers/config-issues.js';

const issuesOf = (fn: () => unknown) => configIssues(fn).map((i) => ({ ...i }));

describe('loadGroupConfig', () => {
  it('defaults to the classic protocol and dynamic membership', () => {
    expect(loadGroupConfig({}, {})).toEqual({ protocol: 'classic' });
  });

  it('reads the environment; flags override it; empty means unset', () => {
    const env = { KAFKA_GROUP_PROTOCOL: 'consumer', KAFKA_GROUP_INSTANCE_ID: 'worker-a' };
    expect(loadGroupConfig({}, env)).toEqual({ protocol: 'consumer', instanceId: 'worker-a' });
    expect(loadGroupConfig({ groupProtocol: 'classic', groupInstanceId: 'b' }, env)).toEqual({
      protocol: 'classic',
      instanceId: 'b',
    });
    expect(loadGroupConfig({}, { KAFKA_GROUP_PROTOCOL: '', KAFKA_GROUP_INSTANCE_ID: '' })).toEqual({
      protocol: 'classic',
    });
  });

  it('names a bad protocol and a bad instance id with their flag and variable', () => {
    const issues = issuesOf(() =>
      loadGroupConfig({ groupInstanceId: 'has space' }, { KAFKA_GROUP_PROTOCOL: 'eager' }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'groupProtocol (--group-protocol / KAFKA_GROUP_PROTOCOL)',
      'groupInstanceId (--group-instance-id / KAFKA_GROUP_INSTANCE_ID)',
    ]);
    expect(issues[0]?.message).toMatch(/classic or consumer/);
  });

  it('refuses classic-only client settings with the consumer protocol, naming the variable', () => {
    const env = {
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
      KAFKA_PARTITION_ASSIGNMENT_STRATEGY: 'range',
    };
    const issues = issuesOf(() => loadGroupConfig({ groupProtocol: 'consumer' }, env));
    expect(issues.map((i) => i.path)).toEqual([
      'KAFKA_SESSION_TIMEOUT_MS',
      'KAFKA_HEARTBEAT_INTERVAL_MS',
      'KAFKA_PARTITION_ASSIGNMENT_STRATEGY',
    ]);
    expect(issues[0]?.message).toMatch(/not allowed with group protocol "consumer"/);
    // The classic protocol takes them.
    expect(loadGroupConfig({}, env)).toEqual({ protocol: 'classic' });
  });
});

describe('group settings and the KAFKA_* passthrough', () => {
  it('keeps them out of the properties every client gets', () => {
    const env = {
      KAFKA_GROUP_PROTOCOL: 'consumer',
      KAFKA_GROUP_INSTANCE_ID: 'w-1',
      KAFKA_CLIENT_RACK: 'r1',
    };
    expect(kafkaPassthrough(env)).toEqual({ 'client.rack': 'r1' });
    expect(loadConnectionConfig({}, env).kafka).toEqual({ 'client.rack': 'r1' });
  });
});
