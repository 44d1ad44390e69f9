/** The two HTML pages the server writes itself: an error page and a directory listing. */
import { STATUS, type StatusCode } from '../http/status';
import type { ListingEntry } from '../resolve/site';
import { SERVER_NAME } from './head';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5}td{padding:.1rem 1rem .1rem 0}td.size{text-align:right;font-variant-numeric:tabular-nums}</style></head>
<body>
${body}
<hr><p><small>${SERVER_NAME}</small></p>
</body>
</html>
`;
}

/** A small page that names the status and explains it in a sentence: nothing from the request, no paths, no internals. */
export function errorPage(status: StatusCode): Buffer {
  const { reason, page: sentence } = STATUS[status];
  return Buffer.from(page(`${status} ${reason}`, `<h1>${status} ${reason}</h1>\n<p>${sentence}</p>`));
}

/** Directories first, then files, each by name; every name HTML-escaped for display and percent-encoded for its link. */
export function listingPage(urlPath: string, entries: readonly ListingEntry[]): Buffer {
  const rows = sortedEntries(entries).map((e) => {
    const href = encodeURIComponent(e.name) + (e.isDirectory ? '/' : '');
    const label = escapeHtml(e.name) + (e.isDirectory ? '/' : '');
    const size = e.isDirectory ? '' : formatSize(e.size);
    return `<tr><td><a href="${href}">${label}</a></td><td class="size">${size}</td></tr>`;
  });
  if (urlPath !== '/') rows.unshift('<tr><td><a href="../">../</a></td><td></td></tr>');
  const title = `Index of ${escapeHtml(urlPath)}`;
  return Buffer.from(page(title, `<h1>${title}</h1>\n<table>\n${rows.join('\n')}\n</table>`));
}

/** Directories first, then files, each by name (code-unit order, as the bytes of the names). */
export function sortedEntries(entries: readonly ListingEntry[]): ListingEntry[] {
  return [...entries].sort(
    (a, b) =>
      Number(b.isDirectory) - Number(a.isDirectory) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
