// The metric names a PromQL expression selects: enough of the grammar for
// alert rules and dashboard queries (no subqueries of other languages).

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    // strings, then Grafana variables ($service, ${service}, $__rate_interval)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    // label matchers, range and subquery selectors
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // label lists of grouping and vector matching
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // numbers, durations after offset, and exponents
    .replace(/\b\d[\w.]*/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(m.index + m[0].length);
    if (/^\s*\(/.test(after)) continue; // a function
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  // __name__="..." matchers name metrics too
  for (const m of expr.matchAll(/__name__\s*=~?\s*"([^"]*)"/g)) names.push(m[1]!);
  return [...new Set(names)];
}
