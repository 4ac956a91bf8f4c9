import type { Child, FC } from 'hono/jsx';
import { PERIODS, type Period } from '../platform/time.ts';
import type { EmpathyCell, EmpathyReport, EmpathyTheme } from '../reports/voice-types.ts';
import type { Lang } from './i18n.ts';
import { Layout } from './layout.tsx';
import { QuoteView } from './themes.tsx';
import { href, Overview, Picker, type Pick } from './empathy-pick.tsx';
import type { Ctx } from './types.ts';

export type EmpathyData = {
  workspace: string;
  period: Period;
  report: EmpathyReport;
  chosen: Pick;
  /** The chosen cell, or null when that segment had no activity at that stage. */
  cell: EmpathyCell | null;
  names: Map<string, string>;
};

const Quadrant: FC<{ id: string; title: string; help: string; empty: boolean; note: string; children?: Child }> = ({ id, title, help, empty, note, children }) => (
  <section class={`quadrant ${id}`} data-quadrant={id} data-empty={empty ? 'true' : 'false'} aria-labelledby={`q-${id}`}>
    <h2 id={`q-${id}`}>
      {title} <span class="help">· {help}</span>
    </h2>
    {empty ? <p class="none-here">{note}</p> : children}
  </section>
);

const ThemeList: FC<{ themes: EmpathyTheme[] } & Ctx> = ({ themes, t, f }) => (
  <ul class="words">
    {themes.map((th) => (
      <li data-theme={th.key} class={th.polarity}>
        {th.name} <span class="n">{t.mentions(th.mentions, f.num(th.mentions))}</span>
      </li>
    ))}
  </ul>
);

/** The five parts of the seeds' empathy map for one cell; every empty one says so. */
const EmpathyMap: FC<{ cell: EmpathyCell | null; names: Map<string, string> } & Ctx> = ({ cell, names, t, f, lang }) => {
  const ctx = { t, f, lang };
  const says = cell?.says, does = cell?.does, feels = cell?.feels, fr = cell?.frustrations, mo = cell?.motivations;
  return (
    <div class="empathy" id="empathy-map">
      <Quadrant id="says" title={t.says} help={t.saysHelp} empty={!says || says.empty} note={t.emptySays}>
        <p>{t.commentCount(says?.comments ?? 0, f.num(says?.comments))}</p>
        <ThemeList themes={says?.themes ?? []} {...ctx} />
        {(says?.quotes ?? []).map((q) => <QuoteView q={q} names={names} {...ctx} />)}
      </Quadrant>
      <Quadrant id="does" title={t.does} help={t.doesHelp} empty={!does || does.empty} note={t.emptyDoes}>
        <p class="big">{t.interactionCount(does?.interactions.count ?? 0, f.num(does?.interactions.count))}</p>
        <p>
          {f.num(does?.interactions.success)} {t.successes} · {f.num(does?.interactions.failure)} {t.failures} · {f.num(does?.interactions.abandoned)} {t.abandoned}
        </p>
        <p>
          {t.answers}: NPS {f.num(does?.responses.nps)} · CSAT {f.num(does?.responses.csat)} · CES {f.num(does?.responses.ces)}
        </p>
      </Quadrant>
      <Quadrant id="feels" title={t.feels} help={t.feelsHelp} empty={!feels || feels.empty} note={t.emptyFeels}>
        <ul class="words">
          {(feels?.emotions ?? []).map((e) => (
            <li data-emotion={e.emotion}>
              {e.emotion} <span class="n">{f.num(e.count)}</span>
            </li>
          ))}
        </ul>
        <p>
          {t.meanSentiment}: <strong data-sentiment="">{f.num(feels?.meanSentiment)}</strong>
        </p>
      </Quadrant>
      <Quadrant id="frustrations" title={t.frustrations} help={t.frustrationsHelp} empty={!fr || fr.empty} note={t.emptyFrustrations}>
        <ThemeList themes={fr?.themes ?? []} {...ctx} />
        <p>
          {t.failureRate}: {f.pct(fr?.failureRate)} · {t.abandonmentRate}: {f.pct(fr?.abandonmentRate)}
        </p>
      </Quadrant>
      <Quadrant id="motivations" title={t.motivations} help={t.motivationsHelp} empty={!mo || mo.empty} note={t.emptyMotivations}>
        <ThemeList themes={mo?.themes ?? []} {...ctx} />
        <p>{t.promoterComments(f.num(mo?.promoterComments))}</p>
      </Quadrant>
    </div>
  );
};

export const EmpathyPage: FC<{ d: EmpathyData } & Ctx> = ({ d, t, f, lang }) => {
  const { report, chosen, period } = d;
  const other: Lang = lang === 'es' ? 'en' : 'es';
  const segmentName = (s: string) => (s === '' ? t.noSegment : s);
  const stages = new Map<string, string>();
  for (const c of report.cells) stages.set(c.stage ?? '', c.stageName ?? c.stage ?? t.noStage);
  const segments = [...new Set(report.cells.map((c) => c.segment ?? ''))].sort();
  const stageName = (s: string) => stages.get(s) ?? s;
  return (
    <Layout lang={lang} title={`${t.empathy} · ${d.workspace}`}>
      <header>
        <h1>{t.empathy}</h1>
        <p>
          {d.workspace} · {f.day(report.from)} – {f.day(report.to)} ({report.timezone})
        </p>
        <div class="tools">
          <a id="back" href={`/dashboard?period=${period}&lang=${lang}`}>
            {t.backToDashboard}
          </a>
          <nav aria-label={t.period}>
            {PERIODS.map((p) => (
              <a href={href(chosen, p, lang)} aria-current={p === period ? 'page' : undefined}>
                {t.last(Number.parseInt(p))}
              </a>
            ))}
            <a href={href(chosen, period, other)} hreflang={other} lang={other}>
              {t.language}
            </a>
          </nav>
        </div>
      </header>
      <main>
        {report.complete === false ? (
          <p class="pending" id="pending" role="status">
            {t.pending(report.pendingDays)}
          </p>
        ) : null}
        <p>{t.empathyHelp}</p>
        <Picker id="pick-segment" label={t.segment} options={segments.map((s) => [s, segmentName(s)])} current={chosen.segment} to={(s) => href({ ...chosen, segment: s }, period, lang)} />
        <Picker id="pick-stage" label={t.stage} options={[...stages]} current={chosen.stage} to={(s) => href({ ...chosen, stage: s }, period, lang)} />
        <h2 id="cell-title" data-segment={chosen.segment} data-stage={chosen.stage}>
          {segmentName(chosen.segment)} × {chosen.stage === '' ? t.noStage : stageName(chosen.stage)}
        </h2>
        {d.cell ? null : <p class="empty" id="no-cell">{t.noCell}</p>}
        <EmpathyMap cell={d.cell} names={d.names} t={t} f={f} lang={lang} />
        <Overview report={report} chosen={chosen} segments={segments} stages={[...stages]} segmentName={segmentName} period={period} t={t} f={f} lang={lang} />
      </main>
    </Layout>
  );
};
