#!/bin/bash
# usage: startup.sh PORT  -- prints ms from JVM launch to first 200 on /health/ready
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
PORT=${1:-18080}
CP=/tmp/perf:$(cat /tmp/perf/cp)
t0=$(date +%s%N)
$JAVA_HOME/bin/java $JAVA_OPTS -cp "$CP" Start $PORT > /tmp/perf/server-$PORT.log 2>&1 &
PID=$!
until curl -sf -o /dev/null http://127.0.0.1:$PORT/health/ready; do sleep 0.005; done
t1=$(date +%s%N)
echo "ready_ms=$(( (t1 - t0) / 1000000 )) pid=$PID"
echo $PID > /tmp/perf/pid-$PORT
