/**
 * The server's pino logger. Stable keys: `reqId`, `method`, `route`, `status`, `durationMs`,
 * `project`, `cluster`, `code`, `err`. Secrets never reach a log line: Authorization headers,
 * anything named token/secret/kubeconfig/key/password is redacted wherever it appears.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'secret',
  'token',
  'kubeconfig',
  'privateKey',
  'password',
  '*.secret',
  '*.token',
  '*.kubeconfig',
  '*.privateKey',
  '*.key',
  '*.password',
  '*.authorization',
];

export interface LoggerConfig {
  level?: string;
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? process.env.BERTH_LOG_LEVEL ?? 'info',
    base: { service: 'berth-server' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}
