/** Names the monitoring addon's objects share (and the query API's contract). */
import type { addonMeta } from './objects.js';

export const MONITORING_NAMESPACE = 'berth-monitoring';
/** The Service of the Prometheus HTTP API (the query API's contract: name, port name, port). */
export const PROMETHEUS_SERVICE = { name: 'prometheus', portName: 'web', port: 9090 } as const;
/** The `Prometheus` object's name; the operator names its StatefulSet `prometheus-berth`. */
export const PROMETHEUS_NAME = 'berth';
export const OPERATOR = 'prometheus-operator';
export const KSM = 'kube-state-metrics';
export const NODE_EXPORTER = 'node-exporter';
export const MONITORING_API = 'monitoring.coreos.com/v1';
export const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/** Metadata of an object of the addon (addonMeta): labelled, in `berth-monitoring` unless `null`. */
export type Meta = ReturnType<typeof addonMeta>;
