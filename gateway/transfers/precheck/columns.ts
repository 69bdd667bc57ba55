import { COUNT_KIND_NAMES, LABEL_KIND_NAMES, type ColumnKind } from './types.js';
import { normalise } from './values.js';

/**
 * Default column kinds guessed from header names in Japanese and English (the analyst confirms or changes them on
 * the request page). Order matters: the first matching pattern wins, so the more specific come first.
 */
const GUESSES: Array<[RegExp, ColumnKind]> = [
  [/生年月日|誕生日|birth|^dob$/i, 'birth-date'],
  [/保険者(種別|区分|の種類)|insurer[ _-]?type/i, 'insurer-type'],
  [/保険者数|insurers?([ _-]?count)?$|number of insurers/i, 'insurer-count'],
  [/施設数|医療機関数|病院数|薬局数|facilit(y|ies)([ _-]?count)?$|hospitals?$|number of (facilities|hospitals)/i, 'facility-count'],
  [/注射|injection|injectable/i, 'drug-count-injection'],
  [/処方|内服|外用|薬剤|投薬|調剤|prescri|drug|oral|external/i, 'drug-count-oral'],
  [/リハ|rehab/i, 'rehab-count'],
  [/年齢|age([ _-]?(band|group|class))?$/i, 'age-band'],
  [/二次医療圏|医療圏|secondary[ _-]?(medical[ _-]?)?area/i, 'secondary-area'],
  [/市区町村|市町村|区市町村|町丁|郵便番号|住所|所在地|municipality|city|town|postcode|postal|zip/i, 'small-area'],
  [
    /患者(id|番号|コード)|被保険者(番号|記号)|個人(id|番号)|^id$|[ _-]id$|^(patient|person|member|subject)[ _-]?(id|no|number|key)$/i,
    'identifier',
  ],
  [/日付|年月日|受診日|診療日|入院日|退院日|死亡日|date$|^date|_at$/i, 'date'],
  [
    /患者数|人数|件数|実人数|受診者数|対象者数|レセプト数|patients?([ _-]?(count|number|n))?$|^(n|count|cases|persons|people)$|number of (patients|persons|people|cases)/i,
    'patient-count',
  ],
];

export function guessColumnKind(header: string): ColumnKind {
  const h = normalise(header);
  if (h === '') return 'other';
  for (const [re, kind] of GUESSES) if (re.test(h)) return kind;
  return 'other';
}

/** Count columns: the kinds with a minimum cell size, and where a blank may be a suppressed cell. */
export const COUNT_KINDS: ReadonlySet<ColumnKind> = new Set(COUNT_KIND_NAMES);

/** Label columns: never summed, never suppressed cells. */
export const LABEL_KINDS: ReadonlySet<ColumnKind> = new Set(LABEL_KIND_NAMES);
