/** The cluster's volumes on its infrastructure tab: what each is for, its state, claim and node. */
import type { InfraVolume } from '@berth/api-types';

const PURPOSE_LABELS: Record<InfraVolume['purpose'], string> = {
  'persistent-volume': 'PersistentVolume',
  'node-disk': 'Node disk',
  other: 'Other',
};

export function VolumesTable({ items }: { items: InfraVolume[] }) {
  return (
    <div>
      <h2>Volumes</h2>
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="data" aria-label="Volumes">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Purpose</th>
              <th scope="col">State</th>
              <th scope="col">Type</th>
              <th scope="col">Size</th>
              <th scope="col">Zone</th>
              <th scope="col">PVC</th>
              <th scope="col">Node</th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}>
                <th scope="row" className="mono" title={v.persistentVolume}>
                  {v.name}
                </th>
                <td>{PURPOSE_LABELS[v.purpose]}</td>
                <td>{v.state}</td>
                <td>{v.volumeType}</td>
                <td>{v.sizeGb} GiB</td>
                <td>{v.zone}</td>
                <td className="mono">{v.pvc ? `${v.pvc.namespace}/${v.pvc.name}` : '—'}</td>
                <td className="mono" title={v.node?.serverId}>
                  {v.node ? `${v.node.name ?? v.node.serverId} (${v.node.device})` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
