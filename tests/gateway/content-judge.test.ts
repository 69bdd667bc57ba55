import t from 'tap';
import fc from 'fast-check';
import { judgeContentRead, judgeContentWrite, judgeRename, type ContentLimits } from '../../gateway/request-path/content-judge.js';
import { ClientFrameWatcher } from '../../gateway/proxy/ws-frames.js';
import { canonicalPath } from '../../gateway/net/normalise-path.js';
import { lastQueryValue, redactQuery, withoutParams } from '../../gateway/net/query.js';
import { forwardQuery } from '../../gateway/proxy/forward-query.js';

/** The pure judges of the workspace boundary, row by row. */
const limits: ContentLimits = { textExtensions: new Set(['.py', '.sql', '.txt']), maxTextBytes: 100 };

t.test('content reads', async (t) => {
  const rows: Array<[string, string, string]> = [
    ['/api/contents/a.csv', '', 'download-blocked'],
    ['/api/contents/a.csv', 'content=0', 'forward'],
    ['/api/contents/a.csv', 'content=%30', 'forward'],
    ['/api/contents/a.csv', 'content= 0 ', 'forward'],
    ['/api/contents/a.csv', 'content=0&content=1', 'download-blocked'],
    ['/api/contents/dir', 'type=directory', 'forward'],
    ['/api/contents/dir', 'type=directory&type=file', 'download-blocked'],
    ['/api/contents/a.IPYNB', '', 'forward'],
    ['/api/contents/q.sql', 'format=text', 'bounded'],
    ['/api/contents/%E9%9B%86%E8%A8%88.py', '', 'bounded'],
    ['/api/contents/noext', '', 'download-blocked'],
    ['/api/contents/.py', '', 'download-blocked'],
  ];
  for (const [path, query, want] of rows) {
    const r = judgeContentRead(path, query, limits, 'why');
    t.equal(r === null ? 'forward' : 'refuse' in r ? r.refuse : 'bounded', want, `${path}?${query}`);
  }
});

t.test('content writes', async (t) => {
  const rows: Array<[string, unknown, string | null]> = [
    ['/api/contents/a.ipynb', { type: 'notebook', content: { cells: [] } }, null],
    ['/api/contents/a.csv', { type: 'notebook', content: { cells: [] } }, 'upload-blocked'],
    ['/api/contents/a.ipynb', { name: 'a.ipynb', path: 'a.ipynb', type: 'notebook', format: 'json', content: {} }, 'upload-blocked'],
    ['/api/contents/a.py', { type: 'file', format: 'text', content: 'print(1)' }, null],
    ['/api/contents/a.py', { type: 'file', format: 'text', content: 'x'.repeat(101) }, 'upload-blocked'],
    ['/api/contents/a.csv', { type: 'file', format: 'text', content: '1,2' }, 'upload-blocked'],
    ['/api/contents/a.py', { type: 'file', format: 'base64', content: 'eA==' }, 'upload-blocked'],
    ['/api/contents/a.py', { type: 'file', format: 'text', content: 'x', chunk: 1 }, 'upload-blocked'],
    ['/api/contents/d', { type: 'directory' }, null],
    ['/api/contents/d', { type: 'directory', content: 'x' }, 'upload-blocked'],
    ['/api/contents/a.py', { copy_from: 'b.csv' }, 'upload-blocked'],
    ['/api/contents/a.py', null, 'upload-blocked'],
    ['/api/contents/a.py', [1, 2], 'upload-blocked'],
    ['/api/contents/a.py', 'text', 'upload-blocked'],
  ];
  for (const [path, body, want] of rows)
    t.equal(judgeContentWrite(path, body, limits), want, `${path} ${JSON.stringify(body)?.slice(0, 60)}`);
});

t.test('renames', async (t) => {
  const rows: Array<[string, unknown, string | null]> = [
    ['/api/contents/a.ipynb', { path: 'b.ipynb' }, null],
    ['/api/contents/a.csv', { path: 'dir/b.csv' }, null],
    ['/api/contents/a.csv', { path: 'a.py' }, 'transfer-blocked'],
    ['/api/contents/a.csv', { path: 'a.ipynb' }, 'transfer-blocked'],
    ['/api/contents/a.py', { path: 'a.csv' }, null],
    ['/api/contents/a.py', { path: 'a.sql' }, 'transfer-blocked'],
    ['/api/contents/a.csv', {}, 'transfer-blocked'],
    ['/api/contents/a.csv', null, 'transfer-blocked'],
  ];
  for (const [path, body, want] of rows) t.equal(judgeRename(path, body, limits), want, `${path} → ${JSON.stringify(body)}`);
});

t.test('queries are read as Tornado reads them; the credential parameter never passes', async (t) => {
  t.equal(lastQueryValue('a=1&a=2', 'a'), '2');
  t.equal(lastQueryValue('a=x+y', 'a'), 'x y');
  t.equal(lastQueryValue('%61=1', 'a'), '1');
  t.equal(lastQueryValue('b=1', 'a'), undefined);
  t.equal(withoutParams('token=s&x=1&token=t&y', new Set(['token'])), 'x=1&y');
  t.equal(forwardQuery('_=123&type=directory'), '_=123&type=directory');
  t.equal(forwardQuery('%74oken=s&x=1'), 'x=1');
  t.equal(redactQuery('_xsrf=abc&type=file'), '_xsrf=[redacted]&type=file');
  t.equal(redactQuery('type=file&content=1'), 'type=file&content=1');
});

t.test('client WebSocket frames: data frames are activity, control frames and split headers are handled', async (t) => {
  let count = 0;
  const watcher = new ClientFrameWatcher(() => count++);
  const frame = (opcode: number, payload: number) => {
    const len =
      payload < 126
        ? Buffer.from([0x80 | opcode, 0x80 | payload])
        : payload < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, payload >> 8, payload & 0xff])
          : (() => {
              const b = Buffer.alloc(10);
              b[0] = 0x80 | opcode;
              b[1] = 0x80 | 127;
              b.writeBigUInt64BE(BigInt(payload), 2);
              return b;
            })();
    return Buffer.concat([len, Buffer.alloc(4, 7), Buffer.alloc(payload, 0x81)]);
  };
  const stream = Buffer.concat([
    frame(0x1, 5),
    frame(0xa, 0),
    frame(0x9, 3),
    frame(0x2, 300),
    frame(0x8, 2),
    frame(0x0, 70_000),
    frame(0x1, 0),
  ]);
  watcher.push(stream);
  t.equal(count, 4, 'text, binary, continuation, empty text: 4; pong, ping, close: none');
  // The same stream cut at every byte boundary gives the same count.
  for (const cut of [1, 2, 3, 7, 13, 400]) {
    let n = 0;
    const w = new ClientFrameWatcher(() => n++);
    for (let i = 0; i < stream.length; i += cut) w.push(stream.subarray(i, i + cut));
    t.equal(n, 4, `cut every ${cut} bytes`);
  }
});

t.test('property: the canonical path is stable and never ambiguous (bounded run)', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.stringMatching(/^[/a-z%.2F5C0-9\\-]{0,30}$/), (a, b) => {
      for (const raw of [`/${a}`, `/${b}`, b]) {
        const c = canonicalPath(raw);
        if (c === null) continue;
        if (!c.startsWith('/') || c.startsWith('//') || c.includes('\\') || /%2f|%5c/i.test(c)) return false;
        if (c.split('/').some((s) => s === '.' || s === '..')) return false;
        if (canonicalPath(c) !== c) return false; // what is forwarded is judged the same way again
      }
      return true;
    }),
    { numRuns: 3000, seed: 42 },
  );
  t.pass('3000 runs');
});
