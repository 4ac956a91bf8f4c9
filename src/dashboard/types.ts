import type { Period } from '../platform/time.ts';
import type { Metrics } from '../metrics/definitions.ts';
import type { Formatters, Lang, Texts } from './i18n.ts';
import type { Change } from '../metrics/changes.ts';
import type { TrendPoint } from './trend-chart.tsx';
import type { ThemesReport } from '../reports/voice-types.ts';

export type DashboardData = {
  workspace: string;
  /** The workspace's IANA timezone: days and times on the page are its local ones. */
  timezone: string;
  period: Period;
  summary: {
    from: string;
    to: string;
    timezone: string;
    metrics: Metrics;
    previous: { metrics: Metrics; changes?: Record<string, Change> };
    complete: boolean;
    pendingDays: number;
  };
  /** Weekly NPS of the last 90 days (GET /v1/reports/trend). */
  trend: { points: TrendPoint[] };
  currency: string;
  daily: { days: { day: string; metrics: Metrics }[] };
  journey: { stages: any[]; unconfigured: any[] };
  priorities: { rows: any[] };
  /** What customers say (GET /v1/reports/themes). */
  themes: ThemesReport;
  cases: { id: string; customerId: string; touchpoint: string | null; owner: string; rule: string; openedAt: string; dueAt: string | null; overdue: boolean }[];
  csrf: string;
};

export type Ctx = { t: Texts; f: Formatters; lang: Lang };
