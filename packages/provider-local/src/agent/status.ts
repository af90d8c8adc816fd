/** The agent's report to the provider: status.json, replaced atomically on every change. */
import fs from 'node:fs';
import { writeFileAtomicSync } from '../fs-atomic.js';
import type { ServiceStatus } from './service-process.js';

export type AgentState = 'starting' | 'running' | 'stopping' | 'stopped';

export interface AgentStatus {
  serverId: string;
  hostname: string;
  agent: { pid: number; state: AgentState; startedAt: string };
  services: ServiceStatus[];
  /** Problems applying user data (a file outside the allowed paths, bad JSON, …). */
  errors: string[];
  updatedAt: string;
}

export function writeStatus(file: string, status: Omit<AgentStatus, 'updatedAt'>): void {
  const full: AgentStatus = { ...status, updatedAt: new Date().toISOString() };
  writeFileAtomicSync(file, JSON.stringify(full, null, 2) + '\n');
}

export function readStatus(file: string): AgentStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as AgentStatus;
  } catch {
    return undefined;
  }
}
