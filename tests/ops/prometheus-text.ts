/**
 * A strict reader of the Prometheus text exposition format 0.0.4 (what `/_hic/metrics` must be): every sample
 * belongs to a family declared by `# TYPE`, names and label values are well formed, values are numbers, and a
 * histogram's buckets are cumulative and end in `+Inf` equal to `_count`. Throws naming the first bad line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(?:,|$)/;

export function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('# HELP ')) {
      if (!NAME.test(line.split(' ')[2] ?? '')) throw new Error(`bad HELP, ${where}`);
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      if (!NAME.test(name ?? '') || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? ''))
        throw new Error(`bad TYPE, ${where}`);
      types.set(name!, type!);
      return;
    }
    if (line.startsWith('#')) return;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample, ${where}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest.length > 0) {
      const l = LABEL.exec(rest);
      if (!l) throw new Error(`bad labels, ${where}`);
      labels[l[1]!] = l[2]!;
      rest = rest.slice(l[0].length);
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') throw new Error(`bad value, ${where}`);
    const family = familyOf(m[1]!, types);
    if (!family) throw new Error(`sample without a TYPE, ${where}`);
    samples.push({ name: m[1]!, labels, value });
  });
  for (const [name, type] of types) if (type === 'histogram') checkHistogram(name, samples);
  return { types, samples };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count', '_total']) {
    if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  }
  return undefined;
}

function checkHistogram(name: string, samples: Sample[]): void {
  const buckets = samples.filter((s) => s.name === `${name}_bucket`);
  const groups = new Map<string, Sample[]>();
  for (const b of buckets) {
    const { le: _le, ...rest } = b.labels;
    const key = JSON.stringify(rest);
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  for (const [key, group] of groups) {
    let last = -1;
    for (const b of group) {
      if (b.value < last) throw new Error(`${name}${key}: buckets not cumulative`);
      last = b.value;
    }
    const inf = group.at(-1)!;
    if (inf.labels.le !== '+Inf') throw new Error(`${name}${key}: last bucket is not +Inf`);
    const count = samples.find((s) => s.name === `${name}_count` && JSON.stringify(s.labels) === key);
    if (!count || count.value !== inf.value) throw new Error(`${name}${key}: +Inf bucket ${inf.value} != _count ${count?.value}`);
  }
}

/** The value of one sample (labels must match exactly), or undefined. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}
