import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { HicError } from '../core/errors.js';
import { normalise } from './precheck/values.js';

/**
 * The operator's reference table of secondary medical areas (二次医療圏) and their population, for the tiers of
 * 匿名診療等関連情報 GL 第7-2(1)i: a CSV whose first column is the area's name or code and whose second is the
 * population ("area,population" header optional). Both name and code may be listed, one per line.
 */
export function loadPopulations(file: string | undefined): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  if (!file) return map;
  let rows: string[][];
  try {
    rows = parse(readFileSync(file), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new HicError('CONFIG_INVALID', `transfers.areaPopulationFile: cannot read ${file}: ${(err as Error).message}`);
  }
  rows.forEach((row, i) => {
    const population = Number(normalise(row[1] ?? '').replace(/,/g, ''));
    if (!Number.isFinite(population)) {
      if (i === 0) return; // a header line
      throw new HicError('CONFIG_INVALID', `transfers.areaPopulationFile: line ${i + 1}: "${row[1] ?? ''}" is not a population`);
    }
    map.set(normalise(row[0] ?? ''), population);
  });
  return map;
}
