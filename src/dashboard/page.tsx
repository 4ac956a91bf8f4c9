import type { FC } from 'hono/jsx';
import type { Metrics } from '../metrics/definitions.ts';
import { PERIODS } from '../platform/time.ts';
import { Cases } from './cases.tsx';
import { LineChart } from './charts.tsx';
import { TrendChart } from './trend-chart.tsx';
import { Value } from './value.tsx';
import { Headline } from './headline.tsx';
import type { Lang } from './i18n.ts';
import { Journey, touchpointNames } from './journey.tsx';
import { Themes } from './themes.tsx';
import { Layout } from './layout.tsx';
import type { Bounds } from './scale.ts';
import type { Ctx, DashboardData } from './types.ts';

export type { DashboardData } from './types.ts';

const PERCENT: Bounds = [0, 100];
const NPS: Bounds = [-100, 100];
const COUNT: Bounds = [0, Infinity];

const Header: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => {
  const other: Lang = lang === 'es' ? 'en' : 'es';
  return (
    <header>
      <h1>{t.title}</h1>
      <p>
        {d.workspace} · {f.day(d.summary.from)} – {f.day(d.summary.to)} ({d.summary.timezone})
      </p>
      {/* On a wide screen: top right, on the title's row (layout.tsx). */}
      <div class="tools">
        <nav aria-label={t.period}>
          {PERIODS.map((p) => (
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
      </div>
    </header>
  );
};

export const DashboardPage: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => {
  const series = (pick: (m: Metrics) => number | null) => d.daily.days.map((x) => ({ day: x.day, value: pick(x.metrics) }));
  const m = d.summary.metrics;
  const empty = m.interactions.count + m.nps.responses + m.csat.responses + m.ces.responses + m.resolution.received === 0 && !m.churn?.customersAtStart;
  return (
    <Layout lang={lang} title={`${t.title} · ${d.workspace}`}>
      <Header d={d} t={t} f={f} lang={lang} />
      <main>
        {d.summary.complete === false ? (
          <p class="pending" id="pending" role="status">
            {t.pending(d.summary.pendingDays)}
          </p>
        ) : null}
        {empty ? <p class="empty" id="empty">{t.empty}</p> : null}
        <Headline d={d} t={t} f={f} lang={lang} />
        <h2>{t.trends}</h2>
        <div class="charts">
          <LineChart id="chart-nps" label={t.nps} points={series((x) => x.nps.score)} bounds={NPS} t={t} f={f} />
          <LineChart id="chart-csat" label={`${t.csat} (%)`} points={series((x) => x.csat.score)} bounds={PERCENT} t={t} f={f} />
          <LineChart id="chart-interactions" label={t.interactions} points={series((x) => x.interactions.count)} bounds={COUNT} t={t} f={f} />
          <LineChart id="chart-negative" label={`${t.negativeRate} (%)`} points={series((x) => x.interactions.negativeRate)} bounds={PERCENT} t={t} f={f} />
        </div>
        {/* auto-fill: the one chart keeps a chart's width instead of stretching over the row. */}
        <div class="charts fill">
          <TrendChart id="chart-nps-weekly" label={t.weeklyNps} points={d.trend.points} t={t} f={f} />
        </div>
        <Value d={d} t={t} f={f} lang={lang} />
        <Themes report={d.themes} names={touchpointNames(d)} query={`period=${d.period}&lang=${lang}`} t={t} f={f} lang={lang} />
        <h2>{t.journey}</h2>
        <Journey d={d} t={t} f={f} lang={lang} />
        <h2>{t.priorities}</h2>
        <p>{t.priorityHelp}</p>
        <ol id="priorities">
          {d.priorities.rows.slice(0, 10).map((r) => (
            <li data-touchpoint={r.touchpoint}>
              <strong>{r.name ?? r.touchpoint}</strong> — {t.score}: {f.num(r.score)} · {t.reach}: {f.pct(r.reach.share)} · {t.owner}: {r.owner ?? '—'}
            </li>
          ))}
        </ol>
        <h2>{t.cases}</h2>
        <Cases d={d} t={t} f={f} lang={lang} />
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
