import { readFileSync } from 'node:fs';
import { HicError } from '../core/errors.js';
import { normalise } from './precheck/values.js';

/**
 * The operator's reference table of secondary medical areas (二次医療圏) and their population, for the tiers of
 * 匿名診療等関連情報 GL 第7-2(1)i: one area per line, "name-or-code,population" (a header line and a UTF-8 BOM are
 * allowed; quotes around a field are removed; thousands separators allowed). Both name and code may be listed.
 */
export function loadPopulations(file: string | undefined): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  if (!file) return map;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new HicError('CONFIG_INVALID', `transfers.areaPopulationFile: cannot read ${file}: ${(err as Error).message}`);
  }
  const unquote = (s: string) => normalise(s).replace(/^"(.*)"$/, '$1');
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const comma = line.lastIndexOf(',');
    const population = Number(unquote(comma === -1 ? '' : line.slice(comma + 1)).replace(/,/g, ''));
    if (comma === -1 || !Number.isFinite(population) || unquote(line.slice(comma + 1)) === '') {
      if (i === 0) return; // a header line
      throw new HicError('CONFIG_INVALID', `transfers.areaPopulationFile: line ${i + 1} is not "area,population"`);
    }
    map.set(unquote(line.slice(0, comma)), population);
  });
  return map;
}
