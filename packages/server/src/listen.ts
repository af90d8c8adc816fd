/** Parses `--listen HOST:PORT` (`[::1]:8080` for IPv6). */
import { BerthError } from '@berth/errors';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new BerthError(
      'BERTH_ERR_VALIDATION',
      `--listen must be HOST:PORT (e.g. 127.0.0.1:8080), not "${text}"`,
      {
        field: 'listen',
      },
    );
  }
  return { host: match[1] ?? match[2]!, port };
}
