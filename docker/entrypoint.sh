#!/bin/sh
# Runs one Spate app from the image: spate (all-in-one), gateway or shard-broker.
set -e
app="${1:-spate}"
case "$app" in
  spate|gateway|shard-broker) exec node "/app/dist/apps/$app/apps/$app/src/main.js" ;;
  *) echo "unknown app '$app': expected spate, gateway or shard-broker" >&2; exit 2 ;;
esac
