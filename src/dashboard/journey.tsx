import type { FC } from 'hono/jsx';
import type { Ctx, DashboardData } from './types.ts';

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
  const volume: number = tp.volume.interactions;
  return (
    <li class={`tp ${cls}`} data-touchpoint={tp.key} data-experience={cls}>
      {tp.criticalMoment ? <span class="crit" title={tp.reasons.map((r: any) => r.detail).join('; ')}>⚠ {t.critical}: </span> : null}
      <strong>{tp.name ?? tp.key}</strong> ({t[cls === 'none' ? 'noData' : cls]}) · <span class="vol">{t.interactionCount(volume, f.num(volume))}</span> · NPS {f.num(tp.nps.score)}
    </li>
  );
};

const Stage: FC<{ name: string; stage: string; touchpoints: any[]; extra?: boolean } & Ctx> = ({ name, stage, touchpoints, extra, t, f, lang }) => (
  <li class={extra ? 'stage extra' : 'stage'} data-stage={stage}>
    <h3>{name}</h3>
    {touchpoints.length ? (
      <ul>
        {touchpoints.map((tp) => (
          <Chip tp={tp} t={t} f={f} lang={lang} />
        ))}
      </ul>
    ) : (
      <p class="none-here">{t.noTouchpoints}</p>
    )}
  </li>
);

/**
 * The journey map: one block per stage, in order, with a heading and its touchpoints.
 * Side by side on a wide screen, stacked on a phone (layout.tsx), so it never scrolls sideways.
 */
export const Journey: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => (
  <ol id="journey" class="journey" aria-label={t.journey}>
    {d.journey.stages.map((s) => (
      <Stage name={s.name} stage={s.key} touchpoints={s.touchpoints} t={t} f={f} lang={lang} />
    ))}
    {d.journey.unconfigured.length ? <Stage name={t.unconfigured} stage="" touchpoints={d.journey.unconfigured} extra t={t} f={f} lang={lang} /> : null}
  </ol>
);

/** Touchpoint key → its inventory name, from a journey report. */
export function touchpointNamesOf(journey: { stages: { touchpoints: { key: string; name?: string | null }[] }[] }): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of journey.stages) for (const tp of s.touchpoints) if (tp.name) names.set(tp.key, tp.name);
  return names;
}

/** Touchpoint key → its inventory name, from the reports the page already read. */
export function touchpointNames(d: DashboardData): Map<string, string> {
  const names = touchpointNamesOf(d.journey);
  for (const r of d.priorities.rows) if (r.name && !names.has(r.touchpoint)) names.set(r.touchpoint, r.name);
  return names;
}
