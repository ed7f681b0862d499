#!/usr/bin/env bash
# Runs Warren's benchmarks; `./warren bench ...` execs this. Builds warren-bench/target/warren-bench.jar
# first when it is missing or older than a pom.xml or a src/main file it is made from.
#
#   warren-bench/bench.sh [SCENARIO...] [--duration S] [--out FILE] [--help]
#   warren-bench/bench.sh 1 5 --duration 10 --out /tmp/bench.md
#   warren-bench/bench.sh jmh [JMH OPTIONS]     scenario 5 under JMH (InMemoryBenchmark), e.g.
#   warren-bench/bench.sh jmh -f 1 -wi 3 -i 5 -bm avgt -tu ns      for nanoseconds per event
#
# Scenario 7 (footprint) launches warren-cli/target/warren.jar; it is built first when missing.
#
#   BENCH_JAVA_OPTS    JVM options (default: a fixed 1 GB heap); e.g. add
#                      -XX:StartFlightRecording=filename=bench.jfr,settings=profile to profile
#   WARREN_BENCH_URI   the broker (default amqp://guest:guest@127.0.0.1:5672)
#   WARREN_NO_BUILD=1  never rebuild (the jar must exist)
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/.." && pwd)
jar=$here/target/warren-bench.jar

if [[ -x $root/.ci/find-jdk ]]; then
  jdk=$("$root/.ci/find-jdk") || exit 1
elif [[ -n ${JAVA_HOME:-} ]]; then
  jdk=$JAVA_HOME
else
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi

stale() {
  [[ -f $jar ]] || return 0
  [[ ${WARREN_NO_BUILD:-} == 1 ]] && return 1
  local newer
  newer=$(find "$root/pom.xml" "$root"/warren-{api,core,rabbitmq,server,outbox,bench}/pom.xml \
    "$root"/warren-{api,core,rabbitmq,server,outbox,bench}/src/main -type f -newer "$jar" -print -quit 2>/dev/null)
  [[ -n $newer ]]
}

build() {
  stale || return 0 # another run built it while this one waited for the lock
  command -v mvn >/dev/null || { echo "bench: Maven (mvn) is needed to build the benchmark" >&2; exit 1; }
  echo "bench: building $jar" >&2
  local maven_opts=${MAVEN_OPTS:-}
  # why: Maven's own Guava warns about sun.misc.Unsafe on JDK 24+; that is noise, not our build
  if "$jdk/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
    maven_opts="$maven_opts --sun-misc-unsafe-memory-access=allow"
  fi
  export JAVA_HOME=$jdk MAVEN_OPTS=$maven_opts
  if grep -q '<module>warren-bench</module>' "$root/pom.xml"; then
    (cd "$root" && mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true -pl warren-bench -am package) >&2
  else
    # why: until warren-bench is listed in the root pom, it takes the other modules from ~/.m2
    (cd "$root" && mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true \
      -pl warren-api,warren-core,warren-rabbitmq,warren-server install) >&2
    mvn -B -q -ntp -Dstyle.color=never -Dmaven.test.skip=true -f "$here/pom.xml" package >&2
  fi
}

if stale; then
  mkdir -p "$root/target"
  (
    # why: two first runs at once must not build into the same directories together
    if command -v flock >/dev/null; then
      exec 9>"$root/target/warren-bench-build.lock"
      flock 9
    fi
    build
  ) || { echo "bench: the build failed (output above)" >&2; exit 1; }
fi

commit=unknown
if command -v git >/dev/null && git -C "$root" rev-parse --short HEAD >/dev/null 2>&1; then
  commit=$(git -C "$root" rev-parse --short HEAD)
  # why: the report names what was measured; uncommitted changes (outside docs/) make it "dirty"
  if [[ -n $(git -C "$root" status --porcelain -- . ':!docs' 2>/dev/null) ]]; then
    commit="$commit+dirty"
  fi
fi

# why: JMH has its own command line and runner; the benchmarks are in the same jar
if [[ ${1:-} == jmh ]]; then
  shift
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  exec "$jdk/bin/java" ${BENCH_JAVA_OPTS:-} -cp "$jar" org.openjdk.jmh.Main "$@"
fi

# why: scenario 7 launches `warren server` from the CLI's jar with its class-data archive; the
# launcher brings both up to date (a no-op when they are), so the footprint is of this checkout
footprint=0 scenarios=0 skip=0
for a in "$@"; do
  if ((skip)); then skip=0; continue; fi
  case $a in
    -h | --help | -V | --version | --server-jar | --server-jar=*) footprint=0 scenarios=1; break ;;
    --*=*) ;;
    --*) skip=1 ;;
    all | 7 | footprint) footprint=1 scenarios=1 ;;
    *) scenarios=1 ;;
  esac
done
if ((footprint || !scenarios)) && [[ -x $root/warren ]]; then
  "$root/warren" --version >/dev/null || { echo "bench: building the CLI failed" >&2; exit 1; }
  # why: the server's own start-up cache is trained by the launcher the first time `server` starts
  # after a build; start one (on the embedded transport) so the footprint measures a trained start
  out=$(mktemp)
  env WARREN_TRANSPORT=memory "$root/warren" server --port 0 >"$out" 2>&1 &
  server=$!
  for ((i = 0; i < 1200; i++)); do
    grep -q 'listening on' "$out" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f "$out"
fi

# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
exec "$jdk/bin/java" ${BENCH_JAVA_OPTS:--Xms1g -Xmx1g} -Dwarren.bench.commit="$commit" \
  -Dwarren.bench.root="$root" -jar "$jar" "$@"
