import type { FC } from 'hono/jsx';
import type { Metrics } from '../services/metrics';
import { LineChart } from './charts';
import type { Formatters, Lang, Texts } from './i18n';
import { Layout } from './layout';

export type DashboardData = {
  workspace: string;
  period: '7d' | '30d' | '90d';
  summary: { from: string; to: string; timezone: string; metrics: Metrics; previous: { metrics: Metrics } };
  daily: { days: { day: string; metrics: Metrics }[] };
  journey: { stages: any[]; unconfigured: any[] };
  priorities: { rows: any[] };
  cases: { id: string; customerId: string; touchpoint: string | null; owner: string; rule: string; openedAt: string }[];
  csrf: string;
};

type Ctx = { t: Texts; f: Formatters; lang: Lang };

const headline = (m: Metrics) => [
  ['nps', m.nps.score, m.nps.responses, 'responses'],
  ['csat', m.csat.score, m.csat.responses, 'responses'],
  ['ces', m.ces.score, m.ces.responses, 'responses'],
  ['churn', m.churn?.rate ?? null, m.churn?.customersAtStart ?? 0, 'customers'],
  ['retention', m.retention?.rate ?? null, m.retention?.customersAtStart ?? 0, 'customers'],
  ['resolution', m.resolution.rate, m.resolution.received, 'tickets'],
] as const;

const Headline: FC<{ d: DashboardData } & Ctx> = ({ d, t, f }) => {
  const before = new Map(headline(d.summary.previous.metrics).map(([k, v]) => [k, v]));
  return (
    <ul class="cards" aria-label={t.title}>
      {headline(d.summary.metrics).map(([k, v, n, unit]) => {
        const prev = before.get(k) ?? null;
        const delta = v !== null && prev !== null ? Math.round((v - prev) * 100) / 100 : null;
        const suffix = k === 'nps' || k === 'ces' ? '' : ' %';
        return (
          <li class="card" data-metric={k}>
            <h3>{t[k]}</h3>
            <div class="v" data-value={v === null ? '' : String(v)}>
              {f.num(v)}
              {v === null ? '' : suffix}
            </div>
            <div class="d">
              {f.delta(delta)} {t.vsPrevious} · {f.num(n)} {t[unit]}
            </div>
          </li>
        );
      })}
    </ul>
  );
};

/** good / fair / poor from what was measured at a touchpoint; critical moments are poor. */
export function experienceClass(tp: { criticalMoment: boolean; nps: { score: number | null }; negativeRate: number | null }): 'good' | 'fair' | 'poor' | 'none' {
  if (tp.criticalMoment) return 'poor';
  const { score } = tp.nps;
  const neg = tp.negativeRate;
  if (score === null && neg === null) return 'none';
  if ((score !== null && score < 0) || (neg !== null && neg > 25)) return 'poor';
  if ((score === null || score >= 30) && (neg === null || neg < 10)) return 'good';
  return 'fair';
}

const Chip: FC<{ tp: any } & Ctx> = ({ tp, t, f }) => {
  const cls = experienceClass(tp);
  return (
    <span class={`tp ${cls}`} data-touchpoint={tp.key} data-experience={cls}>
      {tp.criticalMoment ? <span class="crit" title={tp.reasons.map((r: any) => r.detail).join('; ')}>⚠ {t.critical}: </span> : null}
      <strong>{tp.name ?? tp.key}</strong> ({t[cls === 'none' ? 'noData' : cls]}) · {f.num(tp.volume.interactions)} · NPS {f.num(tp.nps.score)}
    </span>
  );
};

const Journey: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => (
  <div class="scroll">
    <table id="journey">
      <caption class="sr">{t.journey}</caption>
      <thead>
        <tr>
          {d.journey.stages.map((s) => (
            <th scope="col">{s.name}</th>
          ))}
          {d.journey.unconfigured.length ? <th scope="col">{t.unconfigured}</th> : null}
        </tr>
      </thead>
      <tbody>
        <tr>
          {d.journey.stages.map((s) => (
            <td>{s.touchpoints.length ? s.touchpoints.map((tp: any) => <Chip tp={tp} t={t} f={f} lang={lang} />) : t.noTouchpoints}</td>
          ))}
          {d.journey.unconfigured.length ? (
            <td>
              {d.journey.unconfigured.map((tp: any) => (
                <Chip tp={tp} t={t} f={f} lang={lang} />
              ))}
            </td>
          ) : null}
        </tr>
      </tbody>
    </table>
  </div>
);

export const DashboardPage: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => {
  const series = (pick: (m: Metrics) => number | null) => d.daily.days.map((x) => ({ day: x.day, value: pick(x.metrics) }));
  const m = d.summary.metrics;
  const empty = m.interactions.count + m.nps.responses + m.csat.responses + m.ces.responses + m.resolution.received === 0 && !m.churn?.customersAtStart;
  const other: Lang = lang === 'es' ? 'en' : 'es';
  return (
    <Layout lang={lang} title={`${t.title} · ${d.workspace}`}>
      <header>
        <div>
          <h1>{t.title}</h1>
          <p>
            {d.workspace} · {f.day(d.summary.from)} – {f.day(d.summary.to)} ({d.summary.timezone})
          </p>
        </div>
        <nav aria-label={t.period}>
          {(['7d', '30d', '90d'] as const).map((p) => (
            <a href={`/dashboard?period=${p}&lang=${lang}`} aria-current={p === d.period ? 'page' : undefined}>
              {t.last(Number.parseInt(p))}
            </a>
          ))}
          <a href={`/dashboard?period=${d.period}&lang=${other}`} hreflang={other} lang={other}>
            {t.language}
          </a>
        </nav>
        <form method="post" action="/dashboard/logout">
          <input type="hidden" name="csrf" value={d.csrf} />
          <button type="submit">{t.signOut}</button>
        </form>
      </header>
      <main>
        {empty ? <p class="empty" id="empty">{t.empty}</p> : null}
        <Headline d={d} t={t} f={f} lang={lang} />
        <h2>{t.trends}</h2>
        <div class="charts">
          <LineChart id="chart-nps" label={t.nps} points={series((x) => x.nps.score)} t={t} f={f} />
          <LineChart id="chart-csat" label={`${t.csat} %`} points={series((x) => x.csat.score)} t={t} f={f} />
          <LineChart id="chart-interactions" label={t.interactions} points={series((x) => x.interactions.count)} t={t} f={f} />
          <LineChart id="chart-negative" label={`${t.negativeRate} %`} points={series((x) => x.interactions.negativeRate)} t={t} f={f} />
        </div>
        <h2>{t.journey}</h2>
        <Journey d={d} t={t} f={f} lang={lang} />
        <h2>{t.priorities}</h2>
        <p>{t.priorityHelp}</p>
        <ol id="priorities">
          {d.priorities.rows.slice(0, 10).map((r) => (
            <li data-touchpoint={r.touchpoint}>
              <strong>{r.name ?? r.touchpoint}</strong> — {t.score}: {f.num(r.score)} · {t.reach}: {f.num(r.reach.share)} % · {t.owner}: {r.owner ?? '—'}
            </li>
          ))}
        </ol>
        <h2>{t.cases}</h2>
        {d.cases.length === 0 ? (
          <p>{t.noCases}</p>
        ) : (
          <div class="scroll">
            <table id="cases">
              <thead>
                <tr>
                  <th scope="col">{t.opened}</th>
                  <th scope="col">{t.customer}</th>
                  <th scope="col">{t.touchpoint}</th>
                  <th scope="col">{t.owner}</th>
                  <th scope="col">{t.rule}</th>
                </tr>
              </thead>
              <tbody>
                {d.cases.map((c) => (
                  <tr>
                    <td>{f.when(c.openedAt)}</td>
                    <td>{c.customerId}</td>
                    <td>{c.touchpoint ?? '—'}</td>
                    <td>{c.owner}</td>
                    <td>{c.rule}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </main>
    </Layout>
  );
};

export const SignInPage: FC<{ error: boolean } & Ctx> = ({ error, t, lang }) => (
  <Layout lang={lang} title={t.signInTitle}>
    <main>
      <form class="signin" method="post" action={`/dashboard/session?lang=${lang}`}>
        <h1>{t.signInTitle}</h1>
        <p>{t.signInHelp}</p>
        {error ? (
          <p class="error" role="alert">
            {t.badKey}
          </p>
        ) : null}
        <label for="key">{t.key}</label>
        <input id="key" name="key" type="password" autocomplete="off" required maxlength={200} />
        <button type="submit">{t.signIn}</button>
      </form>
    </main>
  </Layout>
);
