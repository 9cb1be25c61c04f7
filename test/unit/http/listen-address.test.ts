import { describe, expect, it } from 'vitest';
import { formatListenAddress, parseListenAddress } from '../../../src/http/index.js';

describe('parseListenAddress', () => {
  it('reads host:port, [ipv6]:port and port 0', () => {
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListenAddress('localhost:80')).toEqual({ host: 'localhost', port: 80 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
  });

  it('refuses what is not host:port', () => {
    for (const bad of ['9464', ':9464', '127.0.0.1', '127.0.0.1:65536', '::1:9464', 'a b:1']) {
      expect(() => parseListenAddress(bad), bad).toThrow(/expected host:port/);
    }
  });

  it('brackets IPv6 hosts when formatting, so the result parses back', () => {
    expect(formatListenAddress({ host: '::1', port: 9 })).toBe('[::1]:9');
    expect(formatListenAddress({ host: '127.0.0.1', port: 9 })).toBe('127.0.0.1:9');
    expect(parseListenAddress(formatListenAddress({ host: '::1', port: 9 }))).toEqual({
      host: '::1',
      port: 9,
    });
  });
});
