# syntax=docker/dockerfile:1
# Node 24 LTS (Node 20 reached end of life in April 2026). Every step below is a plain command, so that it can be
# run (and was tested, see README "Running it for real") on a machine without a docker engine.
#
# Build stage: argon2's prebuilt binary is unreliable on some hosts, so the toolchain to compile it is here.
FROM node:24-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY bin ./bin
COPY gateway ./gateway
COPY ca ./ca
COPY policies ./policies
COPY load-tests ./load-tests
RUN npm run build && npm prune --omit=dev

# Runtime stage: no compilers, non-root user, state under /var/lib/hic.
FROM node:24-bookworm-slim
ENV NODE_ENV=production HIC_HOME=/var/lib/hic
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
COPY package.json ./
RUN useradd --system --uid 10001 --home-dir /var/lib/hic --create-home hic && chmod 700 /var/lib/hic
# The state: ca/ (the CA's keys), tls/, secrets/ (TOTP key), audit/ (the evidence, LOG-2: keep it a year past the
# end of use), terminals/. Mount a volume here; the configuration is mounted read-only at /etc/hic.
VOLUME ["/var/lib/hic"]
USER hic
EXPOSE 8443
# SIGTERM drains (server.shutdownTimeoutSeconds, default 20 s); give the container more than that to stop
# (docker stop -t 30, compose stop_grace_period: 30s).
STOPSIGNAL SIGTERM
# Liveness on the port the configuration names (HIC_PORT applied): loopback needs no client certificate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/bin/hic.js", "health", "--config", "/etc/hic/gateway.yaml"]
ENTRYPOINT ["node", "dist/bin/hic.js"]
CMD ["start", "--config", "/etc/hic/gateway.yaml"]
