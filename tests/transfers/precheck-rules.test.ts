import t from 'tap';
import { precheckFile, type Finding } from '../../gateway/transfers/precheck/index.js';
import { fixtureDir, writeCsv } from './helpers.js';

const dir = fixtureDir();
let n = 0;
async function check(rows: Array<Array<string | number>>, opts: Parameters<typeof precheckFile>[2] = {}) {
  const path = writeCsv(dir, `t${++n}.csv`, rows);
  return precheckFile(path, `t${n}.csv`, opts);
}
const at = (fs: Finding[]) => fs.map((f) => `${f.rule}@${f.cell}=${f.value}`);

t.test('patient counts 1–9 are flagged at their cell; 0 and 10 are not (第7-2(1)i)', async (t) => {
  const r = await check([
    ['疾患', '患者数'],
    ['A', 0],
    ['B', 3],
    ['C', 9],
    ['D', 10],
    ['E', '1,234'],
  ]);
  t.same(at(r.findings), ['patient-count-under-10@B3=3', 'patient-count-under-10@B4=9']);
  t.same(
    r.findings[0],
    { rule: 'patient-count-under-10', row: 3, column: '患者数', value: '3', cell: 'B3' },
    'the contract shape {rule, row, column, value}',
  );
  t.same(r.sheets[0]!.columns, [
    { header: '疾患', kind: 'other' },
    { header: '患者数', kind: 'patient-count' },
  ]);
});

t.test("the analyst's column statement overrides the guess", async (t) => {
  const r = await check(
    [
      ['region', 'value'],
      ['x', 4],
    ],
    { columns: { value: 'patient-count' } },
  );
  t.same(at(r.findings), ['patient-count-under-10@B2=4']);
  const guessed = await check([
    ['region', 'value'],
    ['x', 4],
  ]);
  t.same(guessed.findings, [], 'unclassified numbers are not counts');
});

t.test('secondary medical areas by population tier; unknown area gets the strictest tier (第7-2(1)i ①–③)', async (t) => {
  const populations = new Map([
    ['小さな圏', 1_999],
    ['中くらい圏', 2_000],
    ['大きな圏', 25_000],
  ]);
  const r = await check(
    [
      ['二次医療圏', '患者数'],
      ['小さな圏', 50],
      ['中くらい圏', 19],
      ['中くらい圏', 20],
      ['中くらい圏', 0],
      ['大きな圏', 9],
      ['大きな圏', 10],
      ['未登録圏', 500],
    ],
    { populations },
  );
  t.same(at(r.findings), [
    'area-population-under-2000@B2=50',
    'area-patient-count-under-20@B3=19',
    'patient-count-under-10@B6=9',
    'area-population-under-2000@B8=500',
  ]);
  t.equal(r.findings[3]!.detail, 'population unknown: strictest tier');
});

t.test('facility and insurer counts 1–2 (第7-2(1)ii)', async (t) => {
  const r = await check([
    ['圏域', '施設数', '保険者数'],
    ['a', 0, 3],
    ['b', 1, 2],
    ['c', 3, 0],
  ]);
  t.same(at(r.findings), ['facility-count-under-3@B3=1', 'insurer-count-under-3@C3=2']);
});

t.test('drug counts: patients known < 10, else < 1000 oral / < 400 injection (第7-2(1)iii)', async (t) => {
  const known = await check([
    ['薬剤', '患者数', '処方数'],
    ['a', 5, 5000],
    ['b', 10, 50],
    ['c', 0, 0],
  ]);
  t.same(at(known.findings), ['patient-count-under-10@B2=5', 'drug-count-patients-under-10@C2=5000']);
  const unknown = await check([
    ['薬剤', '処方数（内服）', '注射薬処方数'],
    ['a', 999, 399],
    ['b', 1000, 400],
  ]);
  t.same(at(unknown.findings), ['drug-count-oral-under-1000@B2=999', 'drug-count-injection-under-400@C2=399']);
});

t.test('rehabilitation counts: patients known < 10, else < 100 (第7-2(1)iv)', async (t) => {
  const known = await check([
    ['x', '患者数', 'リハビリ実施数'],
    ['a', 12, 30],
    ['b', 4, 300],
  ]);
  t.same(at(known.findings), ['patient-count-under-10@B3=4', 'rehab-count-patients-under-10@C3=300']);
  const unknown = await check([
    ['x', 'リハビリ実施数'],
    ['a', 99],
    ['b', 100],
  ]);
  t.same(at(unknown.findings), ['rehab-count-under-100@B2=99']);
});

t.test('ages: 5-year bands and 100+ pass; others flagged; single years under 20 shown (第7-2(2))', async (t) => {
  const r = await check([
    ['年齢階級', '患者数'],
    ['0-4', 10],
    ['5～9歳', 10],
    ['20-29', 10],
    ['95-99', 10],
    ['100歳以上', 10],
    ['100+', 10],
    ['85歳以上', 10],
    ['17', 10],
    ['23', 10],
    ['20-22', 10],
    ['102+', 10],
    ['合計', 70],
  ]);
  t.same(at(r.findings), [
    'age-single-year-under-20@A9=17',
    'age-not-5-year-band@A10=23',
    'age-not-5-year-band@A11=20-22',
    'age-not-5-year-band@A12=102+',
  ]);
});

t.test('regions finer than the secondary medical area, and insurer type × area (第7-2(3))', async (t) => {
  const r = await check([
    ['市区町村', '患者数'],
    ['千代田区', 10],
  ]);
  t.same(at(r.findings), ['region-finer-than-secondary-area@A1=市区町村']);
  const postcode = await check([
    ['where', '患者数'],
    ['100-0001', 10],
    ['100-0002', 10],
  ]);
  t.same(at(postcode.findings), ['region-finer-than-secondary-area@A2=100-0001'], 'a postcode column, flagged once');
  const cross = await check(
    [
      ['二次医療圏', '保険者種別', '患者数'],
      ['区中央部', '協会けんぽ', 100],
    ],
    { populations: new Map([['区中央部', 900_000]]) },
  );
  t.same(at(cross.findings), ['insurer-type-by-secondary-area@B1=保険者種別']);
  const fine = await check(
    [
      ['二次医療圏', '患者数'],
      ['区中央部', 100],
    ],
    { populations: new Map([['区中央部', 900_000]]) },
  );
  t.same(fine.findings, [], 'the secondary medical area itself is the finest allowed');
});

t.test('signs of individual records: unique identifier, birth dates, full dates beside a person key', async (t) => {
  const ids = await check([
    ['患者ID', '受診日', '点数'],
    ['P001', '2024-04-01', 120],
    ['P002', '2024-04-03', 80],
    ['P003', '2024-05-01', 90],
  ]);
  t.same(at(ids.findings), ['full-date-with-person-key@B2=2024-04-01', 'individual-identifier@A2=P001']);
  const repeated = await check([
    ['patient_id', '件数'],
    ['a', 10],
    ['a', 12],
  ]);
  t.same(at(repeated.findings), [], 'an identifier repeated across rows is not unique per row');
  const birth = await check([
    ['生年月日', '患者数'],
    ['1950-01-01', 10],
  ]);
  t.same(at(birth.findings), ['birth-date@A1=生年月日']);
  const counts = await check([
    ['診療月', '患者数'],
    ['2024-04', 10],
    ['2024-05', 11],
  ]);
  t.same(counts.findings, [], 'months in a count table are fine');
});

t.test('differencing: a suppressed cell given back by its row or column total', async (t) => {
  const row = await check([
    ['圏域', '男', '女', '合計'],
    ['A', 15, '*', 27],
    ['B', '*', '*', 40],
  ]);
  t.same(at(row.findings), ['suppressed-recoverable@C2=*'], 'one suppressed in a row with a total: recoverable; two: not');
  t.equal(row.findings[0]!.detail, 'row total 27 − the other cells = 12');
  const col = await check([
    ['区分', '患者数'],
    ['a', 40],
    ['b', '<10'],
    ['c', 25],
    ['合計', 70],
  ]);
  t.same(at(col.findings), ['suppressed-recoverable@B3=<10']);
  t.equal(col.findings[0]!.detail, 'column total 70 − the other cells = 5');
  const safe = await check([
    ['区分', '患者数'],
    ['a', 40],
    ['b', '<10'],
    ['c', '-'],
    ['合計', 70],
  ]);
  t.same(at(safe.findings), [], 'two suppressed cells in the block: the total does not give either back');
  const blank = await check([
    ['区分', '患者数'],
    ['a', 40],
    ['b', ''],
    ['合計', 45],
  ]);
  t.same(at(blank.findings), ['suppressed-recoverable@B3='], 'a blank count cell is a suppressed cell');
});

t.test('cells a spreadsheet would run as formulas are flagged; signed numbers are not', async (t) => {
  const r = await check([
    ['name', '患者数'],
    ['=HYPERLINK("http://x")', 10],
    ['@SUM(A1)', 10],
    ['+cmd', 10],
    ['-2+3', 10],
    ['ok', '-5'],
    ['-', 10],
  ]);
  t.same(at(r.findings), [
    'formula-cell@A2==HYPERLINK("http://x")',
    'formula-cell@A3=@SUM(A1)',
    'formula-cell@A4=+cmd',
    'formula-cell@A5=-2+3',
  ]);
});
