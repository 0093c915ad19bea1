#!/bin/sh
# Dev check: loads nano-zoo model folders through the engine's Java classes (ConfigLoader, CheckpointLayout,
# PlmTokenizer/DJL, ReferenceForward) and compares with each folder's parity fixture. Compiles only the engine
# classes it needs with javac (no Maven run); needs the engine's dependencies in ~/.m2 (run a Maven build once).
#   experiments/recipes/nano/verify_with_engine.sh [model dir ...]     (default: datasets/models/*nano*)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
M2="${M2_REPO:-$HOME/.m2/repository}"
jar() { ls "$M2"/$1/*.jar 2>/dev/null | grep -v -e sources -e javadoc | sort -V | tail -1; }
CP=""
for d in com/fasterxml/jackson/core/jackson-databind/2.17.2 com/fasterxml/jackson/core/jackson-core/2.17.2 \
         com/fasterxml/jackson/core/jackson-annotations/2.17.2 ai/djl/api/0.38.0 ai/djl/huggingface/tokenizers/0.38.0 \
         'com/google/code/gson/gson/*' 'org/slf4j/slf4j-api/*' 'net/java/dev/jna/jna/*' \
         'org/apache/commons/commons-compress/*'; do
    j=$(jar "$d"); [ -n "$j" ] || { echo "missing $d in $M2 (build the engine with Maven once)"; exit 2; }
    CP="$CP:$j"
done
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
javac -nowarn -d "$OUT" -cp "$CP" -sourcepath "$REPO/engine/src/main/java" "$HERE/java/NanoZooCheck.java"
[ $# -gt 0 ] || set -- "$REPO"/datasets/models/*nano*
java -DENGINE_CACHE_DIR="$OUT/djl" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$OUT$CP" NanoZooCheck "$@"
