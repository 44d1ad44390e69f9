/**
 * --cors (CORS=1): any origin may read what this server serves, per the Fetch standard's CORS
 * protocol (https://fetch.spec.whatwg.org/#http-cors-protocol).
 *
 *   - Every reply carries `Access-Control-Allow-Origin: *`, to CORS requests and others alike,
 *     and no `Vary: Origin`. Fetch §3.2.5: when it "is set to * or a static origin for a
 *     particular resource, then configure the server to always send
 *     Access-Control-Allow-Origin in responses for the resource — for non-CORS requests as well
 *     as CORS requests — and do not use Vary". Sent only when Origin is present, a cached copy
 *     of a navigation's reply would later fail a script's request for the same URL.
 *   - `Access-Control-Expose-Headers: *`, so a script may read ETag, Content-Range,
 *     Accept-Ranges and Last-Modified too (the wildcard holds for requests without credentials,
 *     the only kind `*` allows anyway).
 *   - A CORS-preflight request (`preflightOf`: OPTIONS with Origin and
 *     Access-Control-Request-Method) gets 204 with the methods this server allows, the request
 *     headers it asked about that are valid tokens (echoed: they change nothing here, and an
 *     echo also covers Authorization, which the `*` wildcard does not), a max age, and
 *     `Vary: Access-Control-Request-Headers`, since the echo depends on it. A method we do not
 *     serve is answered the same way: the browser sees it missing from the list and says so.
 *   - A plain OPTIONS (no Origin, or no Access-Control-Request-Method) keeps its answer.
 */
import type { Exchange } from '../handle-request';
import { type FieldList, type Reply, type Request, fieldValue } from '../http/message';
import { isToken, splitList, trimOws } from '../http/syntax';
import { ALLOWED_METHODS } from '../respond/replies';
import type { Layer } from '../strategy';
import { after, noted, withFields } from './exchange';

/**
 * How long a browser may reuse a preflight's answer, in seconds: Chromium's cap (Firefox's is
 * 24 h, the Fetch default 5 s). The answer never changes while the server runs.
 */
export const PREFLIGHT_MAX_AGE_S = 7200;

const EVERY_REPLY: FieldList = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', '*'],
];
const EVERY_REPLY_NOTE =
  'cors: Access-Control-Allow-Origin: * on every reply (Fetch §3.2.5: no Vary: Origin)';

export interface Preflight {
  readonly origin: string;
  readonly method: string;
  /** The headers the request asked for that are tokens, as given. */
  readonly headers: readonly string[];
}

/** The preflight a request is, or undefined for any other request (pure). */
export function preflightOf(request: Request): Preflight | undefined {
  if (request.method !== 'OPTIONS') return undefined;
  const origin = fieldValue(request.fields, 'origin');
  const method = trimOws(fieldValue(request.fields, 'access-control-request-method') ?? '');
  if (origin === undefined || !isToken(method)) return undefined;
  const asked = fieldValue(request.fields, 'access-control-request-headers') ?? '';
  return { origin, method, headers: splitList(asked).filter(isToken) };
}

/** 204 with what the preflight asked to know (pure). */
export function preflightReply(preflight: Preflight): Reply {
  const fields: FieldList = [
    ['Allow', ALLOWED_METHODS],
    ['Access-Control-Allow-Origin', '*'],
    ['Access-Control-Allow-Methods', ALLOWED_METHODS],
    ...(preflight.headers.length > 0
      ? [['Access-Control-Allow-Headers', preflight.headers.join(', ')] as const]
      : []),
    ['Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_S)],
    ['Vary', 'Access-Control-Request-Headers'],
  ];
  return { status: 204, fields, close: false };
}

export function corsLayer(): Layer {
  return (inner) => (request, files, now) => {
    const preflight = preflightOf(request);
    if (preflight !== undefined) return preflightExchange(preflight);
    return after(inner(request, files, now), (exchange) =>
      noted({ ...exchange, reply: withFields(exchange.reply, EVERY_REPLY) }, EVERY_REPLY_NOTE),
    );
  };
}

function preflightExchange(preflight: Preflight): Exchange {
  const { origin, method, headers } = preflight;
  const allowed = ALLOWED_METHODS.split(', ').includes(method) ? '' : ` (${method} is not among them)`;
  const asked = headers.length > 0 ? `, headers ${headers.join(', ')}` : '';
  return {
    reply: preflightReply(preflight),
    steps: {
      notes: [
        `cors: a preflight from ${origin} for ${method}${asked} → 204, methods ${ALLOWED_METHODS}${allowed}`,
      ],
    },
  };
}
