import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env.ts';
import { randomId } from '../platform/crypto.ts';
import { problemResponse } from '../platform/problem.ts';
import { openCasesOverdueFirst } from '../loop/cases.ts';
import { authenticate } from '../workspace/keys.ts';
import { grants } from '../workspace/auth.ts';
import { cachedReport, standardReports } from '../publish/cache.ts';
import { PERIODS, standardRange, type Period, type Range } from '../platform/time.ts';
import { csrfToken, endSession, SESSION_COOKIE, SESSION_SECONDS, signSession, verifySession, sessionWorkspaceOf, sessionsConfigured } from '../dashboard/session.ts';
import { DashboardPage, SignInPage, type DashboardData } from '../dashboard/page.tsx';
import { formatters, pickLang, texts } from '../dashboard/i18n.ts';
import { EmpathyPage, type EmpathyData } from '../dashboard/empathy.tsx';
import { asPick, choose } from '../dashboard/empathy-pick.tsx';
import { touchpointNamesOf } from '../dashboard/journey.tsx';
import type { EmpathyReport, ThemesReport } from '../reports/voice-types.ts';


function language(c: Context<AppEnv>) {
  const lang = pickLang(c.req.query('lang'), c.req.header('accept-language'));
  return { lang, t: texts[lang], f: formatters(lang) };
}

/** Cross-site form posts are refused even before SameSite=Strict would drop the cookie. */
function sameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  return !origin || origin === new URL(c.req.url).origin;
}

const html = (c: Context<AppEnv>, body: unknown, status: 200 | 401 = 200) => {
  c.header('cache-control', 'no-store');
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'");
  c.header('x-frame-options', 'DENY');
  return c.html(body as string, status);
};

/** The active session's workspace, or null (expired, forged, or its key revoked). */
async function sessionWorkspace(c: Context<AppEnv>) {
  const token = getCookie(c, SESSION_COOKIE);
  const s = await verifySession(c.env, token);
  if (!s || !token) return null;
  const ws = await sessionWorkspaceOf(c.env.DB, s);
  return ws ? { ...ws, token } : null;
}

/** A standard period from `?period=` (30 days unless it names another). */
function periodOf(c: Context<AppEnv>): Period {
  const asked = c.req.query('period') as Period | undefined;
  return asked && PERIODS.includes(asked) ? asked : '30d';
}

type SessionWorkspace = NonNullable<Awaited<ReturnType<typeof sessionWorkspace>>>;

/** The same cached report JSON the API serves, for a standard period (prebuilt after each rollup). */
function reportReader(c: Context<AppEnv>, ws: SessionWorkspace, range: Range) {
  const d1 = c.env.DB;
  const builders = new Map(standardReports(d1, ws.id, ws.timezone, range));
  return async <T = any,>(name: string): Promise<T> => JSON.parse((await cachedReport(d1, c.env.REPORTS, ws.id, ws.timezone, name, range, builders.get(name)!, ws.reportGen)).body);
}

export const dashboardRoutes = new Hono<AppEnv>()
  .get('/dashboard', async (c) => {
    const { lang, t, f } = language(c);
    const ws = await sessionWorkspace(c);
    if (!ws) return html(c, <SignInPage error={false} t={t} f={f} lang={lang} />);
    const period = periodOf(c);
    const d1 = c.env.DB;
    const read = reportReader(c, ws, standardRange(period, ws.timezone));
    // The weekly trend always spans 90 days (prebuilt): a week is too coarse for 7 or 30 days alone.
    const readTrend = () => reportReader(c, ws, standardRange('90d', ws.timezone))('trend-week-nps');
    const [summary, daily, journey, priorities, themes, cases, trend] = await Promise.all([
      read('summary'),
      read('daily'),
      read('journey'),
      read('priorities'),
      read<ThemesReport>('themes'),
      openCasesOverdueFirst(d1, ws.id, Date.now(), 20),
      readTrend(),
    ]);
    const data: DashboardData = {
      workspace: ws.name,
      timezone: ws.timezone,
      currency: ws.currency,
      period,
      summary,
      daily,
      journey,
      priorities,
      themes,
      cases,
      trend,
      csrf: await csrfToken(c.env, ws.token),
    };
    return html(c, <DashboardPage d={data} t={t} f={f} lang={lang} />);
  })
  .get('/dashboard/empathy', async (c) => {
    const { lang, t, f } = language(c);
    const ws = await sessionWorkspace(c);
    if (!ws) return html(c, <SignInPage error={false} t={t} f={f} lang={lang} />);
    const period = periodOf(c);
    const read = reportReader(c, ws, standardRange(period, ws.timezone));
    // Every cell of the period is in the prebuilt report: the page picks one, nothing is computed per click.
    const [report, journey] = await Promise.all([read<EmpathyReport>('empathy'), read('journey')]);
    const chosen = choose(report, c.req.query('segment'), c.req.query('stage'));
    const cell = report.cells.find((x) => asPick(x).segment === chosen.segment && asPick(x).stage === chosen.stage) ?? null;
    const data: EmpathyData = { workspace: ws.name, period, report, chosen, cell, names: touchpointNamesOf(journey) };
    return html(c, <EmpathyPage d={data} t={t} f={f} lang={lang} />);
  })
  .post('/dashboard/session', bodyLimit({ maxSize: 4096, onError: (c) => problemResponse(413, 'body-too-large', 'Form too large.') }), async (c) => {
    const { lang, t, f } = language(c);
    if (!sameOrigin(c)) return problemResponse(403, 'cross-origin', 'Cross-site sign-in refused.');
    if (!sessionsConfigured(c.env)) return problemResponse(503, 'not-configured', 'Dashboard sign-in needs a SESSION_SECRET of at least 32 characters.');
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const auth = key ? await authenticate(c.env.DB, key) : null;
    if (!auth || !grants(auth.scope, 'read')) {
      return html(c, <SignInPage error={true} t={t} f={f} lang={lang} />, 401);
    }
    const session = { ws: auth.workspaceId, kid: auth.keyId, sid: randomId(16), exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS };
    const token = await signSession(c.env, session);
    setCookie(c, SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: SESSION_SECONDS });
    return c.redirect(`/dashboard?lang=${lang}`, 303);
  })
  .post('/dashboard/logout', bodyLimit({ maxSize: 4096, onError: () => problemResponse(413, 'body-too-large', 'Form too large.') }), async (c) => {
    const { lang } = language(c);
    const token = getCookie(c, SESSION_COOKIE);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (!sameOrigin(c) || !token || form.csrf !== (await csrfToken(c.env, token))) {
      return problemResponse(403, 'csrf', 'Sign-out must come from the dashboard page.');
    }
    const session = await verifySession(c.env, token);
    if (session) await endSession(c.env.DB, session);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
    return c.redirect(`/dashboard?lang=${lang}`, 303);
  });
