#!/bin/sh
# Picks the process to run in the one image (the deployed @notify/service): api (default), worker,
# migrate, serve (embedded) or dead-letters.
set -e
cmd=${1:-api}
[ $# -gt 0 ] && shift
case "$cmd" in
  api) exec node dist/bin/api.js "$@" ;;
  serve) exec node dist/bin/serve.js "$@" ;;
  worker) exec node dist/bin/worker.js "$@" ;;
  migrate) exec node dist/bin/migrate.js "$@" ;;
  dead-letters) exec node dist/bin/dead-letters.js "$@" ;;
  *) exec "$cmd" "$@" ;;
esac
