import type { FC } from 'hono/jsx';
import type { Formatters, Texts } from './i18n.ts';
import { niceTicks } from './scale.ts';

export type TrendPoint = {
  label: string;
  from: string;
  to: string;
  partial: boolean;
  score: number | null;
  n: number;
  interval: { low: number; high: number } | null;
  lowSample: boolean;
  vsPrevious: { change: number | null; significant: boolean } | null;
};

const W = 480;
const H = 220;
const PAD = { left: 44, right: 14, top: 12, bottom: 30 };

/**
 * Weekly NPS with its 95% interval drawn as a band: a week whose band is wide was measured on
 * few answers. A ring marks a week that differs significantly from the one before. No script.
 */
export const TrendChart: FC<{ id: string; label: string; points: TrendPoint[]; t: Texts; f: Formatters }> = ({ id, label, points, t, f }) => {
  const seen = points.flatMap((p) => (p.interval ? [p.interval.low, p.interval.high] : p.score === null ? [] : [p.score]));
  const ticks = niceTicks(seen.length ? Math.min(...seen) : 0, seen.length ? Math.max(...seen) : 1, [-100, 100]);
  const [min, max] = [ticks[0], ticks[ticks.length - 1]];
  const x = (i: number) => PAD.left + (points.length <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + ((max - Math.max(min, Math.min(max, v))) * (H - PAD.top - PAD.bottom)) / (max - min);
  // One band per run of consecutive weeks with an interval, so that a week without answers leaves a gap.
  const runs: number[][] = [[]];
  points.forEach((p, i) => (p.interval ? runs[runs.length - 1].push(i) : runs.push([])));
  const bands = runs
    .filter((r) => r.length)
    .map((r) => [...r.map((i) => `${x(i).toFixed(1)},${y(points[i].interval!.high).toFixed(1)}`), ...[...r].reverse().map((i) => `${x(i).toFixed(1)},${y(points[i].interval!.low).toFixed(1)}`)].join(' '));
  const line = points
    .map((p, i) => (p.score === null ? null : `${x(i).toFixed(1)},${y(p.score).toFixed(1)}`))
    .reduce<string[][]>((acc, pt) => (pt === null ? [...acc, []] : (acc[acc.length - 1].push(pt), acc)), [[]])
    .filter((s) => s.length > 0);
  const describe = (p: TrendPoint) =>
    `${p.label}: ${f.num(p.score)} (${p.interval ? `${f.num(p.interval.low)} … ${f.num(p.interval.high)}` : '—'}; n = ${f.num(p.n)})` +
    (p.vsPrevious?.significant ? ` · ${t.significantChange}` : '') +
    (p.lowSample ? ` · ${t.lowSample}` : '');
  return (
    <figure class="chart" id={id}>
      <figcaption>{label}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${id}-title`}>
        <title id={`${id}-title`}>{`${label}: ${points.map(describe).join('; ')}`}</title>
        {ticks.map((v) => (
          <g>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={PAD.left - 6} y={y(v)} dominant-baseline="middle" text-anchor="end" class="tick">
              {f.num(v)}
            </text>
          </g>
        ))}
        {bands.map((pts) => (
          <polygon points={pts} class="band" />
        ))}
        {line.map((pts) => (
          <polyline points={pts.join(' ')} class="line" vector-effect="non-scaling-stroke" />
        ))}
        {points.map((p, i) =>
          p.score === null ? null : (
            <g data-week={p.label} data-significant={p.vsPrevious?.significant ? 'true' : 'false'}>
              {p.vsPrevious?.significant ? <circle cx={x(i)} cy={y(p.score)} r="7" class="ring" /> : null}
              <circle cx={x(i)} cy={y(p.score)} r="3" class={p.lowSample ? 'dot small' : 'dot'}>
                <title>{describe(p)}</title>
              </circle>
            </g>
          ),
        )}
        {points.length ? (
          <g>
            <text x={x(0)} y={H - 6} text-anchor={points.length > 1 ? 'start' : 'middle'} class="tick">
              {points[0].label}
            </text>
            {points.length > 1 ? (
              <text x={x(points.length - 1)} y={H - 6} text-anchor="end" class="tick">
                {points[points.length - 1].label}
              </text>
            ) : null}
          </g>
        ) : null}
      </svg>
      <details>
        <summary>{t.showTable}</summary>
        {/* Five columns: fixed layout so that they wrap within a phone's width instead of overflowing. */}
        <table class="fit">
          <thead>
            <tr>
              <th scope="col">{t.week}</th>
              <th scope="col">{label}</th>
              <th scope="col">n</th>
              <th scope="col">{t.interval95}</th>
              <th scope="col">{t.vsPreviousWeek}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr data-week={p.label}>
                <td>
                  {p.label}
                  {p.partial ? ` (${t.partial})` : ''}
                </td>
                <td>{f.num(p.score)}</td>
                <td>
                  {f.num(p.n)}
                  {p.lowSample ? ` · ${t.lowSample}` : ''}
                </td>
                <td>{p.interval ? `${f.num(p.interval.low)} … ${f.num(p.interval.high)}` : '—'}</td>
                <td>{p.vsPrevious ? `${f.delta(p.vsPrevious.change)}${p.vsPrevious.significant ? ` · ${t.significantChange}` : ''}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
