/**
 * The test client of load balancer suites: one HTTP/1.1 request on a fresh connection (no
 * keep-alive, so every request is balanced on its own), answered by the test backend's JSON.
 */
import http from 'node:http';
import type { BackendAnswer } from './http-backend.js';

export interface HttpGetOptions {
  path?: string;
  /** Whole-request deadline. Default 2000. */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  body: BackendAnswer;
}

/** Rejects on a connection error, a timeout, or a body that is not the backend's JSON. */
export function httpGet(host: string, port: number, options: HttpGetOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = http.request({ host, port, path: options.path ?? '/', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as BackendAnswer });
        } catch {
          reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
      res.on('error', reject);
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** The answering backend's name, or undefined when the request failed. */
export async function whoAnswers(host: string, port: number, timeoutMs = 1000) {
  try {
    const answer = await httpGet(host, port, { timeoutMs });
    return answer.status === 200 ? answer.body.backend : undefined;
  } catch {
    return undefined;
  }
}
