/** A reply's content as text: literal bytes as they are, a file's pieces read from its (still open) descriptor. */
import fs from 'node:fs';
import type { Reply } from '../../../src/http/message';

export function bodyText(reply: Reply): string {
  if (reply.body === undefined) return '';
  if (reply.body.kind === 'bytes') return reply.body.bytes.toString('latin1');
  if (reply.body.kind === 'stream') return ''; // written over time: not a value to read here
  const { fd, pieces } = reply.body.file;
  return pieces
    .map((piece) => {
      if (piece.kind === 'bytes') return piece.bytes.toString('latin1');
      const buffer = Buffer.alloc(piece.end - piece.start);
      fs.readSync(fd, buffer, 0, buffer.length, piece.start);
      return buffer.toString('latin1');
    })
    .join('');
}
