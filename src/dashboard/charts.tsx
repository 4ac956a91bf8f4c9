import type { FC } from 'hono/jsx';
import type { Formatters, Texts } from './i18n.ts';
import { niceTicks, type Bounds } from './scale.ts';

type Point = { day: string; value: number | null };

// The drawing's own units: the SVG keeps this aspect ratio and scales uniformly to the width
// of its box (width 100%, height auto), so text stays text-shaped and dots stay round.
const W = 480;
const H = 220;
const PAD = { right: 14, top: 12, bottom: 30 };
/** The largest label font (user units, on narrow screens; see layout.tsx) and a glyph's width. */
const FONT = 16;
const GLYPH = 0.6;

/** A server-rendered SVG line chart with axes, labels and a table fallback; no script. */
export const LineChart: FC<{ id: string; label: string; points: Point[]; bounds?: Bounds; t: Texts; f: Formatters }> = ({ id, label, points, bounds, t, f }) => {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const ticks = niceTicks(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 1, bounds);
  const [min, max] = [ticks[0], ticks[ticks.length - 1]];
  const tickText = ticks.map((v) => f.num(v));
  // Room on the left for the longest value label at the largest font.
  const left = Math.ceil(Math.max(28, Math.max(...tickText.map((s) => s.length)) * FONT * GLYPH + 10));
  const x = (i: number) => left + (points.length <= 1 ? 0 : (i * (W - left - PAD.right)) / (points.length - 1));
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
  const xLabels = points.length ? [0, Math.floor((points.length - 1) / 2), points.length - 1] : [];
  return (
    <figure class="chart" id={id}>
      <figcaption>{label}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${id}-title`}>
        <title id={`${id}-title`}>{`${label}: ${t.last(points.length)}`}</title>
        {ticks.map((v, i) => (
          <g>
            <line x1={left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={left - 6} y={y(v)} dominant-baseline="middle" text-anchor="end" class="tick">
              {tickText[i]}
            </text>
          </g>
        ))}
        {[...new Set(xLabels)].map((i) => (
          // The first day's label starts at the first point and the last one's ends at the last:
          // centred there, half of them fell outside the chart.
          <text x={x(i)} y={H - 6} text-anchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'} class="tick">
            {f.day(points[i].day)}
          </text>
        ))}
        {segments.map((d) => (
          <path d={d} class="line" vector-effect="non-scaling-stroke" />
        ))}
        {points.map((p, i) =>
          p.value === null ? null : (
            <circle cx={x(i)} cy={y(p.value)} r="3" class="dot">
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
