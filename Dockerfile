# The streamfold worker image, used by docker-compose.yml (docs/docker.md).
# Node's major follows .nvmrc; test/unit/docker-compose.test.ts checks that it does.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Build dependencies of the Kafka client's bundled librdkafka, linked against Debian's libraries
# rather than sources it would otherwise download during the build.
RUN apt-get update \
  && apt-get install -y --no-install-recommends g++ make python3 pkg-config \
    libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev \
  && rm -rf /var/lib/apt/lists/*
# CKJS_LINKING=dynamic: link librdkafka against the libraries above. build_from_source: the
# prebuilt binary the client would download otherwise ignores that setting. nodedir: node-gyp
# takes the headers shipped in this image instead of downloading them.
ENV CKJS_LINKING=dynamic \
  npm_config_build_from_source=@confluentinc/kafka-javascript \
  npm_config_nodedir=/usr/local
# Dependencies first, so a source change does not rebuild the native client.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/
COPY src src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# The runtime halves of the build stage's -dev packages; ca-certificates for librdkafka's TLS
# (Node carries its own CA list, librdkafka reads the system's).
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates \
    libssl3 zlib1g libzstd1 liblz4-1 libsasl2-2 libcurl4 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# HTTP on all interfaces: the CLI's default 127.0.0.1 is unreachable through a published port.
ENV NODE_ENV=production \
  HTTP_ADDR=0.0.0.0:9464
# Owned by root and read-only to the worker, which runs as `node`.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY topologies topologies
# A shared library missing here fails the build, not the worker's first start.
RUN node -e "console.log('librdkafka', require('@confluentinc/kafka-javascript').librdkafkaVersion)"
USER node
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, so `docker stop` drains the worker.
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["run", "topologies/orders.yaml"]
