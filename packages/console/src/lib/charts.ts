/**
 * Series for the charts, derived from data Berth already records: nodes per group over time
 * from the cluster's events (`NodeCreated` / `NodeRemoved` name their group), so the chart
 * covers the cluster's whole life and survives server restarts.
 */
import type { ClusterEvent } from '@berth/api-types';

export interface Point {
  /** Epoch ms. */
  t: number;
  v: number;
}

export interface Series {
  name: string;
  points: Point[];
}

/**
 * Step series of servers per node group: +1 at each `NodeCreated`, −1 at each `NodeRemoved`,
 * extended to `now` so the last value shows as a level.
 */
export function nodesOverTime(events: readonly ClusterEvent[], now: number): Series[] {
  const counts = new Map<string, number>();
  const series = new Map<string, Point[]>();
  for (const e of events) {
    const delta = e.reason === 'NodeCreated' ? 1 : e.reason === 'NodeRemoved' ? -1 : 0;
    if (delta === 0 || e.object?.kind !== 'NodeGroup') continue;
    const group = e.object.name;
    const t = Date.parse(e.time);
    const before = counts.get(group) ?? 0;
    const after = Math.max(0, before + delta);
    counts.set(group, after);
    const points = series.get(group) ?? [];
    if (points.length === 0) points.push({ t, v: 0 });
    points.push({ t, v: after });
    series.set(group, points);
  }
  return [...series.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, points]) => ({ name, points: [...points, { t: now, v: points.at(-1)!.v }] }));
}

export interface Scale {
  x: (t: number) => number;
  y: (v: number) => number;
  t0: number;
  t1: number;
  vMax: number;
}

/** Linear scales from the series' extent to a `width` × `height` plot (y grows downwards). */
export function scaleFor(series: readonly Series[], width: number, height: number): Scale {
  const all = series.flatMap((s) => s.points);
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  const vMax = Math.max(1, ...all.map((p) => p.v));
  return {
    x: (t) => ((t - t0) / (t1 - t0)) * width,
    y: (v) => height - (v / vMax) * height,
    t0,
    t1,
    vMax,
  };
}

/** An SVG path drawing `points` as steps (a value holds until the next point). */
export function stepPath(points: readonly Point[], scale: Scale): string {
  let d = '';
  points.forEach((p, i) => {
    const x = scale.x(p.t).toFixed(1);
    const y = scale.y(p.v).toFixed(1);
    if (i === 0) d += `M${x},${y}`;
    else d += `H${x}V${y}`;
  });
  return d;
}

/** An SVG path joining `points` with straight lines. */
export function linePath(points: readonly Point[], scale: Scale): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${scale.x(p.t).toFixed(1)},${scale.y(p.v).toFixed(1)}`)
    .join('');
}
