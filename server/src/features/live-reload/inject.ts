/**
 * Live reload's script, and where it goes in a page. Pure.
 *
 * The script opens an EventSource on ENDPOINT and reloads the page on a "reload" event; the
 * "hello" event names the server's run, so a page that reconnects to a restarted server reloads
 * too. A browser retries a dropped stream by itself; one refused (503: too many listeners) it
 * does not, so the script tries again after 2 s.
 *
 * The page with the script is another representation of the file (RFC 9110 §3.2): its own
 * bytes, its own length, its own ETag, so a cache or a Range request never mixes the two.
 */
import { createHash } from 'node:crypto';
import type { Representation } from '../../respond/representation';

/** The server's own endpoints live under /__lab/ (README); this one streams the change events. */
export const ENDPOINT = '/__lab/live-reload';

const SCRIPT =
  `(()=>{if(!('EventSource'in window))return;let run;const connect=()=>{const events=new EventSource(${JSON.stringify(ENDPOINT)});` +
  `events.addEventListener('hello',(e)=>{if(run!==undefined&&run!==e.data)location.reload();run=e.data});` +
  `events.addEventListener('reload',()=>location.reload());` +
  `events.onerror=()=>{if(events.readyState===EventSource.CLOSED)setTimeout(connect,2000)}};connect()})();`;

/** The element put into every HTML page: small, and marked so that a reader of the page source knows where it came from. */
export const SCRIPT_ELEMENT = Buffer.from(
  `<script data-webserver-lab="live-reload (--live-reload)">${SCRIPT}</script>\n`,
);

/** Part of the ETag of a page with the script: another script (another version of the server) is another representation. */
export const SCRIPT_TAG = createHash('sha256').update(SCRIPT_ELEMENT).digest('hex').slice(0, 6);

/**
 * The page with the script before its last `</body>`, else before its last `</html>`, else at
 * its end (a fragment). Tags are ASCII, so the bytes are searched as latin1, one character a
 * byte, whatever the page's own encoding: no byte of it is changed.
 */
export function withScript(page: Buffer): Buffer {
  const text = page.toString('latin1').toLowerCase();
  const body = text.lastIndexOf('</body');
  const at = body !== -1 ? body : text.lastIndexOf('</html');
  const cut = at === -1 ? page.length : at;
  return Buffer.concat([page.subarray(0, cut), SCRIPT_ELEMENT, page.subarray(cut)]);
}

/**
 * Whether a reply of this type gets the script: HTML only. Not XHTML (application/xhtml+xml):
 * an XML parser refuses the script's `&&` and the page would break.
 */
export function isHtml(contentType: string): boolean {
  return /^text\/html\s*(;|$)/i.test(contentType);
}

/** A page in UTF-16 (its byte order mark says so): the script's ASCII bytes would corrupt it, so it is left alone. */
export function isUtf16(page: Buffer): boolean {
  return (
    page.length >= 2 && ((page[0] === 0xff && page[1] === 0xfe) || (page[0] === 0xfe && page[1] === 0xff))
  );
}

/** The ETag of the page with the script: the file's tag with the script's inside the quotes, weak if it was weak. */
export function scriptedTag(etag: string): string {
  return `${etag.slice(0, -1)}-lr${SCRIPT_TAG}"`;
}

/** The file's representation with the script in its page: same type and Last-Modified; its own bytes, size and ETag. */
export function scripted(base: Representation, page: Buffer): Representation {
  const bytes = withScript(page);
  const validators = { ...base.validators, etag: scriptedTag(base.validators.etag) };
  return { ...base, validators, size: bytes.length, source: { kind: 'bytes', bytes } };
}
