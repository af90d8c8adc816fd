/**
 * @berth/addons — the addons Berth installs in its clusters: the catalog (`/v1/addons`), which
 * of them are installable, and each addon's Kubernetes objects as pure functions (golden
 * tests). The addon controller (`@berth/controllers`) applies them with server-side apply.
 */
export * from './catalog.js';
export * from './objects.js';
export * from './ingress.js';
export * from './metrics-server.js';
export * from './monitoring.js';
export * from './render.js';
