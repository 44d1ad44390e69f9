# The lab's server image: the compiled server, its production dependencies and the default
# site, run by Node as the unprivileged `node` user. It needs no writable file system and no
# capabilities (see docker-compose.yml). Build: docker build -t webserver-lab-server .

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
# A probe without curl (the image has none): Node's own fetch asks for / and wants any
# answer below 500.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/').then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/main.js"]
