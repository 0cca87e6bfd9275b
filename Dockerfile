# syntax=docker/dockerfile:1
# Herald node image: `docker build -t herald .` at the repository root; deploy/docker-compose.yml
# runs three of these. Configured by HERALD_* variables (packages/broker/src/config/config.ts):
# HERALD_NODE_ID, HERALD_PEERS, HERALD_CLIENT_PORT, HERALD_PEER_PORT, HERALD_METRICS_PORT, ...
#
# Two stages: the build stage installs every dependency and compiles the TypeScript; the runtime
# stage gets only the compiled packages, the .proto files they load at run time and the
# production dependencies, on a slim Debian (glibc, like the prebuilt native modules) image,
# and runs as the unprivileged `node` user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true PATH=/pnpm/bin:$PATH
RUN npm install --global --no-fund --no-audit --prefix /pnpm pnpm@12.21.0
WORKDIR /src
# Packages from the lockfile alone: this layer is reused until pnpm-lock.yaml changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm exec tsc -b packages/cli
# The runtime tree, laid out like the repository (packages/protocol finds ../../proto at run
# time): every manifest, production dependencies only (a fresh install from the store, so no
# dev package is left in node_modules/.pnpm), the compiled packages and the .proto files.
RUN mkdir /out \
 && cp -a --parents package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc packages/*/package.json test/package.json /out/ \
 && cd /out \
 && pnpm install --offline --frozen-lockfile --prod \
 && rm -rf test pnpm-lock.yaml pnpm-workspace.yaml .npmrc \
 && cd /src \
 && cp -a --parents proto packages/*/dist /out/ \
 && find /out/packages -name '*.map' -delete \
 && chmod +x /out/packages/cli/dist/main.js

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HERALD_HOST=0.0.0.0 \
    HERALD_DATA_DIR=/var/lib/herald
WORKDIR /app
COPY --from=build /out/ /app/
RUN mkdir -p /var/lib/herald /var/lib/certs && chown node:node /var/lib/herald /var/lib/certs \
 && ln -s /app/packages/cli/dist/main.js /usr/local/bin/herald
USER node
VOLUME /var/lib/herald /var/lib/certs
# Node N listens on 740N (clients), 750N (peers) and 940N (metrics) unless told otherwise.
EXPOSE 7401 7501 9401
# /healthz on the metrics port: HTTPS unless HERALD_SECURITY_MODE=insecure (the node's own
# certificate; a liveness probe from inside the container checks no name).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "const e = process.env, s = e.HERALD_SECURITY_MODE !== 'insecure'; require(s ? 'node:https' : 'node:http').get({ host: '127.0.0.1', port: e.HERALD_METRICS_PORT || 9400 + Number(e.HERALD_NODE_ID || 1), path: '/healthz', rejectUnauthorized: false }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"
ENTRYPOINT ["node", "/app/packages/cli/dist/main.js"]
CMD ["node", "start"]
