# syntax=docker/dockerfile:1
# Build stage: argon2's prebuilt binary is unreliable on some hosts, so it is compiled here (python3, make, g++).
FROM node:20-bookworm-slim AS build
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
FROM node:20-bookworm-slim
ENV NODE_ENV=production HIC_HOME=/var/lib/hic
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
COPY package.json ./
RUN useradd --system --uid 10001 --home-dir /var/lib/hic --create-home hic && chmod 700 /var/lib/hic
USER hic
EXPOSE 8443
# The health endpoint needs no client certificate and reveals nothing but liveness and store health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "require('https').get({host:'127.0.0.1',port:process.env.HIC_PORT||8443,path:'/_hic/health',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["node", "dist/bin/hic.js"]
CMD ["start", "--config", "/etc/hic/gateway.yaml"]
