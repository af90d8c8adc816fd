/**
 * Where clusters' API servers send their audit events (kube-apiserver's audit webhook backend,
 * batch mode): `POST https://<registry endpoint>/audit/<cluster uid>` on the registry's TLS front,
 * the address masters reach on the host. Each cluster authenticates with its own bearer token,
 * an HMAC of its uid under the registry's sealed credential key (nothing to store, stable across
 * restarts). The events are kept in the store (the fields people ask about, not request bodies)
 * and served to the cluster's project admins by `GET …/clusters/{c}/audit`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store, StoredAuditEvent } from '@berth/store';

export const AUDIT_PATH = /^\/audit\/([A-Za-z0-9-]{1,64})$/;
/** Largest batch accepted (the API server's default batch is 400 events). */
export const MAX_AUDIT_BODY = 8 * 1024 * 1024;

export function auditWebhookToken(key: Buffer, clusterUid: string): string {
  const mac = createHmac('sha256', key)
    .update(`audit-webhook:v1:${clusterUid}`)
    .digest('base64url');
  return `berthaudit_${mac}`;
}

export interface AuditDelivery {
  pathname: string;
  authorization: string | undefined;
  body: string;
}

/** Handles one delivery; answers the HTTP status for the API server. */
export async function receiveAuditEvents(
  store: Store,
  key: Buffer,
  delivery: AuditDelivery,
): Promise<number> {
  const uid = AUDIT_PATH.exec(delivery.pathname)?.[1];
  if (uid === undefined) return 404;
  const expected = Buffer.from(`Bearer ${auditWebhookToken(key, uid)}`);
  const given = Buffer.from(delivery.authorization ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 401;
  if (!(await store.clusters.getByUid(uid))) return 404;
  let list: { items?: unknown[] };
  try {
    list = JSON.parse(delivery.body) as { items?: unknown[] };
  } catch {
    return 400;
  }
  const events = (Array.isArray(list.items) ? list.items : []).flatMap(keep);
  await store.clusterAudit.append(uid, events);
  return 200;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- audit.k8s.io/v1 Event, read loosely */
function keep(item: any): StoredAuditEvent[] {
  if (typeof item?.auditID !== 'string' || item.stage === 'RequestReceived') return [];
  const time = Date.parse(item.requestReceivedTimestamp ?? item.stageTimestamp ?? '');
  const ref = item.objectRef ?? {};
  const event: Record<string, unknown> = {
    auditID: item.auditID,
    stage: item.stage,
    verb: item.verb,
    requestURI: item.requestURI,
    user: { username: item.user?.username, groups: item.user?.groups ?? [] },
    sourceIPs: item.sourceIPs ?? [],
    objectRef: {
      apiGroup: ref.apiGroup,
      resource: ref.resource,
      subresource: ref.subresource,
      namespace: ref.namespace,
      name: ref.name,
    },
    code: item.responseStatus?.code,
    requestReceivedTimestamp: item.requestReceivedTimestamp,
  };
  if (item.impersonatedUser) event.impersonatedUser = { username: item.impersonatedUser.username };
  return [
    {
      auditId: `${item.auditID}/${item.stage}`,
      time: Number.isNaN(time) ? Date.now() : time,
      event,
    },
  ];
}
