/**
 * A small, dependency-free SVG line chart with a legend and a table fallback for screen
 * readers (the same numbers, as text). Colours come from the theme's CSS variables.
 */
import { useId } from 'react';
import { linePath, scaleFor, stepPath, type Series } from '../lib/charts.js';

const W = 560;
const H = 180;

function clock(t: number): string {
  return new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function LineChart({
  title,
  series,
  unit,
  step = false,
}: {
  title: string;
  series: Series[];
  unit: string;
  step?: boolean;
}) {
  const id = useId();
  const drawn = series.filter((s) => s.points.length > 0);
  if (drawn.length === 0)
    return (
      <figure className="chart">
        <figcaption>{title}</figcaption>
        <p className="muted">No data yet.</p>
      </figure>
    );
  const scale = scaleFor(drawn, W, H);
  return (
    <figure className="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>{title}</figcaption>
      <svg viewBox={`-40 -10 ${W + 50} ${H + 30}`} role="img" aria-label={title}>
        <line className="axis" x1={0} y1={H} x2={W} y2={H} />
        <line className="axis" x1={0} y1={0} x2={0} y2={H} />
        <text className="tick" x={-6} y={4} textAnchor="end">
          {Number(scale.vMax.toPrecision(3))}
        </text>
        <text className="tick" x={-6} y={H} textAnchor="end">
          0
        </text>
        <text className="tick" x={0} y={H + 16}>
          {clock(scale.t0)}
        </text>
        <text className="tick" x={W} y={H + 16} textAnchor="end">
          {clock(scale.t1)}
        </text>
        {drawn.map((s, i) => (
          <path
            key={s.name}
            className={`series series-${i % 6}`}
            d={step ? stepPath(s.points, scale) : linePath(s.points, scale)}
          />
        ))}
      </svg>
      <ul className="legend">
        {drawn.map((s, i) => (
          <li key={s.name}>
            <span className={`swatch series-${i % 6}`} aria-hidden="true" />
            {s.name}: {Number((s.points.at(-1)?.v ?? 0).toPrecision(3))} {unit}
          </li>
        ))}
      </ul>
    </figure>
  );
}
