# shellcheck shell=bash
# shellcheck disable=SC2034,SC2317 # globals read, and functions called as ${MODE}_*, by grade-submission
# Container mode: the submission's Dockerfile is built, and the image run with no arguments,
# untrusted, on a network of its own with the grader beside it:
#
#   network   `docker network create --internal` with no address on the host's side of the
#             bridge (com.docker.network.bridge.inhibit_ipv4): no route out, none to the host
#             (on an internal network the host still answers on the gateway address otherwise),
#             none to another submission's network
#   server    the submission: read-only root file system, a small /tmp, no capabilities,
#             no-new-privileges, CPU, memory (no swap) and process limits, an init that reaps,
#             a capped log; the site read-only at /srv/site, SITE_ROOT=/srv/site, PORT=8080
#   tester    the grader (scripts/Dockerfile's image), on the same network only, equally
#             hardened, writing its reports to the reports folder
#
# Every name holds the run's id (two runs, two checkouts never meet) and every object carries
# the label org.webserver-lab.grading; all are removed at the end, whatever happened.

readonly GRADING_LABEL=org.webserver-lab.grading
readonly SUBMISSION_HOST=submission # the server's name on its network
readonly VISIBILITY_IN_TESTER=/visibility.txt # where a teacher's --visibility file is mounted

container_names() {
  PREFIX=webserver-lab-grade-$RUN_ID
  SERVER=$PREFIX-server
  TESTER=$PREFIX-tester
  NETWORK=$PREFIX-net
  IMAGE=$PREFIX-server
  TARGET=$SUBMISSION_HOST:8080
  LABELS=(--label "$GRADING_LABEL=$RUN_ID")
  if [[ -z $TESTER_IMAGE ]]; then TESTER_IMAGE=$PREFIX-tester OWN_TESTER_IMAGE=1; fi
}

container_requirements() {
  command -v docker >/dev/null || cannot_grade "docker is not installed (or use --mode process)"
  docker info >/dev/null 2>&1 || cannot_grade "Docker is not running, or this user may not use it (or use --mode process)"
  container_names
}

# mount_of SOURCE TARGET [readonly]: a --mount value, the source quoted as CSV.
mount_of() {
  printf 'type=bind,"source=%s",target=%s%s' "${1//'"'/'""'}" "$2" "${3:+,readonly}"
}

# hardened: what both containers run with.
hardened() {
  printf '%s\n' --read-only --cap-drop ALL --security-opt no-new-privileges --init "${LABELS[@]}" \
    --network "$NETWORK"
}

container_prepare() {
  if [[ -n ${OWN_TESTER_IMAGE:-} ]]; then
    bounded "$GRADING_BUILD_LIMIT_S" "$REPORTS/grade.log" env DOCKER_BUILDKIT=1 docker build --quiet \
      "${LABELS[@]}" --tag "$TESTER_IMAGE" "$SCRIPTS" \
      || cannot_grade "the grader's image could not be built (scripts/Dockerfile; see grade.log)"
    : >"$REPORTS/grade.log" # it held the image's id
  fi
  if [[ ! -f $SUBMISSION/Dockerfile ]]; then
    : >"$REPORTS/build.log"
    outcome build-failed "The submission has no Dockerfile (container mode builds its Dockerfile)."
    return 1
  fi
  say "building $SUBMISSION_NAME (at most $(duration "$GRADING_BUILD_LIMIT_S"))"
  local status=0
  bounded "$GRADING_BUILD_LIMIT_S" "$REPORTS/build.log" env DOCKER_BUILDKIT=1 docker build --progress=plain \
    "${LABELS[@]}" --tag "$IMAGE" "$SUBMISSION" || status=$?
  keep_tail "$REPORTS/build.log" $((1024 * 1024))
  LOG_NAME=build.log
  case $status in
    0) return 0 ;;
    124 | 137) outcome build-failed "The build took longer than $(duration "$GRADING_BUILD_LIMIT_S") and was stopped." ;;
    *) outcome build-failed "The image did not build: docker build exited with status $status." ;;
  esac
  return 1
}

container_start() {
  local options
  docker network create --internal --opt com.docker.network.bridge.inhibit_ipv4=true "${LABELS[@]}" \
    "$NETWORK" >/dev/null 2>>"$REPORTS/grade.log" \
    || cannot_grade "no network could be made for the submission (see grade.log)"
  mapfile -t options < <(hardened)
  local error visibility=()
  [[ -z $VISIBILITY ]] || visibility=(--mount "$(mount_of "$VISIBILITY" "$VISIBILITY_IN_TESTER" readonly)")
  error=$(docker run --detach --name "$TESTER" "${options[@]}" --user "$(id -u):$(id -g)" \
    --tmpfs /tmp:rw,nosuid,nodev,size=256m --memory 512m --memory-swap 512m --pids-limit 256 --cpus 1 \
    --mount "$(mount_of "$SITE" /srv/site readonly)" --mount "$(mount_of "$REPORTS" /reports)" "${visibility[@]}" \
    --entrypoint sleep "$TESTER_IMAGE" infinity 2>&1 >/dev/null) \
    || { printf '%s\n' "$error" >>"$REPORTS/grade.log"; cannot_grade "the grader's container could not be started (see grade.log)"; }
  LOG_NAME=run.log
  : >"$REPORTS/run.log"
  # (Docker's warnings, such as a kernel without swap accounting, are not the server's log.)
  error=$(docker run --detach --name "$SERVER" "${options[@]}" --network-alias "$SUBMISSION_HOST" \
    --tmpfs "/tmp:rw,nosuid,nodev,size=${GRADING_TMP_MIB}m" \
    --cpus "$GRADING_CPUS" --memory "${GRADING_MEMORY_MIB}m" --memory-swap "${GRADING_MEMORY_MIB}m" \
    --pids-limit "$GRADING_PIDS" \
    --log-driver json-file --log-opt "max-size=${GRADING_RUN_LOG_MIB}m" --log-opt max-file=1 \
    --mount "$(mount_of "$SITE" /srv/site readonly)" --env SITE_ROOT=/srv/site --env PORT=8080 \
    "$IMAGE" 2>&1 >/dev/null) && return 0
  printf '%s\n' "$error" >"$REPORTS/run.log"
  outcome crashed "The image could not be started (docker run failed; see run.log)."
  return 1
}

container_alive() {
  [[ $(docker inspect --format '{{.State.Running}}' "$SERVER" 2>/dev/null) == true ]]
}

# container_exit: how the server ended, in words.
container_exit() {
  local code oom
  read -r code oom < <(docker inspect --format '{{.State.ExitCode}} {{.State.OOMKilled}}' "$SERVER" 2>/dev/null || printf '? false\n')
  if [[ $oom == true ]]; then
    printf 'it was stopped for using more than its %s MiB of memory\n' "$GRADING_MEMORY_MIB"
  else
    exit_in_words "$code"
  fi
}

container_listening() {
  docker exec "$TESTER" nc -z -w 1 "$SUBMISSION_HOST" 8080 >/dev/null 2>&1
}

container_grade_command() {
  local options
  mapfile -t options < <(grader_options "$VISIBILITY_IN_TESTER")
  GRADE_COMMAND=(docker exec "$TESTER" /lab/scripts/grade --target "$TARGET" --site /srv/site --reports /reports
    "${options[@]}")
}

# container_answer: a plain GET /, as answer_of reads it.
container_answer() {
  answer_of docker exec "$TESTER" curl
}

container_collect_logs() {
  docker logs "$SERVER" >>"$REPORTS/run.log" 2>&1 || true
  keep_tail "$REPORTS/run.log" $((GRADING_RUN_LOG_MIB * 1024 * 1024))
}

# container_cleanup: removes what this run made, by name and by label; never fails.
container_cleanup() {
  [[ -n ${PREFIX:-} ]] || return 0
  local ids
  ids=$(docker ps --all --quiet --filter "label=$GRADING_LABEL=$RUN_ID" 2>/dev/null || true)
  # shellcheck disable=SC2086 # one id a word
  docker rm --force "$SERVER" "$TESTER" $ids >/dev/null 2>&1 || true
  docker network rm "$NETWORK" >/dev/null 2>&1 || true
  docker image rm --force "$IMAGE" >/dev/null 2>&1 || true
  [[ -z ${OWN_TESTER_IMAGE:-} ]] || docker image rm --force "$TESTER_IMAGE" >/dev/null 2>&1 || true
}
