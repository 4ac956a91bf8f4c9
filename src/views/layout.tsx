import type { Child, FC } from 'hono/jsx';
import type { Lang } from './i18n';

const css = `
:root{--fg:#1b1f24;--muted:#4b5563;--line:#d0d7de;--accent:#0b5cad}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);margin:0;background:#fafbfc}
header,main{max-width:72rem;margin:0 auto;padding:1rem}header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
h1{font-size:1.5rem;margin:0}h2{font-size:1.2rem;margin:2rem 0 .75rem}a{color:var(--accent)}
nav a{margin-right:.75rem}nav a[aria-current]{font-weight:700;color:var(--fg)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;list-style:none;padding:0;margin:0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.75rem}.card h3{margin:0;font-size:.95rem;color:var(--muted)}
.card .v{font-size:1.8rem;font-weight:700}.card .d{font-size:.85rem;color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}
.chart{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0;padding:.5rem}.chart svg{width:100%;height:12rem}
.chart figcaption{font-weight:600}.grid{stroke:#e5e7eb}.tick{font-size:11px;fill:var(--muted)}.line{fill:none;stroke:var(--accent);stroke-width:2}.dot{fill:var(--accent)}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
.scroll{overflow-x:auto}.tp{display:block;border-radius:6px;padding:.35rem .5rem;margin:.25rem 0;font-size:.9rem}
.good{background:#d1f4dc;color:#0b4d1e}.fair{background:#fff1c2;color:#5c4400}.poor{background:#ffd7d5;color:#7a1212}.none{background:#eceff3;color:#333}
.crit{font-weight:700}form.signin{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid var(--line);border-radius:8px;padding:1.5rem}
input[type=password]{width:100%;padding:.5rem;font:inherit;margin:.5rem 0 1rem}button{font:inherit;padding:.45rem 1rem;cursor:pointer}
.sr{position:absolute;left:-9999px}.error{color:#7a1212;font-weight:600}.empty{background:#fff;border:1px dashed var(--line);padding:1.5rem;border-radius:8px}
`;

export const Layout: FC<{ lang: Lang; title: string; children?: Child }> = ({ lang, title, children }) => (
  <html lang={lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {/* Not no-referrer: under it browsers send `Origin: null` on the sign-in and sign-out
          posts, which the same-origin check refuses. same-origin still sends nothing elsewhere. */}
      <meta name="referrer" content="same-origin" />
      <title>{title}</title>
      <style>{css}</style>
    </head>
    <body>{children}</body>
  </html>
);
