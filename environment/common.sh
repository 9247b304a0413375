# Shared by environment/setup, lab, test and render. Sourced, not run.
# shellcheck shell=bash

DDLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DDLAB_ROOT
DDLAB_STATE="$DDLAB_ROOT/environment/.state"

# Jupyter comes from Debian's packages; the python3 first on PATH may be another interpreter
# (pyenv, conda) that lacks them. Binder sets DDLAB_PYTHON to its own.
DDLAB_PYTHON="${DDLAB_PYTHON:-/usr/bin/python3}"
export DDLAB_PYTHON

say() { printf '\033[1m[ddlab]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[ddlab] error:\033[0m %s\n' "$*" >&2; exit 1; }

java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

# Finds a JDK >= 21 (JAVA_HOME first, then /usr/lib/jvm, newest first) and exports JAVA_HOME.
find_jdk() {
  local candidates=() c v
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v="$(java_major "$c/bin/java")"
    if [[ -n "$v" && "$v" -ge 21 ]]; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  die "ddlab needs a JDK 21 or newer (javac included); looked at JAVA_HOME='${JAVA_HOME:-}' and /usr/lib/jvm/*.
  Install one (e.g. 'apt-get install openjdk-21-jdk-headless' where your distribution has it, or Temurin 21+)
  and set JAVA_HOME to it."
}

# Maven under JDK 23+ prints a sun.misc.Unsafe warning from its own Guava: harmless, and noise.
mvn_quiet_jdk() {
  local v; v="$(java_major "$JAVA_HOME/bin/java")"
  if [[ "$v" -ge 24 ]]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
}

kernel_classpath() {
  echo "$DDLAB_ROOT/kernel/target/ddlab-kernel.jar:$DDLAB_ROOT/kernel/target/lib/*"
}

# evaluate_once JSONL NAME SET FIELDS [evaluate flags]: for the measurement scripts. Scores SET with the caller's
# `ddlab` function once (the marker SET-without-.npz.NAME.done records it, so a second invocation skips it) and
# appends {"set", "evaluation": NAME, FIELDS (JSON members), "test": evaluate's JSON} to JSONL.
evaluate_once() {
  local jsonl="$1" name="$2" set="$3" fields="$4"
  shift 4
  local marker="${set%.npz}.$name.done" result
  [[ -f "$marker" ]] && return 0
  result=$(ddlab evaluate --set "$set" --json "$@")
  echo "{\"set\": \"$set\", \"evaluation\": \"$name\", $fields, \"test\": $result}" | tee -a "$jsonl"
  touch "$marker"
}
