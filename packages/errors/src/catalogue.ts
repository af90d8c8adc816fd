/**
 * Every error code Berth returns, with its HTTP status and retryability. Codes are a public,
 * stable contract: add new ones, never rename or reuse one.
 */
export interface CatalogueEntry {
  status: number;
  title: string;
  retryable: boolean;
}

export const catalogue = {
  BERTH_ERR_VALIDATION: { status: 400, title: 'Invalid request', retryable: false },
  BERTH_ERR_BAD_REQUEST: { status: 400, title: 'Bad request', retryable: false },
  BERTH_ERR_UNAUTHENTICATED: { status: 401, title: 'Authentication required', retryable: false },
  BERTH_ERR_FORBIDDEN: { status: 403, title: 'Forbidden', retryable: false },
  BERTH_ERR_INVALID_CREDENTIALS: {
    status: 401,
    title: 'Wrong user name or password',
    retryable: false,
  },
  BERTH_ERR_ACCOUNT_DISABLED: {
    status: 403,
    title: 'Account locked or disabled in the directory',
    retryable: false,
  },
  BERTH_ERR_NOT_FOUND: { status: 404, title: 'Not found', retryable: false },
  BERTH_ERR_PROJECT_NOT_FOUND: { status: 404, title: 'Project not found', retryable: false },
  BERTH_ERR_CLUSTER_NOT_FOUND: { status: 404, title: 'Cluster not found', retryable: false },
  BERTH_ERR_NODE_GROUP_NOT_FOUND: { status: 404, title: 'Node group not found', retryable: false },
  BERTH_ERR_TOKEN_NOT_FOUND: { status: 404, title: 'Token not found', retryable: false },
  BERTH_ERR_MEMBER_NOT_FOUND: { status: 404, title: 'Member not found', retryable: false },
  BERTH_ERR_OPERATION_NOT_FOUND: { status: 404, title: 'Operation not found', retryable: false },
  BERTH_ERR_ADDON_NOT_FOUND: { status: 404, title: 'Addon not found', retryable: false },
  BERTH_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed', retryable: false },
  BERTH_ERR_NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable', retryable: false },
  BERTH_ERR_ALREADY_EXISTS: { status: 409, title: 'Already exists', retryable: false },
  BERTH_ERR_CONFLICT: { status: 409, title: 'Conflict', retryable: true },
  BERTH_ERR_STALE_RESOURCE_VERSION: {
    status: 409,
    title: 'Stale resourceVersion',
    retryable: false,
  },
  /** A view that needs an addon the cluster does not have (installed and ready); details name it. */
  BERTH_ERR_ADDON_NOT_INSTALLED: {
    status: 409,
    title: 'Addon not installed',
    retryable: false,
  },
  BERTH_ERR_INVALID_STATE: {
    status: 409,
    title: 'Invalid state for this action',
    retryable: false,
  },
  BERTH_ERR_IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency-Key reused with another request',
    retryable: false,
  },
  BERTH_ERR_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large', retryable: false },
  BERTH_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    retryable: false,
  },
  BERTH_ERR_QUOTA_EXCEEDED: { status: 422, title: 'Quota exceeded', retryable: false },
  BERTH_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true },
  BERTH_ERR_INTERNAL: { status: 500, title: 'Internal error', retryable: true },
  BERTH_ERR_NOT_IMPLEMENTED: { status: 501, title: 'Not implemented yet', retryable: false },
  BERTH_ERR_PROVIDER: { status: 502, title: 'Infrastructure provider error', retryable: true },
  BERTH_ERR_PROVIDER_QUOTA: {
    status: 502,
    title: 'Infrastructure provider out of capacity',
    retryable: true,
  },
  BERTH_ERR_UNAVAILABLE: { status: 503, title: 'Service unavailable', retryable: true },
  BERTH_ERR_DIRECTORY_UNAVAILABLE: {
    status: 503,
    title: 'The user directory (LDAP) cannot be reached',
    retryable: true,
  },
  BERTH_ERR_TIMEOUT: { status: 504, title: 'Timed out', retryable: true },
  BERTH_ERR_TERMINAL: { status: 500, title: 'Terminal failure', retryable: false },
  BERTH_ERR_COMPONENT_MISSING: {
    status: 500,
    title: 'Kubernetes component missing',
    retryable: false,
  },
  BERTH_ERR_COMPONENT_CORRUPT: {
    status: 500,
    title: 'Kubernetes component failed verification',
    retryable: false,
  },
  BERTH_ERR_COMPONENT_BUILD: {
    status: 500,
    title: 'Kubernetes component build failed',
    retryable: true,
  },
  BERTH_ERR_COMMAND_FAILED: { status: 500, title: 'Command failed', retryable: true },
  BERTH_ERR_SECRET_UNREADABLE: {
    status: 500,
    title: 'Stored secrets cannot be decrypted',
    retryable: false,
  },
  BERTH_ERR_KUBE_API: {
    status: 502,
    title: "A cluster's Kubernetes API refused a request",
    retryable: false,
  },
  /** A size or count outside what is offered (e.g. a volume above its type's maximum). */
  BERTH_ERR_OUT_OF_RANGE: { status: 400, title: 'Out of range', retryable: false },
  /** A list's continuation token that this server did not issue or that expired. */
  BERTH_ERR_INVALID_PAGE_TOKEN: { status: 400, title: 'Invalid page token', retryable: false },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof catalogue;
