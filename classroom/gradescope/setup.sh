#!/usr/bin/env bash
# setup.sh: Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs what the grader runs (bash, coreutils, curl, OpenBSD netcat, setsid from
# util-linux) and what the students' servers need to run: python3 for the starter. Add your
# students' languages here (nodejs, openjdk-21-jre-headless, golang...).
set -Eeuo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bash coreutils curl netcat-openbsd util-linux python3
