// What the demo's customers say: survey comments in Spanish and English that follow the score and
// the touchpoint (a slow phone line is complained about as a wait, a failed checkout as a payment),
// a few with an email address or a phone number in them (the reports mask those), and the themes
// the demo workspace defines to find them. Draws come from their own seeded stream (`voice`), so
// the comments never change what else the demo generates.

/** `PUT /v1/themes/:key` bodies: terms in both languages, polarity stated, not guessed. */
export const THEMES = [
  { key: 'waiting', name: 'Esperas · Waiting', polarity: 'negative', terms: { es: ['espera', 'esperando', 'esperar', 'cola'], en: ['wait', 'waiting', 'on hold', 'queue'] } },
  { key: 'payment', name: 'Pago · Payment', polarity: 'negative', terms: { es: ['pago', 'pagar', 'tarjeta', 'cobro', 'cobrado'], en: ['payment', 'pay', 'card', 'charged'] } },
  { key: 'delivery', name: 'Entrega · Delivery', polarity: 'negative', terms: { es: ['retraso', 'tarde', 'entrega', 'envío'], en: ['late', 'delivery', 'parcel', 'shipping'] } },
  { key: 'staff', name: 'Trato del personal · Staff', polarity: 'positive', terms: { es: ['amable', 'trato', 'agente', 'dependienta', 'dependiente'], en: ['friendly', 'staff', 'helpful', 'kind', 'agent'] } },
  { key: 'speed', name: 'Rapidez · Speed', polarity: 'positive', terms: { es: ['rápido', 'rápida', 'enseguida'], en: ['fast', 'quick', 'quickly'] } },
  { key: 'app', name: 'App', polarity: 'positive', terms: { es: ['app', 'aplicación'], en: ['app'] } },
  { key: 'price', name: 'Precio · Price', polarity: 'neutral', terms: { es: ['precio', 'caro', 'barato', 'oferta'], en: ['price', 'expensive', 'cheap', 'deal'] } },
  { key: 'returns', name: 'Devoluciones · Returns', polarity: 'neutral', terms: { es: ['devolución', 'devolver', 'reembolso'], en: ['return', 'refund'] } },
];

// [Spanish, English] pairs by topic and tone.
const SAY = {
  waiting: {
    bad: [
      ['Estuve más de media hora esperando al teléfono.', 'I was on hold for over half an hour.'],
      ['Demasiada espera, al final colgué.', 'Too long a wait, I gave up and hung up.'],
      ['Nadie me devolvió la llamada y sigo esperando.', 'Nobody called me back and I am still waiting.'],
    ],
    good: [['Me atendieron sin esperar nada.', 'No waiting at all, they picked up at once.']],
  },
  queue: {
    bad: [['Una cola enorme en caja para dos cosas.', 'A huge queue at the till for two items.'], ['Solo una persona atendiendo y mucha espera.', 'Only one person serving and a long wait.']],
    good: [['Sin nada de cola, entré y salí.', 'No queue at all, in and out.']],
  },
  payment: {
    bad: [
      ['El pago con tarjeta falló dos veces y no sé si me han cobrado.', 'The card payment failed twice and I do not know if I was charged.'],
      ['La web se quedó colgada al pagar.', 'The website froze when I tried to pay.'],
      ['Me han cobrado el pedido dos veces.', 'I was charged twice for the same order.'],
    ],
    good: [['Pagar es muy sencillo, con la tarjeta guardada.', 'Paying is easy with my saved card.']],
  },
  delivery: {
    bad: [
      ['El pedido llegó tarde y sin avisar.', 'The order arrived late and nobody told me.'],
      ['Tres días de retraso en la entrega.', 'Delivery was three days late.'],
      ['El seguimiento del envío no se actualizaba.', 'The shipping tracking never updated.'],
    ],
    good: [['La entrega llegó antes de lo previsto.', 'The parcel arrived earlier than promised.']],
  },
  staff: {
    bad: [['El trato en tienda fue bastante seco.', 'The staff in store were rather rude.']],
    good: [
      ['Muy amables en tienda, volveré.', 'Very friendly staff in store, I will be back.'],
      ['La dependienta me ayudó a elegir, un trato excelente.', 'The shop assistant was so helpful choosing.'],
    ],
  },
  agent: {
    bad: [['El agente no sabía nada de mi pedido.', 'The agent knew nothing about my order.']],
    good: [['El agente fue muy amable y me lo solucionó.', 'The agent was kind and sorted it out.'], ['Me atendió una persona muy amable.', 'The person who helped me was very friendly.']],
  },
  speed: {
    bad: [['Todo muy lento, perdí la mañana.', 'Everything was so slow, I lost the morning.']],
    good: [
      ['Rápido y sin complicaciones.', 'Quick and painless.'],
      ['El chat me lo resolvió en cinco minutos.', 'The chat sorted it out in five minutes.'],
      ['Compra rápida, todo a la primera.', 'Fast checkout, everything worked first time.'],
    ],
  },
  app: {
    bad: [['La app se cierra sola al ver el catálogo.', 'The app keeps crashing in the catalogue.']],
    good: [
      ['Me encanta la app, todo muy claro.', 'Love the app, everything is clear.'],
      ['Con la aplicación veo dónde está mi pedido.', 'With the app I can see where my order is.'],
    ],
  },
  price: {
    bad: [['Bastante caro para la calidad que tiene.', 'Quite expensive for the quality.']],
    good: [['Buen precio y buena calidad.', 'Good price and good quality.'], ['Aproveché una oferta del Club Aurora.', 'I got a great deal with Club Aurora.']],
  },
  returns: {
    bad: [['La devolución tardó semanas y el reembolso aún no ha llegado.', 'The return took weeks and the refund has not arrived.']],
    good: [['Devolver fue facilísimo en tienda.', 'Making a return in store was very easy.']],
  },
};

const MID = [
  ['Correcto, sin más.', 'OK, nothing special.'],
  ['Bien, aunque podría ser más rápido.', 'Fine, though it could be quicker.'],
  ['Cumple, pero el precio ha subido.', 'It does the job, but the price went up.'],
];

/** What each touchpoint's comments are about, by tone. */
const TOPICS = {
  'phone-support': { bad: ['waiting', 'waiting', 'waiting', 'agent'], good: ['agent', 'agent', 'waiting'] },
  'live-chat': { bad: ['agent', 'speed'], good: ['speed', 'speed', 'agent'] },
  'returns-desk': { bad: ['returns', 'queue'], good: ['returns', 'staff'] },
  'checkout-online': { bad: ['payment', 'payment', 'payment', 'price'], good: ['speed', 'payment', 'price'] },
  'delivery-email': { bad: ['delivery'], good: ['delivery', 'speed'] },
  'order-tracking': { bad: ['delivery', 'app'], good: ['app', 'delivery'] },
  'app-catalog': { bad: ['app', 'price'], good: ['app'] },
  'store-till': { bad: ['queue', 'queue', 'payment', 'staff'], good: ['staff', 'staff', 'queue', 'price'] },
  'store-visit': { bad: ['staff', 'price'], good: ['staff'] },
};
const GENERAL = { bad: ['price', 'delivery', 'queue', 'payment'], good: ['agent', 'price', 'speed', 'app'] };

// Words no theme covers, so that the report's unthemed terms have something to show: sizes above all
// (a theme the demo workspace has not made yet).
const ASIDES = [
  [['No encontré mi talla.', 'Could not find my size.'], 3],
  [['Echo de menos más colores en mi talla.', 'I wish there were more colours in my size.'], 2],
  [['Necesito la factura con el CIF de la empresa.', 'I need the invoice with our VAT number.'], 1],
  [['El embalaje llegó roto.', 'The packaging was damaged.'], 1],
  [['El probador siempre está lleno.', 'The fitting rooms are always full.'], 1],
];

const NAMES = ['laura.garcia', 'j.martin', 'ana_ruiz', 'pmoreno', 'sarah.jones', 'tom.b'];

/** A customer's language for comments: mostly Spanish, some English, a few who mix both. */
export function commentLanguage(voice, segment) {
  const en = segment === 'premium' ? 0.2 : segment === 'business' ? 0.1 : 0.15;
  return voice.weighted([['en', en], ['mix', 0.1], ['es', 0.9 - en]]);
}

/** bad / mid / good as each survey's scale reads: NPS 0–6, 7–8, 9–10; CSAT 1–2, 3, 4–5; CES 1–3, 4–5, 6–7. */
function tone(survey, score) {
  const [bad, mid] = { nps: [6, 8], csat: [2, 3], ces: [3, 5] }[survey];
  return score <= bad ? 'bad' : score <= mid ? 'mid' : 'good';
}

/** The comment of one survey answer, or undefined (most CSAT and CES answers carry none). */
export function makeCommenter(voice) {
  return (survey, score, touchpoint, language) => {
    const t = tone(survey, score);
    const rate = (survey === 'nps' ? 0.7 : 0.3) + (t === 'bad' ? 0.15 : 0);
    if (!voice.chance(rate)) return undefined;
    const lang = language === 'mix' ? voice.pick(['es', 'en']) : language;
    const i = lang === 'en' ? 1 : 0;
    const topics = TOPICS[touchpoint] ?? GENERAL;
    const parts = [];
    if (t === 'mid') parts.push(voice.pick(MID)[i]);
    else parts.push(voice.pick(SAY[voice.pick(topics[t])][t])[i]);
    if (voice.chance(0.3)) parts.push(voice.weighted(ASIDES)[i]);
    if (t === 'bad' && voice.chance(0.2)) parts.push(contact(voice, lang));
    return parts.join(' ');
  };
}

function contact(voice, lang) {
  const digits = (n) => Array.from({ length: n }, () => voice.int(0, 9)).join('');
  if (voice.chance(0.5)) {
    const email = `${voice.pick(NAMES)}@${voice.pick(['example.com', 'example.org'])}`;
    return lang === 'en' ? `Please email me at ${email}.` : `Escribidme a ${email}, por favor.`;
  }
  const phone = `6${digits(2)} ${digits(3)} ${digits(3)}`;
  return lang === 'en' ? `Call me on +34 ${phone}.` : `Llamadme al ${phone}.`;
}
