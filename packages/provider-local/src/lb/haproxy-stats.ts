/**
 * Member status from HAProxy's admin socket (`show stat`, CSV). This is how the provider learns
 * a member's operating status, as Octavia's amphora agent does.
 */
import net from 'node:net';
import { BerthError } from '@berth/errors';

export interface HaproxyServerStat {
  /** The backend (`<pool>:<listener>`). */
  backend: string;
  /** The member id. */
  name: string;
  /** UP, DOWN, DOWN 1/2, NOLB, MAINT, no check, … */
  status: string;
  currentSessions: number;
}

/** Sends one command to the socket and returns the whole answer. */
export function haproxyCommand(
  socketPath: string,
  command: string,
  timeoutMs = 2000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new BerthError('BERTH_ERR_TIMEOUT', `haproxy socket ${socketPath} did not answer`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new BerthError('BERTH_ERR_UNAVAILABLE', `haproxy socket ${socketPath}: ${err.message}`),
      );
    });
  });
}

export async function readHaproxyServers(socketPath: string): Promise<HaproxyServerStat[]> {
  return parseServerStats(await haproxyCommand(socketPath, 'show stat'));
}

/** Parses `show stat` CSV, keeping server rows (not FRONTEND/BACKEND summary rows). */
export function parseServerStats(csv: string): HaproxyServerStat[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string) => header.indexOf(name);
  return lines
    .slice(1)
    .map((line) => line.split(','))
    .filter((cells) => cells[1] !== 'FRONTEND' && cells[1] !== 'BACKEND')
    .map((cells) => ({
      backend: cells[col('pxname')] ?? '',
      name: cells[col('svname')] ?? '',
      status: cells[col('status')] ?? '',
      currentSessions: Number(cells[col('scur')] ?? 0),
    }));
}
