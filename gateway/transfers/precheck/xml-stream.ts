import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Readable } from 'node:stream';

export interface XmlHandlers {
  open(tag: SaxesTagPlain): void;
  close(name: string): void;
  text(text: string): void;
}

/**
 * Feeds a stream of XML bytes to saxes chunk by chunk (memory: one chunk and the open element path). DTDs are not
 * expanded by saxes, so entity-expansion bombs do nothing; a parse error rejects.
 */
export async function streamXml(source: Readable, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser({ xmlns: false });
  let failure: Error | null = null;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => handlers.open(tag as SaxesTagPlain));
  parser.on('closetag', (tag) => handlers.close(tag.name));
  parser.on('text', (t) => handlers.text(t));
  parser.on('cdata', (t) => handlers.text(t));
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of source) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
      if (failure) throw failure;
    }
  } finally {
    source.destroy();
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
}
