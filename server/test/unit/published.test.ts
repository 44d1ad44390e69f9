/** The banner's address and folder: what the server sees, or, in a container, what compose publishes. */
import { where } from '../../src/published';

const inContainer = { host: '0.0.0.0', port: 8080, root: '/srv/site' };

describe('where the banner says the server is', () => {
  it.each([
    ['outside a container', {}, 'http://127.0.0.1:8080', '/srv/site'],
    [
      'published port and address',
      { LAB_PUBLISHED_PORT: '9000', LAB_PUBLISHED_ADDRESS: '127.0.0.1' },
      'http://127.0.0.1:9000 (the container listens on 0.0.0.0:8080)',
      '/srv/site',
    ],
    [
      'published on every interface',
      { LAB_PUBLISHED_PORT: '8081', LAB_PUBLISHED_ADDRESS: '0.0.0.0' },
      'http://127.0.0.1:8081 (the container listens on 0.0.0.0:8080)',
      '/srv/site',
    ],
    [
      'published on IPv6 loopback',
      { LAB_PUBLISHED_PORT: '8081', LAB_PUBLISHED_ADDRESS: '::1' },
      'http://[::1]:8081 (the container listens on 0.0.0.0:8080)',
      '/srv/site',
    ],
    [
      'no address: loopback, as compose publishes by default',
      { LAB_PUBLISHED_PORT: '9000', LAB_PUBLISHED_ADDRESS: '' },
      'http://127.0.0.1:9000 (the container listens on 0.0.0.0:8080)',
      '/srv/site',
    ],
    [
      'an empty port (make lab: any free port)',
      { LAB_PUBLISHED_PORT: '' },
      'http://127.0.0.1:8080',
      '/srv/site',
    ],
    ['a port that is not one', { LAB_PUBLISHED_PORT: '70000' }, 'http://127.0.0.1:8080', '/srv/site'],
    ['a range, not a port', { LAB_PUBLISHED_PORT: '9000-9010' }, 'http://127.0.0.1:8080', '/srv/site'],
    [
      'the host folder mounted',
      { LAB_HOST_SITE_DIR: '/home/ann/my site' },
      'http://127.0.0.1:8080',
      '/home/ann/my site, mounted at /srv/site',
    ],
  ])('%s', (_name, env, url, folder) => {
    expect(where(env, inContainer)).toEqual({ url, folder });
  });
});
