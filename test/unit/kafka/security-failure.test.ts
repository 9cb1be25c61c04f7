import { describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../../src/config/index.js';
import { ErrorCodes, StreamfoldError } from '../../../src/errors.js';
import { connectKafka, securityFailure } from '../../../src/kafka/index.js';

describe('securityFailure', () => {
  it('names a SASL authentication failure, without librdkafka thread and timing noise', () => {
    expect(
      securityFailure(
        '[thrd:sasl_ssl://127.0.0.1:38459/bootstrap]: sasl_ssl://127.0.0.1:38459/bootstrap: SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 (after 309ms in state AUTH_REQ)',
      ),
    ).toBe(
      'authentication failed (SASL): SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
  });

  it('names an untrusted broker certificate as a TLS failure', () => {
    expect(
      securityFailure(
        '[thrd:sasl_ssl://127.0.0.1:38459/bootstrap]: sasl_ssl://127.0.0.1:38459/bootstrap: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed: broker certificate could not be verified, verify that ssl.ca.location is correctly configured or root CA certificates are installed (install ca-certificates package) (after 7ms in state SSL_HANDSHAKE, 1 identical error(s) suppressed)',
      ),
    ).toMatch(/^TLS handshake failed: SSL handshake failed: .*certificate verify failed/);
  });

  it('ignores other errors', () => {
    expect(
      securityFailure(
        '[thrd:127.0.0.1:9/bootstrap]: 127.0.0.1:9/bootstrap: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after 0ms in state CONNECT)',
      ),
    ).toBeUndefined();
  });
});

describe('connectKafka', () => {
  const conn = loadConnectionConfig({ brokers: '127.0.0.1:9' }, {});

  it('proves an admin client reaches a broker: a failed metadata request is SF_KAFKA_UNAVAILABLE', async () => {
    let disconnected = false;
    const admin = {
      connect: () => Promise.resolve(),
      listTopics: () => Promise.reject(new Error('Local: Broker transport failure')),
      disconnect: () => {
        disconnected = true;
        return Promise.resolve();
      },
    };
    const error = await connectKafka(admin, conn, 'admin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamfoldError);
    expect(error).toMatchObject({
      code: ErrorCodes.KAFKA_UNAVAILABLE,
      retriable: true,
      message: 'admin could not connect to Kafka at 127.0.0.1:9: Local: Broker transport failure',
    });
    expect(disconnected).toBe(true);
  });
});
