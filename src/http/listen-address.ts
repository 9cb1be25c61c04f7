import { ErrorCodes, StreamfoldError } from '../errors.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port` or `[ipv6]:port`. Port 0 is allowed (tests bind a free port); the
 * configuration schema already refuses it for `HTTP_ADDR`.
 */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new StreamfoldError(
      ErrorCodes.CONFIG_INVALID,
      `invalid listen address "${address}": expected host:port`,
    );
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatListenAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
