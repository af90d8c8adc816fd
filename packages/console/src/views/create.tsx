/**
 * The create-cluster wizard: every field starts at the API's default, so a name and Create are
 * enough. Mistakes the API reports (problem+json `field`) appear next to their field; fields the
 * server does not implement (501) are shown as unavailable. Beside the form: the equivalent
 * `berth` command and the JSON body, so the console teaches the API.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { AddonItem, Flavor, VersionItem, Zone } from '@berth/api-types';
import { isApiError } from '@berth/client';
import { useSession } from '../lib/api.js';
import { hrefs, Link, navigate } from '../lib/router.js';
import {
  berthCommand,
  defaultForm,
  defaultNodeGroup,
  fieldFor,
  terraformConfig,
  toRequest,
  type FieldErrors,
  type NodeGroupForm,
  type WizardForm,
} from '../lib/wizard-model.js';
import { describeError, ErrorBanner, Field, Notice, useAsync } from '../components/common.js';

interface Catalog {
  versions: VersionItem[];
  flavors: Flavor[];
  zones: Zone[];
  addons: AddonItem[];
}

const CLUSTER_FIELDS = [
  'metadata.name',
  'spec.version',
  'spec.controlPlane.count',
  'spec.zones',
  'spec.network.subnetCidr',
  'spec.network.podsCidr',
  'spec.network.servicesCidr',
  'spec.apiAccess.public',
  'spec.apiAccess.allowedCidrs',
  'spec.addons',
];
const GROUP_FIELDS = ['name', 'flavor', 'zone', 'count', 'autoscaling', 'labels', 'taints'];

function knownFields(form: WizardForm): string[] {
  const groups = form.nodeGroups.flatMap((_, i) => [
    `spec.nodeGroups[${i}]`,
    ...GROUP_FIELDS.map((f) => `spec.nodeGroups[${i}].${f}`),
  ]);
  return [...CLUSTER_FIELDS, 'spec.nodeGroups', ...groups];
}

export function CreateClusterPage({ project }: { project: string }) {
  const { client } = useSession();
  const catalog = useAsync<Catalog>(
    async (signal) => {
      const [versions, flavors, zones, addons] = await Promise.all([
        client.catalog.versions({ signal }),
        client.catalog.flavors({ signal }),
        client.catalog.zones({ signal }),
        client.catalog.addons({ signal }),
      ]);
      return { versions, flavors, zones, addons };
    },
    [client],
  );
  const [form, setForm] = useState<WizardForm>(defaultForm);
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});
  const [unavailable, setUnavailable] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { request, errors: localErrors } = useMemo(() => toRequest(form), [form]);
  const errors = { ...apiErrors, ...localErrors };
  const set = (patch: Partial<WizardForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setApiErrors({});
  };
  const setGroup = (i: number, patch: Partial<NodeGroupForm>) =>
    set({ nodeGroups: form.nodeGroups.map((g, j) => (j === i ? { ...g, ...patch } : g)) });

  const submit = async () => {
    if (Object.keys(localErrors).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    setApiErrors({});
    try {
      await client.clusters.create(project, request);
      navigate(hrefs.cluster(project, request.metadata.name));
    } catch (err) {
      setBusy(false);
      const field = isApiError(err) ? fieldFor(err.field, knownFields(form)) : undefined;
      if (isApiError(err) && err.code === 'BERTH_ERR_NOT_IMPLEMENTED' && field) {
        // The server lacks the feature, not the person: take it out of the form, say so.
        const feature = /autoscaling/.test(field)
          ? 'autoscaling'
          : /addons/.test(field)
            ? 'addons'
            : field;
        setUnavailable((u) => ({ ...u, [feature]: err.message }));
        if (feature === 'autoscaling')
          setForm((f) => ({
            ...f,
            nodeGroups: f.nodeGroups.map((g) => ({ ...g, autoscaling: false })),
          }));
        if (feature === 'addons') setForm((f) => ({ ...f, addons: [] }));
        setFailure(undefined);
        setApiErrors(feature === field ? { [field]: describeError(err) } : {});
      } else if (field && isApiError(err)) setApiErrors({ [field]: err.message });
      else setFailure(err);
    }
  };

  const versions = catalog.data?.versions ?? [];
  const defaultVersion = versions.find((v) => v.default);
  const zones = catalog.data?.zones ?? [];
  const flavors = catalog.data?.flavors ?? [];
  const addons = catalog.data?.addons ?? [];
  return (
    <section aria-labelledby="create-title">
      <div className="page-head">
        <h1 id="create-title">Create a cluster</h1>
        <div className="spacer" />
        <Link to={hrefs.clusters(project)}>Back to clusters</Link>
      </div>
      <ErrorBanner error={catalog.error} />
      <div className="wizard">
        <form
          className="form"
          aria-label="New cluster"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Step title="Name and version">
            <Field
              label="Name"
              path="metadata.name"
              error={errors['metadata.name']}
              help="Lower-case letters, digits and '-', up to 40."
            >
              {(p) => (
                <input
                  {...p}
                  name="name"
                  value={form.name}
                  required
                  autoFocus
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => set({ name: e.target.value })}
                />
              )}
            </Field>
            <Field label="Kubernetes version" path="spec.version" error={errors['spec.version']}>
              {(p) => (
                <select
                  {...p}
                  value={form.version}
                  onChange={(e) => set({ version: e.target.value })}
                >
                  <option value="">
                    Default
                    {defaultVersion ? ` (${defaultVersion.version} → ${defaultVersion.patch})` : ''}
                  </option>
                  {versions.map((v) => (
                    <option key={v.version} value={v.version}>
                      {v.version} ({v.patch}), supported until {v.endOfSupport}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </Step>
          <Step title="Control plane">
            <fieldset className="field" data-field="spec.controlPlane.count">
              <legend>Masters</legend>
              <div className="segmented" role="radiogroup" aria-label="Masters">
                {([1, 3, 5] as const).map((n) => (
                  <label key={n}>
                    <input
                      type="radio"
                      name="masters"
                      value={n}
                      checked={form.masters === n}
                      onChange={() => set({ masters: n })}
                    />
                    {n}
                  </label>
                ))}
              </div>
              <div className="help">3 or 5 keep the API up when a master is lost.</div>
              {errors['spec.controlPlane.count'] ? (
                <div className="field-error" role="alert">
                  {errors['spec.controlPlane.count']}
                </div>
              ) : null}
            </fieldset>
            <fieldset className="field" data-field="spec.zones">
              <legend>Zones the masters spread over</legend>
              <div className="checks">
                {(zones.length ? zones : [{ name: 'az1', available: true }]).map((z) => (
                  <label key={z.name}>
                    <input
                      type="checkbox"
                      checked={form.zones.includes(z.name)}
                      disabled={!z.available}
                      onChange={(e) =>
                        set({
                          zones: e.target.checked
                            ? [...form.zones, z.name]
                            : form.zones.filter((x) => x !== z.name),
                        })
                      }
                    />
                    {z.name}
                    {z.available ? '' : ' (unavailable)'}
                  </label>
                ))}
              </div>
              {errors['spec.zones'] ? (
                <div className="field-error" role="alert">
                  {errors['spec.zones']}
                </div>
              ) : null}
            </fieldset>
          </Step>
          <Step title="Node groups">
            {form.nodeGroups.map((g, i) => (
              <NodeGroupEditor
                key={i}
                index={i}
                group={g}
                flavors={flavors}
                zones={form.zones}
                errors={errors}
                autoscalingUnavailable={unavailable.autoscaling}
                onChange={(patch) => setGroup(i, patch)}
                onRemove={() => set({ nodeGroups: form.nodeGroups.filter((_, j) => j !== i) })}
              />
            ))}
            {errors['spec.nodeGroups'] ? (
              <div className="field-error" role="alert">
                {errors['spec.nodeGroups']}
              </div>
            ) : null}
            <button
              type="button"
              onClick={() =>
                set({
                  nodeGroups: [
                    ...form.nodeGroups,
                    defaultNodeGroup(`group${form.nodeGroups.length + 1}`),
                  ],
                })
              }
            >
              Add node group
            </button>
          </Step>
          <Step title="Network">
            <div className="row3">
              <Field
                label="Subnet CIDR"
                path="spec.network.subnetCidr"
                error={errors['spec.network.subnetCidr']}
              >
                {(p) => (
                  <input
                    {...p}
                    name="subnetCidr"
                    className="mono"
                    value={form.subnetCidr}
                    onChange={(e) => set({ subnetCidr: e.target.value })}
                  />
                )}
              </Field>
              <Field
                label="Pods CIDR"
                path="spec.network.podsCidr"
                error={errors['spec.network.podsCidr']}
              >
                {(p) => (
                  <input
                    {...p}
                    name="podsCidr"
                    className="mono"
                    value={form.podsCidr}
                    onChange={(e) => set({ podsCidr: e.target.value })}
                  />
                )}
              </Field>
              <Field
                label="Services CIDR"
                path="spec.network.servicesCidr"
                error={errors['spec.network.servicesCidr']}
              >
                {(p) => (
                  <input
                    {...p}
                    name="servicesCidr"
                    className="mono"
                    value={form.servicesCidr}
                    onChange={(e) => set({ servicesCidr: e.target.value })}
                  />
                )}
              </Field>
            </div>
          </Step>
          <Step title="API access">
            <label className="check">
              <input
                type="checkbox"
                checked={form.apiPublic}
                onChange={(e) => set({ apiPublic: e.target.checked })}
              />
              Public (a floating IP on the API load balancer)
            </label>
            <Field
              label="Allowed source CIDRs"
              path="spec.apiAccess.allowedCidrs"
              error={errors['spec.apiAccess.allowedCidrs']}
              help="Comma-separated; empty lets everyone reach the API."
            >
              {(p) => (
                <input
                  {...p}
                  name="allowedCidrs"
                  className="mono"
                  value={form.allowedCidrs}
                  placeholder="203.0.113.0/24"
                  onChange={(e) => set({ allowedCidrs: e.target.value })}
                />
              )}
            </Field>
          </Step>
          <Step title="Addons">
            {unavailable.addons ? (
              <Notice>Addons are not available on this server yet, so none are asked for.</Notice>
            ) : addons.length === 0 ? (
              <p className="muted">This server offers no addons.</p>
            ) : (
              <fieldset className="field" data-field="spec.addons">
                <legend className="sr-only">Addons</legend>
                <div className="checks">
                  {addons.map((a) => (
                    <label key={a.name} title={a.description}>
                      <input
                        type="checkbox"
                        disabled={a.installable === false}
                        checked={form.addons.includes(a.name)}
                        onChange={(e) =>
                          set({
                            addons: e.target.checked
                              ? [...form.addons, a.name]
                              : form.addons.filter((x) => x !== a.name),
                          })
                        }
                      />
                      {a.name} <span className="muted small">{a.description}</span>
                      {a.installable === false ? (
                        <span className="muted small"> (not installable on this server yet)</span>
                      ) : null}
                    </label>
                  ))}
                </div>
              </fieldset>
            )}
            {errors['spec.addons'] && !unavailable.addons ? (
              <div className="field-error" role="alert">
                {errors['spec.addons']}
              </div>
            ) : null}
          </Step>
          <ErrorBanner error={failure} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || form.name.trim() === ''}>
              {busy ? 'Creating…' : 'Create cluster'}
            </button>
          </div>
        </form>
        <aside className="teach" aria-label="The same request elsewhere">
          <h2>Command line</h2>
          <pre className="code" data-testid="berth-command">
            {berthCommand(project, request)}
          </pre>
          <h2>
            API request <span className="muted small">POST /v1/projects/{project}/clusters</span>
          </h2>
          <pre className="code" data-testid="json-body">
            {JSON.stringify(request, null, 2)}
          </pre>
          <h2>Terraform</h2>
          <pre className="code" data-testid="terraform">
            {terraformConfig(project, request)}
          </pre>
        </aside>
      </div>
    </section>
  );
}

function Step({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="step">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

function NodeGroupEditor({
  index: i,
  group: g,
  flavors,
  zones,
  errors,
  autoscalingUnavailable,
  onChange,
  onRemove,
}: {
  index: number;
  group: NodeGroupForm;
  flavors: Flavor[];
  zones: string[];
  errors: FieldErrors;
  autoscalingUnavailable: string | undefined;
  onChange: (patch: Partial<NodeGroupForm>) => void;
  onRemove: () => void;
}) {
  const at = (f: string) => errors[`spec.nodeGroups[${i}].${f}`];
  return (
    <div className="group-card" data-group={i} role="group" aria-label={`Node group ${i + 1}`}>
      <div className="row3">
        <Field
          label="Group name"
          path={`spec.nodeGroups[${i}].name`}
          error={at('name') ?? errors[`spec.nodeGroups[${i}]`]}
        >
          {(p) => (
            <input
              {...p}
              value={g.name}
              spellCheck={false}
              onChange={(e) => onChange({ name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Flavor" path={`spec.nodeGroups[${i}].flavor`} error={at('flavor')}>
          {(p) => (
            <select {...p} value={g.flavor} onChange={(e) => onChange({ flavor: e.target.value })}>
              {(flavors.length
                ? flavors
                : [{ name: g.flavor, vcpus: 0, ramMiB: 0, diskGb: 0 }]
              ).map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                  {f.vcpus ? ` — ${f.vcpus} vCPU, ${Math.round(f.ramMiB / 1024)} GiB` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Zone" path={`spec.nodeGroups[${i}].zone`} error={at('zone')}>
          {(p) => (
            <select {...p} value={g.zone} onChange={(e) => onChange({ zone: e.target.value })}>
              <option value="">First cluster zone</option>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="row3">
        <Field label="Nodes" path={`spec.nodeGroups[${i}].count`} error={at('count')}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={0}
              max={500}
              value={g.count}
              onChange={(e) => onChange({ count: Number(e.target.value) })}
            />
          )}
        </Field>
        <fieldset className="field" data-field={`spec.nodeGroups[${i}].autoscaling`}>
          <legend>Autoscaling</legend>
          {autoscalingUnavailable ? (
            <div className="muted small">
              Not available on this server yet: the group keeps its fixed count.
            </div>
          ) : (
            <>
              <label className="check">
                <input
                  type="checkbox"
                  checked={g.autoscaling}
                  onChange={(e) => onChange({ autoscaling: e.target.checked })}
                />
                Let the autoscaler set the count
              </label>
              {g.autoscaling ? (
                <div className="inline">
                  <label>
                    min{' '}
                    <input
                      type="number"
                      min={0}
                      max={500}
                      value={g.min}
                      onChange={(e) => onChange({ min: Number(e.target.value) })}
                    />
                  </label>
                  <label>
                    max{' '}
                    <input
                      type="number"
                      min={0}
                      max={500}
                      value={g.max}
                      onChange={(e) => onChange({ max: Number(e.target.value) })}
                    />
                  </label>
                </div>
              ) : null}
            </>
          )}
          {at('autoscaling') ? (
            <div className="field-error" role="alert">
              {at('autoscaling')}
            </div>
          ) : null}
        </fieldset>
        <div className="field remove">
          <button
            type="button"
            onClick={onRemove}
            aria-label={`Remove node group ${g.name || i + 1}`}
          >
            Remove group
          </button>
        </div>
      </div>
      <div className="row2">
        <Field
          label="Labels"
          path={`spec.nodeGroups[${i}].labels`}
          error={at('labels')}
          help="key=value, comma-separated"
        >
          {(p) => (
            <input
              {...p}
              className="mono"
              value={g.labels}
              placeholder="tier=web"
              onChange={(e) => onChange({ labels: e.target.value })}
            />
          )}
        </Field>
        <Field
          label="Taints"
          path={`spec.nodeGroups[${i}].taints`}
          error={at('taints')}
          help="key=value:Effect, comma-separated"
        >
          {(p) => (
            <input
              {...p}
              className="mono"
              value={g.taints}
              placeholder="dedicated=batch:NoSchedule"
              onChange={(e) => onChange({ taints: e.target.value })}
            />
          )}
        </Field>
      </div>
    </div>
  );
}
