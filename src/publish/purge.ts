// Reports hold counts and configuration keys; the customer-supplied text they can hold is a
// segment name (segment breakdowns, segment journeys, the empathy map) and customers' own words
// (the quotes of the themes report and the empathy map). An erasure moves the report generation
// on, but older generations stay in KV until they expire (8 days), so their segment-bearing keys
// are deleted at once. There are about three such keys per generation (plus ad-hoc segment
// journeys), and listing is bounded by the keys one workspace makes within the TTL. The facts a
// rebuild keeps (src/publish/fact-store.ts) are keyed and valued by segment too: all of them go
// (erasure moved facts_gen on, so none would be read again anyway).

const carriesSegments = (name: string) =>
  name === 'breakdown-segment' || name.startsWith('journey-segment-') || name === 'themes' || name.startsWith('empathy');

/** Deletes the keys under `prefix` that `pick` names (given the key less the prefix); how many. */
async function deleteKeys(kv: KVNamespace, prefix: string, pick: (rest: string) => boolean): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix, cursor });
    const old = page.keys.map((k) => k.name).filter((key) => pick(key.slice(prefix.length)));
    await Promise.all(old.map((key) => kv.delete(key)));
    deleted += old.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return deleted;
}

/** Deletes the segment-bearing report keys of generations before the current one, and every kept fact; how many. */
export async function purgeSegmentNames(d1: D1Database, kv: KVNamespace, ws: string): Promise<number> {
  const row = await d1.prepare('SELECT report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws).first<{ report_gen: number }>();
  const current = row?.report_gen ?? 0;
  const reports = await deleteKeys(kv, `report/${ws}/`, (rest) => {
    const [gen, name] = rest.split('/');
    return Number(gen) < current && carriesSegments(name ?? '');
  });
  return reports + (await deleteKeys(kv, `facts/${ws}/`, () => true));
}
