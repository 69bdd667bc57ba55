import fc from 'fast-check';
import iconv from 'iconv-lite';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { precheckFile, type Finding } from '../../gateway/transfers/precheck/index.js';
import { fixtureDir, writeCsv, writeXlsx } from './helpers.js';

const dir = fixtureDir();
const at = (fs: Finding[]) => fs.map((f) => `${f.sheet ? f.sheet + '!' : ''}${f.rule}@${f.cell}=${f.value}`);
const table = [
  ['二次医療圏', '年齢階級', '患者数'],
  ['区中央部', '0-4', 3],
  ['区中央部', '5-9', 12],
];
const populations = new Map([['区中央部', 900_000]]);

t.test('Shift_JIS/CP932 with Japanese headers (what Japanese Excel writes)', async (t) => {
  const path = writeCsv(dir, 'sjis.csv', table, (s) => iconv.encode(s, 'cp932'));
  t.not(readFileSync(path).toString('utf8').includes('患者数'), true, 'the bytes are not UTF-8');
  const r = await precheckFile(path, 'sjis.csv', { populations });
  t.equal(r.encoding, 'cp932');
  t.same(
    r.sheets[0]!.columns.map((c) => `${c.header}:${c.kind}`),
    ['二次医療圏:secondary-area', '年齢階級:age-band', '患者数:patient-count'],
  );
  t.same(at(r.findings), ['patient-count-under-10@C2=3']);
  t.same(r.findings[0]!.column, '患者数');
});

t.test('UTF-8 with and without BOM, and TSV', async (t) => {
  const bom = writeCsv(dir, 'bom.csv', table, (s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]));
  const r1 = await precheckFile(bom, 'bom.csv', { populations });
  t.equal(r1.encoding, 'utf-8-bom');
  t.equal(r1.sheets[0]!.columns[0]!.header, '二次医療圏', 'the BOM is not part of the first header');
  t.same(at(r1.findings), ['patient-count-under-10@C2=3']);
  const plain = await precheckFile(writeCsv(dir, 'plain.csv', table), 'plain.csv', { populations });
  t.equal(plain.encoding, 'utf-8');
  t.same(at(plain.findings), ['patient-count-under-10@C2=3']);
  const tsvPath = join(dir, 'x.tsv');
  writeFileSync(tsvPath, table.map((r) => r.join('\t')).join('\n'));
  const tsv = await precheckFile(tsvPath, 'x.tsv', { populations });
  t.equal(tsv.format, 'tsv');
  t.same(at(tsv.findings), ['patient-count-under-10@C2=3']);
});

t.test('an XLSX: every sheet checked, findings name the sheet; formulas flagged', async (t) => {
  const path = await writeXlsx(dir, 'two.xlsx', {
    外来: [
      ['年齢階級', '患者数'],
      ['0-4', 30],
      ['5-9', 7],
    ],
    入院: [
      ['施設数', '患者数'],
      [2, 40],
      [{ formula: 'A2+1', result: 3 }, 50],
    ],
  });
  const r = await precheckFile(path, 'two.xlsx');
  t.equal(r.format, 'xlsx');
  t.same(
    r.sheets.map((s) => [s.name, s.rows]),
    [
      ['外来', 3],
      ['入院', 3],
    ],
  );
  t.same(at(r.findings), ['外来!patient-count-under-10@B3=7', '入院!facility-count-under-3@A2=2', '入院!formula-cell@A3=3']);
});

t.test('an XLSX whose unpacked size exceeds the bound is refused before anything is unpacked', async (t) => {
  const path = await writeXlsx(dir, 'big.xlsx', { s: Array.from({ length: 2000 }, (_, i) => [`row ${i}`, i]) });
  const r = await precheckFile(path, 'big.xlsx', { maxUnpackedBytes: 20_000 });
  t.same(r.sheets, [], 'no sheet was read');
  t.equal(r.findings[0]!.rule, 'zip-bomb');
  t.match(r.problem, /refused before unpacking: unpacks to more than 20000 bytes/);
});

t.test('bad input: malformed table, undecidable encoding, wrong kind — a message, a finding, no throw', async (t) => {
  const quote = join(dir, 'quote.csv');
  writeFileSync(quote, 'a,患者数\nx,"unterminated\n');
  const r1 = await precheckFile(quote, 'quote.csv');
  t.equal(r1.findings.at(-1)!.rule, 'malformed-table');
  t.match(r1.problem, /malformed/);
  const binary = join(dir, 'bin.csv');
  writeFileSync(binary, Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x00, 0x80, 0x81]));
  const r2 = await precheckFile(binary, 'bin.csv');
  t.same(at(r2.findings), ['encoding-undecidable@undefined=']);
  const exe = join(dir, 'tool.exe');
  writeFileSync(exe, 'MZ\x90\x00');
  const r3 = await precheckFile(exe, 'tool.exe');
  t.same([r3.kind, r3.findings[0]!.rule], ['other', 'unsupported-kind']);
  const fakePng = join(dir, 'fake.png');
  writeFileSync(fakePng, 'not a png');
  t.equal((await precheckFile(fakePng, 'fake.png')).kind, 'other', 'a .png that is not a PNG is refused');
  const notZip = join(dir, 'no.xlsx');
  writeFileSync(notZip, 'hello');
  t.equal((await precheckFile(notZip, 'no.xlsx')).kind, 'other');
  const sql = join(dir, 'q.sql');
  writeFileSync(sql, 'SELECT count(*) FROM t;');
  t.same([(await precheckFile(sql, 'q.sql')).kind], ['text']);
});

t.test('property: the pre-check never throws on arbitrary bytes, as CSV or as XLSX (bounded run)', async (t) => {
  const xlsx = readFileSync(await writeXlsx(dir, 'seed.xlsx', { s: [['患者数'], [3]] }));
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('csv', 'tsv', 'xlsx'), async (bytes, ext) => {
      const path = join(dir, `fuzz.${ext}`);
      writeFileSync(path, bytes);
      const r = await precheckFile(path, `fuzz.${ext}`);
      runs += 1;
      return Array.isArray(r.findings);
    }),
    { numRuns: 150, seed: 12 },
  );
  // Mutations of a real workbook reach the XML and sheet code, not only the zip reader.
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(xlsx.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      async (edits) => {
        const copy = Buffer.from(xlsx);
        for (const [i, b] of edits) copy[i] = b;
        const path = join(dir, 'mutant.xlsx');
        writeFileSync(path, copy);
        const r = await precheckFile(path, 'mutant.xlsx');
        runs += 1;
        return Array.isArray(r.findings);
      },
    ),
    { numRuns: 150, seed: 12 },
  );
  t.equal(runs, 300);
});
