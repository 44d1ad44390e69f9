/** One line per lookup outcome, for the resolver tables: `file nums.txt "0123456789"`, `redirect /dir/`, `listing a.txt sub/`, or the status. */
import type { Found } from '../../../src/resolve/site';

export function summary(found: Found): string | number {
  switch (found.kind) {
    case 'file':
      return `file ${found.name} ${found.body.kind === 'bytes' ? JSON.stringify(found.body.bytes.toString()) : '(open descriptor)'}`;
    case 'redirect':
      return `redirect ${found.location}`;
    case 'listing':
      return `listing ${found.entries
        .map((e) => e.name + (e.isDirectory ? '/' : ''))
        .sort()
        .join(' ')}`;
    case 'refused':
      return found.status;
  }
}
