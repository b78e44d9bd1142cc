#!/usr/bin/env bash
# The benchmarks: ratios of our programs to the reference tools, run side by side on this machine.
#
# Usage: bench/run.sh [--quick | --full] [--no-build] [--jfr] [--only LIST] [--operator-scales LIST]
#                     [--broker-config KEY=VALUE] [--operator-java-options 'OPTIONS']
#                     [--part-java-options 'OPTIONS'] [--part-environment KEY=VALUE,...] [--results DIR] [--help]
#
#   bench/run.sh --quick            # about 10 minutes (after the first build): gRPC, pipeline, operator at N=10,100,
#                                   # one demo's footprint
#   bench/run.sh --full             # longer runs, 3 gRPC repetitions, the operator at N=10,100,500
#   bench/run.sh --quick --only grpc,pipeline
#   bench/run.sh --quick --only footprint   # one demo's parts, started as their pods start them, for 60 s
#   bench/run.sh --quick --only footprint --part-java-options '-XX:+UseSerialGC -Xss256k' \
#       --part-environment MALLOC_ARENA_MAX=1   # an experiment: the parts again with these, beside the images' own
#   bench/run.sh --full --jfr       # also record JFR profiles of the measured processes (bench/target/run-*/jfr)
#   bench/run.sh --no-build ...     # use the jars already built
#   bench/run.sh --quick --only operator --operator-scales 500 --jfr   # one scale, profiled (+ heap histogram)
#   bench/run.sh --quick --only pipeline --broker-config group.coordinator.append.linger.ms=0   # an experiment
#   bench/run.sh --quick --only operator --operator-java-options '-Xmx256m -XX:+UseSerialGC'   # another (default:
#                                   # the operator runs with the chart's JVM options, values.yaml heap and jvmOptions)
#
# Writes bench/results/<date>-<mode>.json and .md and prints the ratios last. See docs/benchmarks.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=quick
build=true
args=()
usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --no-build) build=false ;;
    --jfr) args+=(--jfr) ;;
    --only|--operator-scales|--broker-config|--operator-java-options|--part-java-options|--part-environment|--results)
      [[ $# -ge 2 && -n "$2" ]] || { echo "bench/run.sh: $1 needs a value (try --help)" >&2; exit 2; }
      args+=("$1" "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

cd "$repo"
for tool in java taskset; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is required" >&2; exit 1; }
done
if [[ "$(nproc)" -lt 2 ]]; then
  echo "bench/run.sh: the gRPC benchmark pins the server and the load generator to one core each: it needs 2 cores" >&2
  exit 1
fi

# ghz, the gRPC load generator, from the Go module proxy (pinned).
GHZ_VERSION=v0.120.0
ghz="$(command -v ghz || true)"
if [[ -z "$ghz" ]]; then
  gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
  if [[ -x "$gobin/ghz" ]]; then
    ghz="$gobin/ghz"
  elif command -v go >/dev/null; then
    echo "bench: installing ghz $GHZ_VERSION with go install (about a minute and a half)" >&2
    GOFLAGS=-buildvcs=false go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION"
    ghz="$gobin/ghz"
  else
    echo "bench/run.sh: ghz is needed for the gRPC benchmark: install Go, or put ghz on the PATH" >&2
    exit 1
  fi
fi

# The programs under test and the bench module (its class path in bench/target/lib). -Pbench adds the module to the
# reactor; the build skips the tests and the container images.
if $build; then
  echo "bench: building (./mvnw -q -Pbench -pl bench -am package -DskipTests -Dimages=none)" >&2
  ./mvnw -q -Pbench -pl bench -am package -DskipTests -Dimages=none
fi
for jar in greeter-image/target/greeter.jar notifier-image/target/notifier.jar bench/target/bench-*.jar; do
  [[ -f $jar ]] || { echo "bench/run.sh: $jar is missing: run without --no-build" >&2; exit 1; }
done

# Copies of the jars, so that other builds of the modules during the run change nothing under it.
stamp="$(date +%Y-%m-%d-%H%M%S)"
work="$repo/bench/target/run-$stamp"
mkdir -p "$work/jars"
cp greeter-image/target/greeter.jar notifier-image/target/notifier.jar "$work/jars/"
cp -r bench/target/lib "$work/lib"
cp bench/target/bench-*.jar "$work/lib/"
cp="$(printf '%s:' "$work"/lib/*.jar)"

exec java -Xmx1g -Dlogback.configurationFile=bench-logback.xml -cp "$cp" dev.interactiondemo.bench.BenchMain --mode "$mode" --repo "$repo" --work "$work" \
  --greeter-jar "$work/jars/greeter.jar" --notifier-jar "$work/jars/notifier.jar" --ghz "$ghz" "${args[@]}"
