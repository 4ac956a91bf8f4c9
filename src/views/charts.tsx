import type { FC } from 'hono/jsx';
import type { Formatters, Texts } from './i18n';

type Point = { day: string; value: number | null };

const W = 640;
const H = 200;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** A server-rendered SVG line chart with axes, labels and a table fallback; no script. */
export const LineChart: FC<{ id: string; label: string; points: Point[]; t: Texts; f: Formatters }> = ({ id, label, points, t, f }) => {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const span = hi - lo || Math.max(1, Math.abs(hi));
  const [min, max] = [lo - span * 0.1, hi + span * 0.1];
  const x = (i: number) => PAD.left + (points.length <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + ((max - v) * (H - PAD.top - PAD.bottom)) / (max - min);
  // A gap (null) breaks the line rather than drawing through days with nothing to measure.
  const segments: string[] = [];
  let current = '';
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current) segments.push(current);
      current = '';
    } else current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
  });
  if (current) segments.push(current);
  const ticks = [max, (max + min) / 2, min];
  const xLabels = points.length ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : [];
  return (
    <figure class="chart" id={id}>
      <figcaption>{label}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="none">
        <title id={`${id}-title`}>{`${label}: ${points.length} ${t.day.toLowerCase()}`}</title>
        {ticks.map((v) => (
          <g>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" class="tick">
              {f.num(Math.round(v * 10) / 10)}
            </text>
          </g>
        ))}
        {[...new Set(xLabels)].map((i) => (
          // The last day's label ends at the last point: centred there, half of it fell outside the chart.
          <text x={x(i)} y={H - 8} text-anchor={i > 0 && i === points.length - 1 ? 'end' : 'middle'} class="tick">
            {f.day(points[i].day)}
          </text>
        ))}
        {segments.map((d) => (
          <path d={d} class="line" />
        ))}
        {points.map((p, i) =>
          p.value === null ? null : (
            <circle cx={x(i)} cy={y(p.value)} r="2.5" class="dot">
              <title>{`${f.day(p.day)}: ${f.num(p.value)}`}</title>
            </circle>
          ),
        )}
      </svg>
      <details>
        <summary>{t.showTable}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.day}</th>
              <th scope="col">{label}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr>
                <td>{p.day}</td>
                <td>{f.num(p.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
