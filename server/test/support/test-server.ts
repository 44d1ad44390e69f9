/** Starts the real server in-process on 127.0.0.1, port 0, with test-sized limits when asked. */
import path from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/limits';
import { type Observer, quietObserver } from '../../src/log/observer';
import { type FileSystem, nodeFileSystem } from '../../src/resolve/file-system';
import { type RunningServer, startServer } from '../../src/net/server';
import fs from 'node:fs';

export const FIXTURE_SITE = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'site'));

export interface TestServerOptions {
  root?: string;
  listing?: boolean;
  limits?: Partial<Limits>;
  observer?: Partial<Observer>;
  fs?: FileSystem;
}

export interface TestServer extends RunningServer {
  readonly port: number;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startServer({
    root: options.root ?? FIXTURE_SITE,
    host: '127.0.0.1',
    port: 0,
    listing: options.listing ?? false,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    observer: { ...quietObserver, ...options.observer },
    fs: options.fs ?? nodeFileSystem,
  });
  return Object.assign(server, { port: server.address.port });
}
