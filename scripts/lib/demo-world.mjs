// The demo's world: the inventory of "Tienda Aurora" (a retailer selling online, through its
// app and in stores) and the parameters of its customers, for scripts/demo-data.mjs.
//
// The story the data tells (see the seeds: touchpoints, journey stages, critical moments,
// owners):
// - A base of Club Aurora members was imported from the CRM the day before the window
//   (lifecycle `started`), so churn and retention have a starting population; new members
//   join every day; anonymous prospects only touch awareness/research touchpoints.
// - `checkout-online` is clearly worse: ~17% payment failures and ~10% abandonment, with a
//   payment-gateway incident around two thirds into the window that doubles failures.
// - `phone-support` has long waits: many callers hang up, first responses take hours,
//   CES is low. Bad experiences raise the chance to churn in the following weeks.
// - Some churned members are won back by an email campaign (lifecycle `started` again).
// - `social-mention` is an unintentional touchpoint (what people post about the brand).
// - Two events name `marketplace-review`, which is not in the inventory (unconfigured).
// - Survey answers carry comments in Spanish and English about what went well or wrong where
//   (scripts/lib/demo-voice.mjs, with the themes that find them); sales carry their `value`.

export const DEMO_WORKSPACE = { name: 'Demo — Tienda Aurora', timezone: 'Europe/Madrid' };

/** Journey stages, in order. Names read well in Spanish and English. */
export const STAGES = [
  { key: 'awareness', name: 'Descubrimiento · Awareness', position: 1 },
  { key: 'research', name: 'Investigación · Research', position: 2 },
  { key: 'purchase', name: 'Compra · Purchase', position: 3 },
  { key: 'use', name: 'Uso · Use', position: 4 },
  { key: 'after-sales', name: 'Posventa · After-sales', position: 5 },
];

/** The touchpoint inventory: intentional and unintentional, across every channel. */
export const TOUCHPOINTS = [
  { key: 'google-ads', name: 'Anuncios en buscadores · Search ads', stage: 'awareness', channel: 'web', intentional: true, owner: 'marketing@tiendaaurora.example', critical: false },
  { key: 'newsletter', name: 'Newsletter y campañas · Newsletter', stage: 'awareness', channel: 'email', intentional: true, owner: 'crm@tiendaaurora.example', critical: false },
  { key: 'social-mention', name: 'Menciones en redes sociales · Social media mentions', stage: 'awareness', channel: 'social', intentional: false, owner: 'Equipo de Comunidad', critical: false },
  { key: 'product-page', name: 'Ficha de producto web · Product page', stage: 'research', channel: 'web', intentional: true, owner: 'Equipo eCommerce', critical: false },
  { key: 'app-catalog', name: 'Catálogo en la app · App catalogue', stage: 'research', channel: 'mobile', intentional: true, owner: 'Equipo App Móvil', critical: false },
  { key: 'store-visit', name: 'Visita a tienda · Store visit', stage: 'research', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: false },
  { key: 'checkout-online', name: 'Pago online · Online checkout', stage: 'purchase', channel: 'web', intentional: true, owner: 'ecommerce@tiendaaurora.example', critical: true },
  { key: 'store-till', name: 'Caja en tienda · Store till', stage: 'purchase', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: true },
  { key: 'delivery-email', name: 'Aviso de envío y entrega · Delivery email', stage: 'use', channel: 'email', intentional: true, owner: 'logistica@tiendaaurora.example', critical: false },
  { key: 'order-tracking', name: 'Seguimiento del pedido en la app · Order tracking', stage: 'use', channel: 'mobile', intentional: true, owner: 'Equipo App Móvil', critical: false },
  { key: 'phone-support', name: 'Atención telefónica · Phone support', stage: 'after-sales', channel: 'phone', intentional: true, owner: 'contact-center@tiendaaurora.example', critical: true },
  { key: 'live-chat', name: 'Chat de ayuda · Live chat', stage: 'after-sales', channel: 'chat', intentional: true, owner: 'Atención al Cliente', critical: false },
  { key: 'returns-desk', name: 'Devoluciones en tienda · Returns desk', stage: 'after-sales', channel: 'store', intentional: true, owner: 'Operaciones de Tienda', critical: true },
];

/** Touchpoints that events name but the inventory lacks (they show up as unconfigured). */
export const UNCONFIGURED_TOUCHPOINTS = ['marketplace-review'];

export const DEFAULT_DAYS = 90;
export const DEFAULT_SEED = 20261124;

export const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
export const round2 = (x) => Math.round(x * 100) / 100;
export const sentimentOf = (x) => round2(clamp(x, -1, 1));

// ---------------------------------------------------------------------------------------
// Demo world.

export const SEGMENTS = {
  retail: { share: 0.68, visit: 0.042, churn: 0.0011, mood: 0, journeys: { online: 50, store: 30, support: 12, social: 8 }, npsBase: 7.4 },
  premium: { share: 0.2, visit: 0.07, churn: 0.0005, mood: 0.3, journeys: { online: 45, store: 35, support: 14, social: 6 }, npsBase: 8.3 },
  business: { share: 0.12, visit: 0.055, churn: 0.0006, mood: 0.1, journeys: { online: 63, store: 10, support: 24, social: 3 }, npsBase: 7.8 },
};
export const CITIES = ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao', 'Zaragoza', 'Málaga', 'Valladolid', 'A Coruña', 'Palma'];
export const LOCALES = [['es-ES', 80], ['ca-ES', 8], ['en-GB', 7], ['pt-PT', 5]];
export const COMPANY_SIZES = ['1-9', '10-49', '50-249', '250+'];
export const BASE_CUSTOMERS = 1900;
export const NEW_PER_DAY = 8;
export const PROSPECTS = 350;
/** Local business hours within which events happen (minutes from midnight). */
export const OPEN = 7 * 60 + 30;
export const CLOSE = 23 * 60;
