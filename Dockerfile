# syntax=docker/dockerfile:1
# One image for the API, the worker and the migrate job; the command picks the process.
#   docker build -t notify-email .
#   docker run notify-email                      # API (default)
#   docker run notify-email worker               # a worker
#   docker run notify-email migrate              # database migrations

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY packages/core/package.json packages/core/
COPY packages/adapter-postgres/package.json packages/adapter-postgres/
COPY packages/adapter-amqp/package.json packages/adapter-amqp/
COPY packages/adapter-smtp/package.json packages/adapter-smtp/
COPY packages/adapter-redis/package.json packages/adapter-redis/
COPY packages/adapter-http/package.json packages/adapter-http/
COPY packages/host-koa/package.json packages/host-koa/
COPY packages/host-worker/package.json packages/host-worker/
COPY packages/service/package.json packages/service/
RUN pnpm install --frozen-lockfile --filter "./packages/**"
COPY tsconfig.base.json tsup.base.ts ./
COPY packages packages
RUN pnpm build \
 && pnpm deploy --filter @notify/service --prod --legacy /out/service

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=8000
WORKDIR /app
COPY --from=build --chown=node:node /out/service /app
COPY --chown=node:node deploy/entrypoint.sh /app/entrypoint.sh
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/app/entrypoint.sh"]
CMD ["api"]
