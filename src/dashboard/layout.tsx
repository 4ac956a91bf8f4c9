import type { Child, FC } from 'hono/jsx';
import type { Lang } from './i18n.ts';

// Text in <style> is escaped like any JSX text: no `>`, `<`, `&` or quotes in these rules.
const css = `
:root{--fg:#1b1f24;--muted:#4b5563;--line:#d0d7de;--accent:#0b5cad}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;color:var(--fg);margin:0;background:#fafbfc}
header,main{max-width:72rem;margin:0 auto;padding:1rem}
header{display:grid;gap:.25rem 1.5rem;align-items:center}header p{margin:0}
.tools{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin-top:.5rem}.tools form{margin:0}
@media (min-width:60rem){header{grid-template-columns:1fr auto}header h1{grid-row:1}header p{grid-row:2;grid-column:1/3}.tools{grid-row:1;grid-column:2;margin:0;justify-content:flex-end}}
h1{font-size:1.5rem;margin:0}h2{font-size:1.2rem;margin:2rem 0 .75rem}a{color:var(--accent)}
nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem}nav a[aria-current]{font-weight:700;color:var(--fg)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;list-style:none;padding:0;margin:0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.75rem}.card h3{margin:0;font-size:.95rem;color:var(--muted)}
.card .v{font-size:1.8rem;font-weight:700}.card .d{font-size:.85rem;color:var(--muted)}
.card .sig{font-size:.8rem;color:var(--muted)}.card .sig.yes{color:var(--accent);font-weight:600}.card .low{font-size:.8rem;color:#92400e}
table.fit{table-layout:fixed}table.fit th,table.fit td{overflow-wrap:anywhere;font-size:.85rem}
.band{fill:var(--accent);fill-opacity:.15;stroke:none}.ring{fill:none;stroke:#b45309;stroke-width:2}.dot.small{fill:#fff;stroke:var(--accent);stroke-width:1.5}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}.charts.fill{grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr));margin-top:1rem}
.chart{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0;padding:.5rem}.chart svg{display:block;width:100%;height:auto}
.chart figcaption{font-weight:600}.grid{stroke:#e5e7eb}.line{fill:none;stroke:var(--accent);stroke-width:2}.dot{fill:var(--accent)}
.tick{font-size:11px;fill:var(--muted)}
@media (max-width:40rem){.chart .tick{font-size:14px}}@media (max-width:30rem){.chart .tick{font-size:16px}}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid var(--line);padding:.4rem .5rem;text-align:left;vertical-align:top}
.journey{list-style:none;padding:0;margin:0;display:grid;gap:.5rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:40rem){.journey{grid-template-columns:repeat(auto-fill,minmax(14rem,1fr))}}
@media (min-width:64rem){.journey{grid-template-columns:none;grid-auto-flow:column;grid-auto-columns:minmax(0,1fr)}}
.stage{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem}.stage.extra{border-style:dashed}
.stage h3{font-size:.95rem;margin:0 0 .25rem}.stage ul{list-style:none;padding:0;margin:0}.none-here{margin:0;color:var(--muted);font-size:.9rem}
.tp{display:block;border-radius:6px;padding:.35rem .5rem;margin:.25rem 0;font-size:.9rem;overflow-wrap:anywhere}
.good{background:#d1f4dc;color:#0b4d1e}.fair{background:#fff1c2;color:#5c4400}.poor{background:#ffd7d5;color:#7a1212}.none{background:#eceff3;color:#333}
.crit{font-weight:700}
.scroll{overflow-x:auto;background-color:#fff;background-image:linear-gradient(to right,#fff 30%,#fff0),linear-gradient(to left,#fff 30%,#fff0),radial-gradient(farthest-side at 0 50%,#0004,#0000),radial-gradient(farthest-side at 100% 50%,#0004,#0000);background-position:left,right,left,right;background-size:2.5rem 100%,2.5rem 100%,.9rem 100%,.9rem 100%;background-repeat:no-repeat;background-attachment:local,local,scroll,scroll}
.scroll table{background:transparent}.scroll:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.hint{display:none;margin:0 0 .25rem;font-size:.85rem;color:var(--muted)}@media (max-width:40rem){.hint{display:block}#cases{font-size:.9rem}}
form.signin{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid var(--line);border-radius:8px;padding:1.5rem}
input[type=password]{width:100%;padding:.5rem;font:inherit;margin:.5rem 0 1rem}button{font:inherit;padding:.45rem 1rem;cursor:pointer}
.cards.themes{grid-template-columns:repeat(auto-fill,minmax(min(100%,17rem),1fr))}.card.theme .v{font-size:1.35rem}.theme h3 .pol{font-weight:400;font-size:.8rem;border-radius:4px;padding:0 .3rem}.negative .pol{background:#ffd7d5;color:#7a1212}.positive .pol{background:#d1f4dc;color:#0b4d1e}.neutral .pol{background:#eceff3;color:#333}
.theme p{margin:.4rem 0;font-size:.9rem}.quote{margin:.5rem 0 0;padding:.4rem .6rem;border-left:3px solid var(--line);background:#f6f8fa}
.quote blockquote{margin:0;font-style:italic;overflow-wrap:anywhere}.quote figcaption{font-size:.8rem;color:var(--muted)}
.words{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.25rem 0}.words li{background:#fff;border:1px solid var(--line);border-radius:999px;padding:.1rem .6rem;overflow-wrap:anywhere}
.words .n{color:var(--muted);font-size:.85rem}
.empathy{display:grid;gap:.75rem;grid-template-columns:minmax(0,1fr)}@media (min-width:48rem){.empathy{grid-template-columns:repeat(6,minmax(0,1fr))}.quadrant{grid-column:span 2}.frustrations,.motivations{grid-column:span 3}}
.quadrant{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.75rem}.quadrant h2{margin:0 0 .5rem;font-size:1.05rem}.quadrant .help{font-weight:400;font-size:.85rem;color:var(--muted)}
.quadrant.frustrations{border-top:4px solid #c2410c}.quadrant.motivations{border-top:4px solid #15803d}.big{font-size:1.4rem;font-weight:700;margin:.25rem 0}
main nav{margin:.5rem 0}table.overview td,table.overview th{text-align:right}table.overview th[scope=row],table.overview thead th:first-child{text-align:left}table.overview [aria-current]{font-weight:700;color:var(--fg)}
.error{color:#7a1212;font-weight:600}.pending{background:#fff4d6;border:1px solid #e0b84a;padding:.75rem 1rem;border-radius:8px;font-weight:600}.empty{background:#fff;border:1px dashed var(--line);padding:1.5rem;border-radius:8px}
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
