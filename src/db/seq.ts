// `events.seq` orders events in commit order (tie-breaks, the cascade's cursor, quote ids). The
// table is WITHOUT ROWID, so seq comes from the `sequences` row 'events' (what AUTOINCREMENT's
// sqlite_sequence did): a statement numbers its rows after the last seq given, and a bump in the
// same D1 batch (atomic, and batches run one at a time) moves past them, so no seq is given twice.

/** The first free seq; add the row's index in the statement (j.key) to it. */
export const NEXT_SEQ = `((SELECT last FROM sequences WHERE name = 'events') + 1)`;

/** Moves the last seq given on by ?1 (one row written per batch, as sqlite_sequence was). */
export const BUMP_SEQ = `UPDATE sequences SET last = last + ?1 WHERE name = 'events'`;

export const bumpSeq = (d1: D1Database, n: number) => d1.prepare(BUMP_SEQ).bind(n);
