import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A small Jupyter-like contents API for the demo workspace (`/api/contents/<path>`, GET and PUT; shapes as in
 * Jupyter Notebook 6.4), so reviewed exports and imports work on the demo as on the real workspace.
 * Files live in memory. `a.csv` is a count table with a patient count of 3 (an export the pre-check flags).
 */
export const DEMO_FILES: Record<string, string> = {
  'a.csv': '疾患,年齢階級,患者数\n糖尿病,40-44,120\n糖尿病,45-49,3\n高血圧,40-44,250\n',
  'results/summary.csv': 'region,age_band,patients\n区中央部,60-64,45\n区中央部,65-69,52\n',
  'queries/count.sql': 'SELECT age_band, count(DISTINCT patient_id) AS patients\nFROM claims GROUP BY age_band;\n',
};

export type ContentsStore = Map<string, { bytes: Buffer; modified: string }>;

export function demoContents(): ContentsStore {
  const now = new Date().toISOString();
  return new Map(Object.entries(DEMO_FILES).map(([p, text]) => [p, { bytes: Buffer.from(text, 'utf8'), modified: now }]));
}

const MAX_BODY = 80 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function fileModel(path: string, entry: { bytes: Buffer; modified: string }, content: boolean, format: string | null) {
  const name = path.split('/').pop()!;
  const asText = format !== 'base64' && !entry.bytes.includes(0) && Buffer.from(entry.bytes.toString('utf8'), 'utf8').equals(entry.bytes);
  return {
    name,
    path,
    type: 'file',
    writable: true,
    created: entry.modified,
    last_modified: entry.modified,
    size: entry.bytes.length,
    mimetype: null,
    format: content ? (asText ? 'text' : 'base64') : null,
    content: content ? (asText ? entry.bytes.toString('utf8') : entry.bytes.toString('base64')) : null,
  };
}

function directoryModel(files: ContentsStore, dir: string) {
  const prefix = dir === '' ? '' : `${dir}/`;
  const children = new Map<string, { type: 'file' | 'directory'; path: string }>();
  for (const p of files.keys()) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) children.set(rest, { type: 'file', path: p });
    else children.set(rest.slice(0, slash), { type: 'directory', path: prefix + rest.slice(0, slash) });
  }
  const content = [...children].map(([name, c]) =>
    c.type === 'file'
      ? fileModel(c.path, files.get(c.path)!, false, null)
      : { name, path: c.path, type: 'directory', size: null, last_modified: null, content: null, format: null },
  );
  return { name: dir.split('/').pop() ?? '', path: dir, type: 'directory', format: 'json', content };
}

/** Answers `/api/contents/…`; false when the request is not for it. */
export function handleContents(req: IncomingMessage, res: ServerResponse, files: ContentsStore): boolean {
  const url = new URL(req.url ?? '/', 'http://workspace');
  if (url.pathname !== '/api/contents' && !url.pathname.startsWith('/api/contents/')) return false;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname.slice('/api/contents'.length)).replace(/^\/+|\/+$/g, '');
  } catch {
    send(res, 400, { message: 'bad path' });
    return true;
  }
  if (path.split('/').some((s) => s === '..')) {
    send(res, 400, { message: 'bad path' });
    return true;
  }
  if (req.method === 'GET') {
    const content = url.searchParams.get('content') !== '0';
    const entry = files.get(path);
    if (entry) send(res, 200, fileModel(path, entry, content, url.searchParams.get('format')));
    else if (path === '' || [...files.keys()].some((p) => p.startsWith(`${path}/`))) send(res, 200, directoryModel(files, path));
    else send(res, 404, { message: `No such file or directory: ${path}` });
    return true;
  }
  if (req.method === 'PUT') {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      let model: { type?: string; format?: string; content?: unknown };
      try {
        model = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { message: 'invalid JSON' });
      }
      if (model.type === 'directory')
        return send(res, 201, { name: path.split('/').pop(), path, type: 'directory', content: null, format: null });
      const existed = files.has(path);
      const bytes =
        model.type === 'file' && model.format === 'base64' && typeof model.content === 'string'
          ? Buffer.from(model.content, 'base64')
          : Buffer.from(typeof model.content === 'string' ? model.content : JSON.stringify(model.content ?? null), 'utf8');
      const entry = { bytes, modified: new Date().toISOString() };
      files.set(path, entry);
      // `saved`: the bytes received (the proxy tests read it to see that a save went through intact).
      send(res, existed ? 200 : 201, { ...fileModel(path, entry, false, null), saved: n });
    });
    return true;
  }
  send(res, 405, { message: 'method not allowed' });
  return true;
}
