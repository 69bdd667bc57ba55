import { createHash } from 'node:crypto';
import { request } from 'undici';
import { HicError } from '../core/errors.js';

/** The part of a compiled project the client needs: where the workspace is and the credential it takes. */
export interface WorkspaceTarget {
  upstream: string;
  upstreamAuthorization: string | null;
}

export interface WorkspaceEntry {
  name: string;
  path: string;
  type: 'file' | 'directory' | 'notebook';
  size: number | null;
  lastModified: string | null;
}

const TIMEOUT_MS = 30_000;

/**
 * A workspace path as Jupyter's contents API takes it: relative, '/'-separated, no dot segments, no control
 * characters. Each segment is percent-encoded. Null when the path would leave the workspace's root.
 */
export function contentsUrl(upstream: string, path: string): string | null {
  const clean = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const segments = clean === '' ? [] : clean.split('/');
  // eslint-disable-next-line no-control-regex -- a path segment with control characters is refused
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[\u0000-\u001f\\]/.test(s))) return null;
  return `${upstream}/api/contents/${segments.map(encodeURIComponent).join('/')}`;
}

function headers(target: WorkspaceTarget, json = false): Record<string, string> {
  // The project's credential (issue 10): only the gateway holds it; analysts never see it.
  return {
    accept: 'application/json',
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(target.upstreamAuthorization ? { authorization: target.upstreamAuthorization } : {}),
  };
}

/** Jupyter's contents model as far as the gateway reads it. Every field is checked before use: the workspace is not trusted. */
interface ContentsModel {
  type?: unknown;
  name?: unknown;
  path?: unknown;
  size?: unknown;
  format?: unknown;
  content?: unknown;
  last_modified?: unknown;
}

async function getJson(url: string, target: WorkspaceTarget, maxBytes: number): Promise<{ status: number; body: ContentsModel | null }> {
  let res;
  try {
    res = await request(url, { method: 'GET', headers: headers(target), headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  } catch (err) {
    throw new HicError('WORKSPACE_ERROR', 'The workspace is not reachable.', { cause: err });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.body.destroy();
      throw new HicError('FILE_TOO_LARGE');
    }
    chunks.push(chunk as Buffer);
  }
  if (res.statusCode === 404) throw new HicError('NOT_FOUND', 'No such file in the workspace.');
  if (res.statusCode === 403 || res.statusCode === 401)
    throw new HicError('WORKSPACE_ERROR', `The workspace refused the gateway (${res.statusCode}).`);
  if (res.statusCode !== 200) throw new HicError('WORKSPACE_ERROR', `The workspace answered ${res.statusCode}.`);
  try {
    return { status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch (err) {
    throw new HicError('WORKSPACE_ERROR', 'The workspace answered with something other than JSON.', { cause: err });
  }
}

/** Lists a workspace directory through the contents API (the analyst browses to pick a file). */
export async function listDirectory(target: WorkspaceTarget, path: string): Promise<WorkspaceEntry[]> {
  const url = contentsUrl(target.upstream, path);
  if (!url) throw new HicError('BAD_REQUEST', 'That path is outside the workspace.');
  const { body } = await getJson(`${url}?content=1`, target, 16 * 1024 * 1024);
  if (body?.type !== 'directory' || !Array.isArray(body.content)) throw new HicError('BAD_REQUEST', 'Not a directory.');
  return (body.content as Array<ContentsModel | null>)
    .filter((e): e is ContentsModel & { name: string; path: string } => typeof e?.name === 'string' && typeof e?.path === 'string')
    .map((e): WorkspaceEntry => ({
      name: e.name,
      path: e.path,
      type: e.type === 'directory' ? 'directory' : e.type === 'notebook' ? 'notebook' : 'file',
      size: typeof e.size === 'number' ? e.size : null,
      lastModified: typeof e.last_modified === 'string' ? e.last_modified : null,
    }))
    .sort((a, b) => (a.type === 'directory' ? 0 : 1) - (b.type === 'directory' ? 0 : 1) || a.name.localeCompare(b.name));
}

/**
 * Copies a file out of the workspace, server-side (`GET /api/contents/<path>?type=file&format=base64&content=1`):
 * the size is asked first, so a file over the limit is refused without being transferred.
 */
export async function readWorkspaceFile(target: WorkspaceTarget, path: string, maxBytes: number): Promise<{ name: string; bytes: Buffer }> {
  const url = contentsUrl(target.upstream, path);
  if (!url) throw new HicError('BAD_REQUEST', 'That path is outside the workspace.');
  const meta = await getJson(`${url}?content=0`, target, 1024 * 1024);
  if (meta.body?.type !== 'file') throw new HicError('BAD_REQUEST', 'Only files can be exported (not directories or notebooks).');
  if (typeof meta.body.size === 'number' && meta.body.size > maxBytes) throw new HicError('FILE_TOO_LARGE');
  // base64 is 4/3 of the bytes, plus the JSON around it.
  const { body } = await getJson(`${url}?type=file&format=base64&content=1`, target, Math.ceil((maxBytes * 4) / 3) + 64 * 1024);
  if (body?.format !== 'base64' || typeof body.content !== 'string')
    throw new HicError('WORKSPACE_ERROR', 'The workspace did not send the file as base64.');
  const bytes = Buffer.from(body.content.replace(/\s+/g, ''), 'base64');
  if (bytes.length > maxBytes) throw new HicError('FILE_TOO_LARGE');
  return { name: typeof body.name === 'string' ? body.name : path.split('/').pop()!, bytes };
}

/**
 * Places a file into the workspace (`PUT /api/contents/<path>`, base64) and reads it back: both hashes are
 * returned so the record shows what was written and what the workspace now holds.
 */
export async function writeWorkspaceFile(
  target: WorkspaceTarget,
  path: string,
  bytes: Buffer,
): Promise<{ writtenSha256: string; readBackSha256: string }> {
  const url = contentsUrl(target.upstream, path);
  if (!url) throw new HicError('BAD_REQUEST', 'That path is outside the workspace.');
  const name = path.split('/').pop()!;
  await ensureDirectories(target, path);
  let res;
  try {
    res = await request(url, {
      method: 'PUT',
      headers: headers(target, true),
      body: JSON.stringify({ type: 'file', format: 'base64', name, path: path.replace(/^\/+/, ''), content: bytes.toString('base64') }),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (err) {
    throw new HicError('WORKSPACE_ERROR', 'The workspace is not reachable.', { cause: err });
  }
  await res.body.dump();
  if (res.statusCode !== 200 && res.statusCode !== 201)
    throw new HicError('WORKSPACE_ERROR', `The workspace refused the file (${res.statusCode}).`);
  const back = await readWorkspaceFile(target, path, bytes.length + 1);
  return {
    writtenSha256: createHash('sha256').update(bytes).digest('hex'),
    readBackSha256: createHash('sha256').update(back.bytes).digest('hex'),
  };
}

/** Jupyter does not make parent folders for a PUT: each missing one is created (`PUT {type: "directory"}`). */
async function ensureDirectories(target: WorkspaceTarget, path: string): Promise<void> {
  const segments = path.replace(/^\/+/, '').split('/').slice(0, -1);
  for (let i = 1; i <= segments.length; i++) {
    const url = contentsUrl(target.upstream, segments.slice(0, i).join('/'))!;
    try {
      const probe = await request(`${url}?content=0`, {
        method: 'GET',
        headers: headers(target),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      await probe.body.dump();
      if (probe.statusCode === 200) continue;
      const made = await request(url, {
        method: 'PUT',
        headers: headers(target, true),
        body: JSON.stringify({ type: 'directory' }),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      await made.body.dump();
      if (made.statusCode !== 200 && made.statusCode !== 201)
        throw new HicError('WORKSPACE_ERROR', `The workspace refused to make the folder (${made.statusCode}).`);
    } catch (err) {
      if (err instanceof HicError) throw err;
      throw new HicError('WORKSPACE_ERROR', 'The workspace is not reachable.', { cause: err });
    }
  }
}
