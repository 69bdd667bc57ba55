import { randomBytes } from 'node:crypto';

/** Request ids: a letter for the direction and 96 random bits, URL-safe (E… exports, I… imports). */
export function newTransferId(direction: 'export' | 'import'): string {
  return `${direction === 'export' ? 'E' : 'I'}${randomBytes(12).toString('hex')}`;
}

export const TRANSFER_ID = /^[EI][0-9a-f]{24}$/;
