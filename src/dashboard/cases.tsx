import type { FC } from 'hono/jsx';
import { touchpointNames } from './journey.tsx';
import type { Ctx, DashboardData } from './types.ts';

/** The owner a case gets when neither its touchpoint nor the workspace names one (services/cases.ts). */
const UNASSIGNED = 'unassigned';

/** Open cases, overdue first: opened and due in the workspace's local time, touchpoints by name, owners as text. */
export const Cases: FC<{ d: DashboardData } & Ctx> = ({ d, t, f }) => {
  if (d.cases.length === 0) return <p>{t.noCases}</p>;
  const names = touchpointNames(d);
  return (
    <>
      <p class="hint" aria-hidden="true">
        {t.scrollHint}
      </p>
      {/* Focusable so that a keyboard can scroll it; the shadows at its edges show there is more. */}
      <div class="scroll" role="region" aria-label={t.cases} tabindex={0}>
        <table id="cases">
          <thead>
            <tr>
              <th scope="col">{t.opened}</th>
              <th scope="col">{t.customer}</th>
              <th scope="col">{t.touchpoint}</th>
              <th scope="col">{t.owner}</th>
              <th scope="col">{t.rule}</th>
              <th scope="col">{t.due}</th>
            </tr>
          </thead>
          <tbody>
            {d.cases.map((c) => (
              <tr data-case={c.id} data-overdue={c.overdue ? 'true' : undefined}>
                <td>
                  <time datetime={c.openedAt}>{f.when(c.openedAt, d.timezone)}</time>
                </td>
                <td>{c.customerId}</td>
                <td data-touchpoint={c.touchpoint ?? ''}>{c.touchpoint === null ? '—' : (names.get(c.touchpoint) ?? c.touchpoint)}</td>
                <td>{c.owner === UNASSIGNED ? t.unassigned : c.owner}</td>
                <td>{c.rule}</td>
                <td>
                  {c.dueAt === null ? '—' : <time datetime={c.dueAt}>{f.when(c.dueAt, d.timezone)}</time>}
                  {c.overdue ? <strong class="overdue"> {t.overdue}</strong> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};
