/**
 * Where the user reaches the server and which folder it serves, as the banner says them.
 *
 * In a container the server sees only its own side: it listens on 0.0.0.0:8080 and serves
 * /srv/site, while the user opens http://127.0.0.1:9000 and edits /home/ann/mysite. So
 * docker-compose.yml passes what it publishes (LAB_PUBLISHED_ADDRESS, LAB_PUBLISHED_PORT) and
 * the host folder it mounts (LAB_HOST_SITE_DIR), and the banner names those, the container's
 * own address and folder beside them. Outside a container none is set: the banner says what the
 * server sees. A published port that is not a port (make lab publishes on any free port, which
 * Docker picks after the container starts) is left out rather than guessed.
 */

export interface Where {
  /** The URL a browser on the user's machine opens, and what it maps to, if anything. */
  readonly url: string;
  /** The folder served, as the user knows it. */
  readonly folder: string;
}

export interface Listening {
  readonly host: string;
  readonly port: number;
  readonly root: string;
}

const PORT = /^[1-9][0-9]{0,4}$/;

export function where(env: NodeJS.ProcessEnv, { host, port, root }: Listening): Where {
  const published = env.LAB_PUBLISHED_PORT ?? '';
  const hostFolder = env.LAB_HOST_SITE_DIR ?? '';
  const url =
    PORT.test(published) && Number(published) <= 65535
      ? `${urlOf(env.LAB_PUBLISHED_ADDRESS || '127.0.0.1', published)} (the container listens on ${hostPort(host, port)})`
      : urlOf(host, port);
  const folder = hostFolder === '' ? root : `${hostFolder}, mounted at ${root}`;
  return { url, folder };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function urlOf(host: string, port: number | string): string {
  return `http://${displayHost(host)}:${port}`;
}

/**
 * Like the seed, show an address a browser on this machine can open, even when listening on all
 * interfaces (`::` is dual stack: net/server.ts). An IPv6 address goes in brackets in a URL, its
 * zone's "%" escaped (RFC 3986 §3.2.2, RFC 6874).
 */
export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host.replace('%', '%25')}]` : host;
}
