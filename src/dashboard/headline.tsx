import type { FC } from 'hono/jsx';
import type { Metrics } from '../metrics/definitions.ts';
import type { Ctx, DashboardData } from './types.ts';
import { LOW_SAMPLE } from '../metrics/changes.ts';

/** [metric, value, sample size, unit, is a percentage] for the six headline cards. */
const headline = (m: Metrics) =>
  [
    ['nps', m.nps.score, m.nps.responses, 'responses', false],
    ['csat', m.csat.score, m.csat.responses, 'responses', true],
    ['ces', m.ces.score, m.ces.responses, 'responses', false],
    ['churn', m.churn?.rate ?? null, m.churn?.customersAtStart ?? 0, 'customers', true],
    ['retention', m.retention?.rate ?? null, m.retention?.customersAtStart ?? 0, 'customers', true],
    ['resolution', m.resolution.rate, m.resolution.received, 'tickets', true],
  ] as const;

export const Headline: FC<{ d: DashboardData } & Ctx> = ({ d, t, f }) => {
  const before = new Map(headline(d.summary.previous.metrics).map(([k, v]) => [k, v]));
  const changes = d.summary.previous.changes;
  return (
    <ul class="cards" aria-label={t.title}>
      {headline(d.summary.metrics).map(([k, v, n, unit, percent]) => {
        const prev = before.get(k) ?? null;
        const delta = v !== null && prev !== null ? Math.round((v - prev) * 100) / 100 : null;
        const change = changes?.[k];
        // A change is only called one when its 95% interval excludes 0; a small sample says so.
        const verdict = change && change.change !== null ? (change.significant ? t.significantChange : t.notSignificant) : null;
        return (
          <li class="card" data-metric={k} data-significant={change?.significant ? 'true' : 'false'} data-low-sample={change?.lowSample ? 'true' : 'false'}>
            <h3>{t[k]}</h3>
            <div class="v" data-value={v === null ? '' : String(v)}>
              {percent ? f.pct(v) : f.num(v)}
            </div>
            <div class="d">
              {/* Without figures for the previous period there is nothing to compare with. */}
              {prev === null ? t.noPrevious : `${f.delta(delta)} ${t.vsPrevious}`} · {f.num(n)} {t[unit]}
            </div>
            {verdict ? (
              <div class={change!.significant ? 'sig yes' : 'sig'} title={change!.interval ? `${t.interval95}: ${f.num(change!.interval.low)} … ${f.num(change!.interval.high)}` : undefined}>
                {change!.significant ? '● ' : ''}
                {verdict}
              </div>
            ) : null}
            {/* Flagged when this figure rests on few answers, or its change does (not merely because there was nothing before). */}
            {v !== null && (n < LOW_SAMPLE || (change?.change != null && change.lowSample)) ? <div class="low">⚠ {t.lowSample}</div> : null}
          </li>
        );
      })}
    </ul>
  );
};
