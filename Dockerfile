# The lab's server image: the compiled server, its production dependencies and the default
# site, run by Node as the unprivileged `node` user. It needs no writable file system and no
# capabilities (see docker-compose.yml). Build: docker build -t webserver-lab-server .
# (make up builds it as PROJECT-server, PROJECT being the checkout's compose project name).
#
# Node 24: the release the image ships and the benchmark's figures come from (bench/run reads
# the major here, and the Node flags of the CMD below). package.json's engines admits Node 20
# and later, where the tests also run.

# --- build: install everything, compile TypeScript, then drop the dev dependencies ----------
FROM node:24-trixie-slim AS build
WORKDIR /app
# The lockfile first, so that the install layer is reused until the dependencies change;
# npm ci installs exactly what it locks, or fails.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY server/src server/src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: only what runs ------------------------------------------------------------------
FROM node:24-trixie-slim
ENV NODE_ENV=production \
    SITE_ROOT=/srv/site \
    PORT=8080 \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only to the `node` user: the server cannot change its own code or site.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/server/dist server/dist
COPY site /srv/site
USER node
EXPOSE 8080
# A probe without curl (the image has none): Node's own fetch asks for the server's health
# endpoint, GET /__lab/health (200 "ok", logged at debug level only, so the log shows no probe),
# and wants exactly 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/__lab/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# The Node flags keep peak memory under 90 MiB in every benchmark scenario on Node 24, where
# V8's defaults reach 195 MiB under connection churn: a young generation of 4 MiB semi-spaces
# (V8 grows them to 32 MiB here), the old generation grown by 20 % rather than up to 4× after
# a full GC, and TurboFan compiling on the main thread (concurrent jobs held 13 MiB at once).
# Measured in bench/README.md ("Memory"); `npm start` and `make serve` use the same flags
# (server/test/packaging checks that they agree).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "--no-concurrent-recompilation", "server/dist/main.js"]
