import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../../src/config/index.js';
import { ConfigError } from '../../../src/errors.js';
import { isPermissionError, tlsOptions } from '../../../src/state/redis-client.js';

const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-config-')), name);
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const field = 'redisTlsCa (--redis-tls-ca / REDIS_TLS_CA_FILE)';

describe('the Redis CA bundle setting', () => {
  it('is absent by default, and a redis:// client gets no TLS options', () => {
    const config = loadConnectionConfig({}, {});
    expect('redisTlsCa' in config).toBe(false);
    expect(tlsOptions(config)).toEqual({});
  });

  it('reads the file at start, from the environment or the flag (the flag wins)', () => {
    const fromEnv = tempFile('env.pem', pem);
    const fromFlag = tempFile('flag.pem', pem.replace('MIIB', 'MIIC'));
    const env = { REDIS_URL: 'rediss://u:p@h:6380', REDIS_TLS_CA_FILE: fromEnv };
    expect(loadConnectionConfig({}, env).redisTlsCa).toEqual({ file: fromEnv, pem });
    const flagged = loadConnectionConfig({ redisTlsCa: fromFlag }, env);
    expect(flagged.redisTlsCa?.file).toBe(fromFlag);
    expect(Object.isFrozen(flagged.redisTlsCa)).toBe(true);
    expect(tlsOptions(flagged)).toEqual({ tls: { ca: flagged.redisTlsCa?.pem } });
  });

  it('rediss:// without a CA file uses TLS with the system trust store', () => {
    expect(tlsOptions(loadConnectionConfig({ redisUrl: 'rediss://h:6380' }, {}))).toEqual({
      tls: {},
    });
  });

  it('a missing file is a configuration error naming the field', () => {
    const error = configError(() =>
      loadConnectionConfig({ redisUrl: 'rediss://h:1', redisTlsCa: '/nonexistent/ca.pem' }, {}),
    );
    expect(error.issues).toEqual([
      { path: field, message: 'cannot read CA file /nonexistent/ca.pem (ENOENT)' },
    ]);
    expect(error.message).toContain(field);
  });

  it('a file without a PEM certificate is a configuration error', () => {
    const file = tempFile('not.pem', 'hello');
    const error = configError(() =>
      loadConnectionConfig({ redisUrl: 'rediss://h:1', redisTlsCa: file }, {}),
    );
    expect(error.issues).toEqual([{ path: field, message: `${file} holds no PEM certificate` }]);
  });

  it('a CA file with a plain redis:// URL is a configuration error', () => {
    const file = tempFile('ca.pem', pem);
    const error = configError(() => loadConnectionConfig({ redisTlsCa: file }, {}));
    expect(error.issues).toEqual([
      { path: field, message: 'a CA file is only used with a rediss:// URL' },
    ]);
  });

  it('an empty value means none', () => {
    expect('redisTlsCa' in loadConnectionConfig({}, { REDIS_TLS_CA_FILE: '' })).toBe(false);
  });
});

describe('isPermissionError', () => {
  it('knows ACL refusals, also from inside a script', () => {
    expect(
      isPermissionError(new Error("NOPERM this user has no permissions to run the 'eval' command")),
    ).toBe(true);
    expect(
      isPermissionError(
        new Error('ERR The user executing the script has no permissions to access a key'),
      ),
    ).toBe(true);
    expect(
      isPermissionError(
        new Error(
          "ERR The user executing the script can't run this command or subcommand script: e6a8, on @user_script:1.",
        ),
      ),
    ).toBe(true);
    expect(
      isPermissionError(
        new Error(
          "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments script: 519c",
        ),
      ),
    ).toBe(true);
    expect(isPermissionError(new Error('WRONGPASS invalid username-password pair'))).toBe(false);
    expect(isPermissionError('NOPERM')).toBe(false);
  });
});
