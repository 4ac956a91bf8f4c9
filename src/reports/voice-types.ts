// The JSON answers of GET /v1/reports/themes and GET /v1/reports/empathy, exactly as served.
// The dashboard builds its panels against these types: change them only by adding fields.
// Rates are percentages (0–100, NPS −100…100) rounded to 2 decimals, null when their
// denominator is 0; counts are exact. A `key` or `touchpoint` of null means "none".

export type Polarity = 'negative' | 'positive' | 'neutral';
export type Survey = 'nps' | 'csat' | 'ces';

/** What every report carries (see SPEC "Reports"). */
export type VoiceEnvelope = {
  from: string;
  to: string;
  timezone: string;
  generatedAt: string;
  complete: boolean;
  pendingDays: number;
  /** Only when days of the range before the history floor hold events. */
  daysBeforeHistory?: number;
};

/** One comment, emails and phone numbers masked (`[email]`, `[phone]`). */
export type Quote = { text: string; survey: Survey; score: number; touchpoint: string | null; day: string };

export type NpsFigure = { score: number | null; responses: number };

/** NPS of the NPS respondents whose comment mentions the theme, against every other NPS respondent. */
export type ThemeNps = {
  mentioners: NpsFigure;
  rest: NpsFigure;
  /** mentioners.score − rest.score, in points; null when either side has no responses. */
  change: number | null;
  /** 95% interval of `change` [low, high]; null when either side has no responses. */
  interval: [number, number] | null;
  /** The interval excludes 0. */
  significant: boolean;
  /** Either side has fewer than 30 responses. */
  lowSample: boolean;
};

export type KeyMentions = { key: string | null; mentions: number };

export type ThemeFigures = {
  key: string;
  name: string;
  polarity: Polarity;
  /** Comments (survey responses with a comment) that mention the theme; once per comment. */
  mentions: number;
  /** 100 × mentions / comments. */
  share: number | null;
  nps: ThemeNps;
  /** 100 × detractors whose comment mentions it / detractors who left a comment. */
  detractorShare: number | null;
  /** 100 × promoters whose comment mentions it / promoters who left a comment. */
  promoterShare: number | null;
  /** Most mentions first; touchpoint of the response (null: none). */
  byTouchpoint: KeyMentions[];
  /** Most mentions first; stage of the touchpoint in the current inventory (null: none or unconfigured). */
  byStage: KeyMentions[];
  /** At most 3, newest first. */
  quotes: Quote[];
};

export type UnthemedTerm = { term: string; mentions: number };

export type ThemesReport = VoiceEnvelope & {
  /** Survey responses with a comment in the range. */
  comments: number;
  /** Comments left by NPS promoters, passives, detractors (the denominators of the shares). */
  commentsByNpsGroup: { promoters: number; passives: number; detractors: number };
  /** Every theme of the workspace, most mentions first (then key). */
  themes: ThemeFigures[];
  /** Top 20 words no theme covers (stop words removed), by comments containing them. */
  unthemed: UnthemedTerm[];
};

// ---- Empathy map ----

export type EmpathyTheme = { key: string; name: string; polarity: Polarity; mentions: number };

/** `empty` is true when the quadrant has no data; then `note` says so in a sentence. */
export type QuadrantState = { empty: boolean; note?: string };

export type Says = QuadrantState & {
  /** Survey comments in the cell. */
  comments: number;
  /** Themes mentioned in the cell, most mentions first. */
  themes: EmpathyTheme[];
  /** At most 3 comments of the cell, newest first. */
  quotes: Quote[];
};

export type Does = QuadrantState & {
  interactions: { count: number; success: number; failure: number; abandoned: number };
  responses: { nps: number; csat: number; ces: number };
};

export type Feels = QuadrantState & {
  /** The most frequent emotions of the cell's interactions (at most 5), most first. */
  emotions: { emotion: string; count: number }[];
  meanSentiment: number | null;
};

export type Frustrations = QuadrantState & {
  /** Negative-polarity themes mentioned in the cell, most mentions first. */
  themes: EmpathyTheme[];
  /** 100 × failed interactions / interactions. */
  failureRate: number | null;
  /** 100 × abandoned interactions / interactions. */
  abandonmentRate: number | null;
};

export type Motivations = QuadrantState & {
  /** Positive-polarity themes mentioned by promoters of the cell; mentions counted among promoters. */
  themes: EmpathyTheme[];
  /** Promoters of the cell who left a comment. */
  promoterComments: number;
};

export type EmpathyCell = {
  /** The customer's current segment (null: none). */
  segment: string | null;
  /** The touchpoint's stage in the current inventory (null: no touchpoint, or not configured). */
  stage: string | null;
  stageName: string | null;
  says: Says;
  does: Does;
  feels: Feels;
  frustrations: Frustrations;
  motivations: Motivations;
};

export type EmpathyReport = VoiceEnvelope & {
  /** The filters asked for (null: all). */
  segment: string | null;
  stage: string | null;
  /** Cells that saw any interaction or response in the range: stages in inventory order (null last), then segment. */
  cells: EmpathyCell[];
};
