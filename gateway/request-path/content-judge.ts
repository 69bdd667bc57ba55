import { lastQueryValue } from '../net/query.js';
import type { DenyReason } from './decision.js';

/**
 * DATA-1 on the workspace's contents API (Jupyter's `/api/contents/<path>`), which carries file bytes in JSON both
 * ways. Editing needs some of it: a notebook is loaded and saved through it, code files are opened and saved in
 * the text editor. Everything else that would move a file's bytes is a download or an upload and is refused.
 * Pure functions: the request path and the proxy call them, tests call them directly.
 */
export interface ContentLimits {
  /** Kinds (lower-case extensions with the dot) that may be read and written as text. */
  textExtensions: ReadonlySet<string>;
  /** The largest text content, in bytes, that may be read or written. */
  maxTextBytes: number;
}

const CONTENTS_PREFIX = '/api/contents/';

/** The file name the canonical path ends with, decoded and lower-cased (`/api/contents/a/B.PY` → `b.py`). */
function fileName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last).toLowerCase();
  } catch {
    return last.toLowerCase();
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot);
}

/** Notebooks, and text files of a listed kind: what the contents API may return with content. */
function isReadableKind(name: string, limits: ContentLimits): boolean {
  return name.endsWith('.ipynb') || limits.textExtensions.has(extensionOf(name));
}

/**
 * A GET of the contents API. Metadata (`content=0`) and directory listings (`type=directory`: a file asked for as
 * a directory is a 400) pass; a notebook passes (the notebook page loads it — what it shows is on screen anyway);
 * a text file of a listed kind passes with its answer bounded; any other file's content is a download.
 */
export function judgeContentRead(
  path: string,
  query: string,
  limits: ContentLimits,
  why: string,
): null | { refuse: DenyReason; why: string } | { maxResponseBytes: number; why: string } {
  if (lastQueryValue(query, 'content') === '0') return null;
  if (lastQueryValue(query, 'type') === 'directory') return null;
  const name = fileName(path);
  if (name.endsWith('.ipynb')) return null;
  if (limits.textExtensions.has(extensionOf(name))) {
    // JSON escapes non-ASCII text as \uXXXX: up to twice the UTF-8 size of Japanese text, plus the model's fields.
    return { maxResponseBytes: limits.maxTextBytes * 2 + 8192, why };
  }
  return { refuse: 'download-blocked', why };
}

/**
 * A PUT of the contents API, on its parsed JSON body. Passes: a notebook saved under a `.ipynb` name (the exact
 * shape the notebook page sends), a text save of a listed kind within the size limit (the editor), a new
 * directory. Refused as an upload: base64 content, chunks, a `name` (the tree's Upload button), copies, text of
 * other kinds, anything that is not such an object (fail closed).
 */
export function judgeContentWrite(path: string, body: unknown, limits: ContentLimits): DenyReason | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'upload-blocked';
  const b = body as Record<string, unknown>;
  if ('chunk' in b || 'name' in b || 'copy_from' in b || b['format'] === 'base64') return 'upload-blocked';
  const name = fileName(path);
  switch (b['type']) {
    case 'directory':
      return b['content'] === undefined || b['content'] === null ? null : 'upload-blocked';
    case 'notebook':
      return name.endsWith('.ipynb') ? null : 'upload-blocked';
    case 'file':
      if (b['format'] !== 'text' || typeof b['content'] !== 'string') return 'upload-blocked';
      if (!limits.textExtensions.has(extensionOf(name))) return 'upload-blocked';
      return Buffer.byteLength(b['content']) <= limits.maxTextBytes ? null : 'upload-blocked';
    default:
      return 'upload-blocked';
  }
}

/**
 * A PATCH (rename or move) of the contents API: `{path: new}`. A rename that gives a file a kind the contents API
 * would return (`data.csv` → `data.py`) is refused; keeping the kind, or moving to a kind it will not return, passes.
 */
export function judgeRename(path: string, body: unknown, limits: ContentLimits): DenyReason | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'transfer-blocked';
  const target = (body as Record<string, unknown>)['path'];
  if (typeof target !== 'string' || target === '') return 'transfer-blocked';
  const from = fileName(path.startsWith(CONTENTS_PREFIX) ? path : CONTENTS_PREFIX);
  const to = target.slice(target.lastIndexOf('/') + 1).toLowerCase();
  if (!isReadableKind(to, limits)) return null;
  return extensionOf(from) === extensionOf(to) ? null : 'transfer-blocked';
}
