/**
 * Starts the real server in-process on 127.0.0.1, port 0, with test-sized limits when asked.
 * Which path it takes is the environment's, as for the real server: NO_CACHE=1 (the
 * "plain path" jest project, jest.config.js) runs every integration suite on the plain path.
 */
import { type FeatureSettings, chooseFeatures } from '../../src/features/layers';
import path from 'node:path';
import { DEFAULT_LIMITS, type Limits } from '../../src/http/limits';
import { type Observer, quietObserver } from '../../src/log/observer';
import { type FileSystem, nodeFileSystem } from '../../src/resolve/file-system';
import { type RunningServer, startServer } from '../../src/net/server';
import fs from 'node:fs';

export const FIXTURE_SITE = fs.realpathSync(path.join(__dirname, '..', 'fixtures', 'site'));

/** The strategy this test run exercises: the fast path, or the plain one when NO_CACHE=1. */
export const STRATEGY: 'fast' | 'plain' = process.env.NO_CACHE === '1' ? 'plain' : 'fast';
/** The environment that selects it, for a server started with an environment of its own. */
export const STRATEGY_ENV: Readonly<Record<string, string>> = STRATEGY === 'plain' ? { NO_CACHE: '1' } : {};

export interface TestServerOptions {
  root?: string;
  listing?: boolean;
  limits?: Partial<Limits>;
  observer?: Partial<Observer>;
  fs?: FileSystem;
  /** Overrides STRATEGY, for a test about one path only. */
  cache?: boolean;
  /** Compression: on, as the real server's default. */
  compress?: boolean;
}

/** Every optional feature off: a test turns on what it is about. */
export const FEATURES_OFF: FeatureSettings = {
  compress: false,
  listing: false,
  headers: [],
  cors: false,
  spa: false,
  liveReload: false,
  maxConnections: DEFAULT_LIMITS.maxConnections,
};

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
    cache: options.cache ?? STRATEGY === 'fast',
    features: chooseFeatures({
      ...FEATURES_OFF,
      compress: options.compress ?? true,
      listing: options.listing ?? false,
    }),
  });
  return Object.assign(server, { port: server.address.port });
}
