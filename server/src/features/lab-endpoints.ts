/**
 * /__lab/ is the server's own: its endpoints live there, and any other path under it is 404
 * whatever the site holds (a site's own __lab folder is never served). Always on.
 *
 *   GET or HEAD /__lab/health → 200 "ok" (text/plain), for the image's HEALTHCHECK and
 *   compose's healthcheck. A probe every few seconds would bury the log, so its exchange is
 *   marked quiet: the logger writes it (and its connection line) at debug level, not in the
 *   access log; the trace shows it like any other.
 *
 * Which paths are under /__lab/ is decided on the resolved target (resolve/target.ts), so
 * /%5F_lab/x and /a/../__lab/x are reserved too; other methods go on to the answer inside
 * (OPTIONS 204, anything else 405), which never looks at the disk for them.
 */
import { type Exchange, readsAFile } from '../handle-request';
import type { Reply, Request } from '../http/message';
import { resolveTarget } from '../resolve/target';
import { errorReply } from '../respond/replies';
import type { Layer } from '../strategy';

export const LAB_FOLDER = '__lab';

/** One endpoint under /__lab/: a GET or HEAD → its exchange. */
export type Endpoint = (request: Request) => Exchange;

const HEALTHY: Reply = {
  status: 200,
  fields: [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Cache-Control', 'no-store'],
    ['X-Content-Type-Options', 'nosniff'],
  ],
  body: { kind: 'bytes', bytes: Buffer.from('ok', 'latin1') },
  close: false,
};
const HEALTH: Exchange = {
  reply: HEALTHY,
  steps: {
    quiet: true,
    notes: ['lab: /__lab/health → 200 ok (a probe: logged at debug level, not in the access log)'],
  },
};

export const health: Endpoint = () => HEALTH;

/** The server's endpoints, by their name under /__lab/. */
export const LAB_ENDPOINTS: Readonly<Record<string, Endpoint>> = { health };

export function labLayer(endpoints: Readonly<Record<string, Endpoint>> = LAB_ENDPOINTS): Layer {
  return (inner) => (request, files, now) => {
    const name = labPath(request.pathAndQuery);
    if (name === undefined || !readsAFile(request.method)) return inner(request, files, now);
    const endpoint = Object.prototype.hasOwnProperty.call(endpoints, name) ? endpoints[name] : undefined;
    return endpoint?.(request) ?? reserved();
  };
}

/**
 * The path below /__lab/ ("health"; "" for /__lab itself; a directory keeps its "/": "health/"),
 * or undefined when the target is not under it. Most targets never contain "__lab" or an escape
 * that could spell it, and are let through without resolving.
 */
export function labPath(pathAndQuery: string): string | undefined {
  if (!pathAndQuery.includes(LAB_FOLDER) && !pathAndQuery.includes('%')) return undefined;
  const target = resolveTarget(pathAndQuery);
  if (target.kind !== 'path' || target.segments[0] !== LAB_FOLDER) return undefined;
  const below = target.segments.slice(1).join('/');
  return target.directory && below !== '' ? `${below}/` : below;
}

function reserved(): Exchange {
  return {
    reply: errorReply(404),
    steps: {
      notes: [
        `lab: /${LAB_FOLDER}/ is reserved for the server's own endpoints → 404, whatever the site holds`,
      ],
    },
  };
}
