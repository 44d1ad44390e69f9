# shellcheck shell=bash disable=SC2034 # (globals used by the files that source this one)
# What the kernel knows about a server: its processes, the CPU time they used and their
# memory, all read from /proc. A server may be several processes (nginx: master + worker),
# so every figure is summed over the server's whole process tree.

CLK_TCK=$(getconf CLK_TCK)

# Prints PID and the PIDs of all its descendants, one per line.
process_tree() {
  local root=$1 stat_file stat pid ppid
  local -a tree=("$root")
  local -A parent_of=()
  for stat_file in /proc/[0-9]*/stat; do
    # `read` rather than $(<file): no subshell per process, and a process that has just
    # ended (its file gone) is simply skipped.
    read -r stat 2>/dev/null <"$stat_file" || continue
    pid=${stat%% *}
    # The command name sits in parentheses and may hold spaces: read after the last ')'.
    read -r _ ppid _ <<<"${stat##*) }"
    parent_of[$pid]=$ppid
  done
  local index=0
  while ((index < ${#tree[@]})); do
    for pid in "${!parent_of[@]}"; do
      [[ ${parent_of[$pid]} == "${tree[index]}" ]] && tree+=("$pid")
    done
    index=$((index + 1))
  done
  printf '%s\n' "${tree[@]}"
}

# CPU time (user + system, in clock ticks) used so far by a process tree.
cpu_ticks_of_tree() {
  local pid total=0 stat
  local -a fields
  for pid in $(process_tree "$1"); do
    read -r stat 2>/dev/null <"/proc/$pid/stat" || continue
    read -r -a fields <<<"${stat##*) }"
    # After the ')' field 3 (state) comes first, so utime (14) and stime (15) are 11 and 12.
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# CPU time (in clock ticks) the whole machine has spent busy, on all its CPUs: user,
# nice, system, irq, softirq and steal (time the hypervisor gave to another machine), from
# the first line of /proc/stat. irq and softirq belong in it: without IRQ time accounting
# (CONFIG_IRQ_TIME_ACCOUNTING) the kernel counts a tick spent in softirq both there and in
# the stime of the process it interrupted — often the server or wrk. Around a run, this
# minus the server's and wrk's time is what everything else took: the idle-connection
# holder, network work done outside their context, and any other job running.
machine_busy_ticks() {
  local user nice system irq softirq steal
  read -r _ user nice system _ _ irq softirq steal _ </proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}

# Measures, for one second before the benchmark starts, how busy the machine already is
# (percent of one CPU), and warns when another job would disturb the figures.
check_machine_is_quiet() {
  local before after
  before=$(machine_busy_ticks)
  sleep 1
  after=$(machine_busy_ticks)
  BUSY_BEFORE_PERCENT=$(((after - before) * 100 / CLK_TCK))
  if ((BUSY_BEFORE_PERCENT >= 30)); then
    warn "the machine is already busy (${BUSY_BEFORE_PERCENT}% of a CPU before we start):" \
      "the figures will be disturbed (see the other CPU % column)"
  fi
}

# Sums one memory line of /proc/PID/status (VmRSS now, VmHWM peak) over a tree, in KiB.
memory_kib_of_tree() {
  local root=$1 field=$2 pid total=0 value
  for pid in $(process_tree "$root"); do
    value=$(awk -v field="$field:" '$1 == field { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

# Sets CHILDREN_CPU_MS to the CPU time, in milliseconds, used by all the children this
# shell has waited for (bash's `times`). The difference around a wrk call is wrk's CPU
# time: it tells whether the load generator itself was the bottleneck.
# It sets a variable rather than printing because it must not run in a $(...) subshell:
# a forked child starts with its children's times at zero.
measure_children_cpu_ms() {
  local scratch=$WORK_DIR/times.txt user system
  times >"$scratch"
  { read -r _ && read -r user system; } <"$scratch"
  CHILDREN_CPU_MS=$(($(to_ms "$user") + $(to_ms "$system")))
}

# Converts bash's `times` format (e.g. 1m2.345s) to milliseconds.
to_ms() {
  local minutes=${1%%m*} seconds=${1#*m}
  seconds=${seconds%s}
  local whole=${seconds%.*} fraction=${seconds#*.}
  echo $(((10#$minutes * 60 + 10#$whole) * 1000 + 10#${fraction:0:3}))
}
