// MQTT topic filters (MQTT 3.1.1 §4.7, 5.0 §4.7): `+` stands for one level, `#` (last) for any number of
// levels, the parent included. Used by codec rules (CodecRule.topic) and the filter's `topic:` field;
// the syntax is checked by topicFilterSyntaxProblem (shared/decode/decodeSettingsCheck.ts).

/** Whether `topic` matches `filter`; a filter without wildcards matches only the same topic. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // A filter starting with a wildcard does not match topics starting with '$' (§4.7.2).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

