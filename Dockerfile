# xport: a multi-stage image. The build stage installs everything and compiles TypeScript to dist/;
# the runtime stage holds production dependencies and dist/ only, runs as a non-root user and keeps
# its data (SQLite database, generated secret key) in the /data volume.
# test/ops/image-steps.test.ts runs these steps on a clean copy of the project (no daemon needed).

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native addon when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY bin bin
COPY src src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    XPORT_HOST=0.0.0.0 \
    XPORT_PORT=3000 \
    XPORT_DATA_DIR=/data \
    XPORT_DATABASE_URL=sqlite:/data/xport.db
WORKDIR /app
COPY --from=build /app/package.json package.json
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/bin bin
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness only (the process answers); readiness is /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.XPORT_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/xport.js"]
CMD ["serve"]
