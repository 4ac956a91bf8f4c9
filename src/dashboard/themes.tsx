import type { FC } from 'hono/jsx';
import type { Quote, ThemeFigures, ThemesReport } from '../reports/voice-types.ts';
import type { Ctx } from './types.ts';

/** Quotes shown per theme on the dashboard (the report keeps up to 3). */
const QUOTES = 2;
/** Unthemed words shown (the report keeps up to 20). */
const WORDS = 12;

/** One masked comment: its words, then who said it on which scale and when. Text only, never markup. */
export const QuoteView: FC<{ q: Quote; names: Map<string, string> } & Ctx> = ({ q, names, t, f }) => (
  <figure class="quote" data-survey={q.survey}>
    <blockquote>{q.text}</blockquote>
    <figcaption>
      {q.survey.toUpperCase()} {f.num(q.score)} · {q.touchpoint === null ? '' : `${names.get(q.touchpoint) ?? q.touchpoint} · `}
      {f.day(q.day)}
    </figcaption>
  </figure>
);

const Theme: FC<{ th: ThemeFigures; names: Map<string, string> } & Ctx> = ({ th, names, t, f, lang }) => {
  const { nps } = th;
  const verdict = nps.change === null ? null : nps.significant ? t.significantChange : t.notSignificant;
  return (
    <li
      class={`card theme ${th.polarity}`}
      data-theme={th.key}
      data-mentions={String(th.mentions)}
      data-significant={nps.significant ? 'true' : 'false'}
      data-low-sample={nps.lowSample ? 'true' : 'false'}
    >
      <h3>
        {th.name} <span class="pol">{t[th.polarity]}</span>
      </h3>
      <div class="v">{t.mentions(th.mentions, f.num(th.mentions))}</div>
      <div class="d">
        {f.pct(th.share)} {t.ofComments}
      </div>
      <p class="nps">
        {t.npsMentioners}: <strong data-nps="mentioners">{f.num(nps.mentioners.score)}</strong> (n = {f.num(nps.mentioners.responses)}) · {t.npsRest}:{' '}
        <strong data-nps="rest">{f.num(nps.rest.score)}</strong> (n = {f.num(nps.rest.responses)})
        {nps.change === null ? null : ` · ${t.difference} ${f.delta(nps.change)}`}
      </p>
      {verdict ? (
        <div class={nps.significant ? 'sig yes' : 'sig'} title={nps.interval ? `${t.interval95}: ${f.num(nps.interval[0])} … ${f.num(nps.interval[1])}` : undefined}>
          {nps.significant ? '● ' : ''}
          {verdict}
        </div>
      ) : null}
      {nps.mentioners.responses > 0 && nps.lowSample ? <div class="low">⚠ {t.lowSample}</div> : null}
      <p class="shares">
        {t.amongDetractors}: <span data-share="detractors">{f.pct(th.detractorShare)}</span> · {t.amongPromoters}: <span data-share="promoters">{f.pct(th.promoterShare)}</span>
      </p>
      {th.quotes.slice(0, QUOTES).map((q) => (
        <QuoteView q={q} names={names} t={t} f={f} lang={lang} />
      ))}
    </li>
  );
};

/**
 * "What customers say": the workspace's themes in the period's survey comments, each with its
 * mentions, the NPS of those who mention it against the rest, its share among detractors and
 * promoters and a quote or two (masked by the report); then the frequent words no theme covers.
 */
export const Themes: FC<{ report: ThemesReport; names: Map<string, string>; query: string } & Ctx> = ({ report, names, query, t, f, lang }) => {
  const mentioned = report.themes.filter((th) => th.mentions > 0);
  const silent = report.themes.filter((th) => th.mentions === 0);
  return (
    <section id="themes" aria-labelledby="themes-title">
      <h2 id="themes-title">{t.voice}</h2>
      <p>
        <a id="empathy-link" href={`/dashboard/empathy?${query}`}>
          {t.empathyLink}
        </a>
      </p>
      {report.comments === 0 ? (
        <p class="empty" id="themes-empty">
          {t.noComments}
        </p>
      ) : (
        <>
          <p>{t.voiceHelp(report.comments, f.num(report.comments))}</p>
          <ul class="cards themes">
            {mentioned.map((th) => (
              <Theme th={th} names={names} t={t} f={f} lang={lang} />
            ))}
          </ul>
          {silent.length ? (
            <p id="themes-silent">
              {t.notMentioned} {silent.map((th) => th.name).join(', ')}
            </p>
          ) : null}
          <h3 id="unthemed-title">{t.unthemed}</h3>
          <p>{t.unthemedHelp}</p>
          {report.unthemed.length ? (
            <ol id="unthemed" class="words" aria-labelledby="unthemed-title">
              {report.unthemed.slice(0, WORDS).map((w) => (
                <li data-term={w.term} data-mentions={String(w.mentions)}>
                  {w.term} <span class="n">{f.num(w.mentions)}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p id="unthemed">{t.noUnthemed}</p>
          )}
        </>
      )}
    </section>
  );
};
