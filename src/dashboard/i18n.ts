import { voiceEn, voiceEs } from './i18n-voice.ts';

export type Lang = 'es' | 'en';

const en = {
  title: 'Customer experience',
  signInTitle: 'Sign in to the dashboard',
  signInHelp: 'Paste a read key of your workspace. It is checked once and never stored in the browser.',
  key: 'Read key',
  signIn: 'Sign in',
  signOut: 'Sign out',
  badKey: 'That key is unknown, revoked, or cannot read reports.',
  period: 'Period',
  last: (n: number) => `Last ${n} days`,
  vsPrevious: 'vs previous period',
  nps: 'NPS', csat: 'CSAT', ces: 'CES', churn: 'Churn', retention: 'Retention', resolution: 'Resolution',
  responses: 'responses', customers: 'customers at start', tickets: 'tickets',
  trends: 'Daily trends', interactions: 'Interactions', negativeRate: 'Negative rate',
  showTable: 'Show the data as a table', day: 'Day', value: 'Value',
  journey: 'Journey map', stage: 'Stage', noTouchpoints: 'No touchpoints', critical: 'Critical moment',
  good: 'good', fair: 'fair', poor: 'poor', noData: 'no data', unconfigured: 'Not in the inventory',
  priorities: 'Priorities', priorityHelp: 'Touchpoints ranked by NPS and churn points at stake (95% confidence), weighted by reach.',
  score: 'Points at stake', reach: 'Reach', owner: 'Owner', touchpoint: 'Touchpoint',
  cases: 'Open cases', opened: 'Opened', rule: 'Rule', customer: 'Customer', noCases: 'No open cases.', due: 'Due', overdue: 'Overdue',
  unassigned: 'unassigned', noPrevious: 'no previous data', scrollHint: 'Scroll sideways to see every column →',
  interactionCount: (n: number, shown: string) => `${shown} ${n === 1 ? 'interaction' : 'interactions'}`,
  empty: 'No data yet for this period. Send events to POST /v1/events; reports appear after the next rollup.',
  pending: (n: number) => `${n} ${n === 1 ? 'day is' : 'days are'} still being processed: the figures below are not final yet.`,
  language: 'Idioma: español',
  significantChange: 'significant change', notSignificant: 'within chance', lowSample: 'small sample (under 30)',
  weeklyNps: 'NPS by week, last 90 days (band: 95% interval)', week: 'Week', interval95: '95% interval',
  vsPreviousWeek: 'vs previous week', partial: 'partial week',
  valuePerCustomer: 'Value per customer: promoters vs detractors', valueHelp: 'What customers were worth in the period, by their latest NPS answer.',
  promoters: 'Promoters', passives: 'Passives', detractors: 'Detractors', customersShort: 'customers',
};

const es: typeof en = {
  title: 'Experiencia de cliente',
  signInTitle: 'Entrar al panel',
  signInHelp: 'Pega una clave de lectura de tu espacio. Se comprueba una vez y nunca se guarda en el navegador.',
  key: 'Clave de lectura',
  signIn: 'Entrar',
  signOut: 'Salir',
  badKey: 'Esa clave no existe, está revocada o no puede leer informes.',
  period: 'Periodo',
  last: (n: number) => `Últimos ${n} días`,
  vsPrevious: 'frente al periodo anterior',
  nps: 'NPS', csat: 'CSAT', ces: 'CES', churn: 'Abandono', retention: 'Retención', resolution: 'Resolución',
  responses: 'respuestas', customers: 'clientes al inicio', tickets: 'tickets',
  trends: 'Tendencias diarias', interactions: 'Interacciones', negativeRate: 'Tasa negativa',
  showTable: 'Ver los datos en una tabla', day: 'Día', value: 'Valor',
  journey: 'Mapa del recorrido', stage: 'Etapa', noTouchpoints: 'Sin puntos de contacto', critical: 'Momento crítico',
  good: 'bueno', fair: 'regular', poor: 'malo', noData: 'sin datos', unconfigured: 'Fuera del inventario',
  priorities: 'Prioridades', priorityHelp: 'Puntos de contacto ordenados por puntos de NPS y abandono en juego (95\u00a0% de confianza), ponderados por alcance.',
  score: 'Puntos en juego', reach: 'Alcance', owner: 'Responsable', touchpoint: 'Punto de contacto',
  cases: 'Casos abiertos', opened: 'Abierto', rule: 'Regla', customer: 'Cliente', noCases: 'No hay casos abiertos.', due: 'Vence', overdue: 'Vencido',
  unassigned: 'sin asignar', noPrevious: 'sin datos previos', scrollHint: 'Desliza para ver todas las columnas →',
  interactionCount: (n: number, shown: string) => `${shown} ${n === 1 ? 'interacción' : 'interacciones'}`,
  empty: 'Aún no hay datos para este periodo. Envía eventos a POST /v1/events; los informes aparecen tras el siguiente cálculo.',
  pending: (n: number) => `${n} ${n === 1 ? 'día sigue' : 'días siguen'} en proceso: las cifras de abajo aún no son definitivas.`,
  language: 'Language: English',
  significantChange: 'cambio significativo', notSignificant: 'dentro del azar', lowSample: 'muestra pequeña (menos de 30)',
  weeklyNps: 'NPS por semana, últimos 90 días (banda: intervalo del 95\u00a0%)', week: 'Semana', interval95: 'Intervalo del 95\u00a0%',
  vsPreviousWeek: 'frente a la semana anterior', partial: 'semana incompleta',
  valuePerCustomer: 'Valor por cliente: promotores frente a detractores', valueHelp: 'Lo que valieron los clientes en el periodo, según su última respuesta NPS.',
  promoters: 'Promotores', passives: 'Pasivos', detractors: 'Detractores', customersShort: 'clientes',
};

export const texts = { en: { ...en, ...voiceEn }, es: { ...es, ...voiceEs } };
export type Texts = typeof texts.en;

/** `?lang=` wins; then the first of es/en in Accept-Language; then English. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'es' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { lang: tag.slice(0, 2).toLowerCase(), q: q ? Number(q) : 1 };
    })
    .filter((x) => (x.lang === 'es' || x.lang === 'en') && x.q > 0)
    .sort((a, b) => b.q - a.q);
  return (ranked[0]?.lang as Lang) ?? 'en';
}

export function formatters(lang: Lang) {
  const locale = lang === 'es' ? 'es-ES' : 'en-US';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  // Rates are 0–100; the locale places the sign: "82.45%" in English, "82,45 %" in Spanish.
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const long = new Map<string, Intl.DateTimeFormat>();
  /** An instant as the workspace's clock showed it (an unknown zone falls back to UTC). */
  const when = (iso: string, timeZone: string) => {
    let fmt = long.get(timeZone);
    if (!fmt) {
      try {
        fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
      } catch {
        fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
      }
      long.set(timeZone, fmt);
    }
    return fmt.format(new Date(iso));
  };
  return {
    num: (x: number | null | undefined) => (x === null || x === undefined ? '—' : num.format(x)),
    pct: (x: number | null | undefined) => (x === null || x === undefined ? '—' : percent.format(x / 100)),
    delta: (x: number | null) => (x === null ? '—' : signed.format(x)),
    day: (d: string) => date.format(new Date(`${d}T00:00:00Z`)),
    when,
  };
}
export type Formatters = ReturnType<typeof formatters>;
