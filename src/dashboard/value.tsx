import type { FC } from 'hono/jsx';
import type { Ctx, DashboardData } from './types.ts';

/** "Value per customer: promoters vs detractors"; only where interactions carry a value. */
export const Value: FC<{ d: DashboardData } & Ctx> = ({ d, t, f, lang }) => {
  const v = d.summary.metrics.value;
  if (!v?.byNpsGroup) return null;
  const money = new Intl.NumberFormat(lang === 'es' ? 'es-ES' : 'en-US', { style: 'currency', currency: d.currency, maximumFractionDigits: 2 });
  const show = (x: number | null) => (x === null ? '—' : money.format(x));
  const groups = (['promoters', 'passives', 'detractors'] as const).map((g) => [g, v.byNpsGroup![g]] as const);
  return (
    <section id="value" aria-labelledby="value-title">
      <h2 id="value-title">{t.valuePerCustomer}</h2>
      <p>{t.valueHelp}</p>
      <ul class="cards">
        {groups.map(([g, x]) => (
          <li class="card" data-group={g} data-value={x.perCustomer === null ? '' : String(x.perCustomer)}>
            <h3>{t[g]}</h3>
            <div class="v">{show(x.perCustomer)}</div>
            <div class="d">
              {f.num(x.customers)} {t.customersShort}
              {x.customers > 0 && x.customers < 30 ? ` · ⚠ ${t.lowSample}` : ''}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
};
