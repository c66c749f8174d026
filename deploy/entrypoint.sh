#!/bin/sh
# Picks the process to run in the one image: api (default), worker, migrate or serve (embedded).
set -e
cmd=${1:-api}
[ $# -gt 0 ] && shift
case "$cmd" in
  api) exec node dist/bin/api.js "$@" ;;
  serve) exec node dist/bin/serve.js "$@" ;;
  worker) exec node node_modules/@notify/host-worker/dist/bin/worker.js "$@" ;;
  migrate) exec node node_modules/@notify/adapter-postgres/dist/bin/migrate.js "$@" ;;
  *) exec "$cmd" "$@" ;;
esac
