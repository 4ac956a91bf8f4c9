import type { FC } from 'hono/jsx';
import type { Period } from '../platform/time.ts';
import type { EmpathyReport } from '../reports/voice-types.ts';
import type { Lang } from './i18n.ts';
import type { Ctx } from './types.ts';

/** A segment or stage as the page's links carry it: '' for none (segments and stage keys are never empty). */
export type Pick = { segment: string; stage: string };

export const asPick = (c: { segment: string | null; stage: string | null }): Pick => ({ segment: c.segment ?? '', stage: c.stage ?? '' });

/**
 * The segment × stage to show: what the query names; a missing one is taken from the cell with the
 * most comments (then interactions) among those that fit, so the first view has something to read.
 */
export function choose(report: EmpathyReport, segment: string | undefined, stage: string | undefined): Pick {
  const fits = report.cells.filter((c) => (segment === undefined || (c.segment ?? '') === segment) && (stage === undefined || (c.stage ?? '') === stage));
  const best = [...fits].sort((a, b) => b.says.comments - a.says.comments || b.does.interactions.count - a.does.interactions.count)[0];
  return { segment: segment ?? best?.segment ?? '', stage: stage ?? best?.stage ?? '' };
}

export const href = (p: Pick, period: Period, lang: Lang) => `/dashboard/empathy?${new URLSearchParams({ segment: p.segment, stage: p.stage, period, lang })}`;

/** Links that pick a segment or a stage (no JavaScript): the current one marked. */
export const Picker: FC<{ id: string; label: string; options: [string, string][]; current: string; to: (v: string) => string }> = ({ id, label, options, current, to }) => (
  <nav id={id} aria-label={label}>
    <strong>{label}:</strong>
    {options.map(([v, name]) => (
      <a href={to(v)} data-value={v} aria-current={v === current ? 'page' : undefined}>
        {name}
      </a>
    ))}
  </nav>
);

/**
 * Every segment × stage of the period with its comments (interactions in the tooltip), each a link
 * to its map: where there is something to read, at a glance.
 */
export const Overview: FC<{ report: EmpathyReport; chosen: Pick; segments: string[]; stages: [string, string][]; segmentName: (s: string) => string; period: Period } & Ctx> = ({
  report,
  chosen,
  segments,
  stages,
  segmentName,
  period,
  t,
  f,
  lang,
}) => {
  const cells = new Map(report.cells.map((c) => [`${c.segment ?? ''}|${c.stage ?? ''}`, c]));
  return (
    <>
      <h2 id="overview-title">{t.overview}</h2>
      <div class="scroll" role="region" aria-labelledby="overview-title" tabindex={0}>
        <table id="overview" class="overview">
          <thead>
            <tr>
              <th scope="col">{t.segment}</th>
              {stages.map(([, name]) => (
                <th scope="col">{name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {segments.map((segment) => (
              <tr>
                <th scope="row">{segmentName(segment)}</th>
                {stages.map(([stage]) => {
                  const c = cells.get(`${segment}|${stage}`);
                  const here = segment === chosen.segment && stage === chosen.stage;
                  return (
                    <td>
                      {c ? (
                        <a href={href({ segment, stage }, period, lang)} aria-current={here ? 'page' : undefined} title={t.interactionCount(c.does.interactions.count, f.num(c.does.interactions.count))}>
                          {t.commentCount(c.says.comments, f.num(c.says.comments))}
                        </a>
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};
