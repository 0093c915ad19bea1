#!/bin/sh
# Builds the nano model zoo from scratch on a 2-core Debian 12 machine:
#   Debian packages -> KJV corpus -> byte-level BPE -> plm-nano, plm-nano-cosine, llama-nano in datasets/models/.
#
#   experiments/recipes/nano/make_nano_zoo.sh            # full run (about 3 x 30 min on 2 cores, see README)
#   experiments/recipes/nano/make_nano_zoo.sh --smoke    # tiny models, 20 steps, corpus slice, temp dir, seconds
#   ... --out DIR        write somewhere else;   --only plm-nano llama-nano   train a subset
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3   # Debian's interpreter: python3-torch lives there, not in other pythons on PATH

need=""
$PY -c "import torch, numpy" 2>/dev/null || need="$need python3-torch"
[ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || need="$need libopenblas0-pthread"
[ -e /usr/lib/bible.data ] || need="$need bible-kjv-text"
command -v bible >/dev/null 2>&1 || need="$need bible-kjv"
if [ -n "$need" ]; then
    echo "installing Debian packages:$need"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get install -y $need || { $SUDO apt-get update && $SUDO apt-get install -y $need; }
fi

# OpenBLAS runs the matmuls on both cores; torch's own OpenMP pool stays at 1 thread (zoo.py), which measured
# ~1.7x faster than 2+2 threads (oversubscription) on this 2-core machine.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-2}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
$PY "$HERE/check_fixture.py"
exec $PY "$HERE/zoo.py" "$@"
