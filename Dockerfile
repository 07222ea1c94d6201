# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
# Manifests first so the npm ci layer is reused when only sources change.
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/db/package.json packages/db/
COPY packages/client/package.json packages/client/
COPY apps/server/package.json apps/server/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# NODE_OPTIONS: the V8 heap size acc is measured with (PRODUCTION_NODE_OPTIONS in apps/server/src/runtime.ts);
# it must hold ACC_MAX_BODY_BYTES_IN_FLIGHT's bodies parsed (the server warns at start-up when it cannot).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=384 \
    ACC_HOST=0.0.0.0 \
    ACC_PORT=8080 \
    ACC_DATA_DIR=/var/lib/acc
# Without ACC_DATABASE_URL the server keeps an embedded database in ACC_DATA_DIR;
# /app is read-only for the runtime user, so that directory lives outside it.
RUN install -d -o node -g node /var/lib/acc
WORKDIR /app
# Workspace packages resolve through node_modules/@acc/* symlinks into packages/ and apps/,
# so those trees must keep their relative layout (their "default" export is dist/).
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/apps ./apps
# Files stay root-owned so the server process cannot modify its own code.
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ACC_PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/main.js"]
