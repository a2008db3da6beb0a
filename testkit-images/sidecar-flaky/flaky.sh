# Crashes (exit 1) on its first CRASHES starts, then stays up. The start count lives in the container's own
# filesystem (/tmp/starts), which survives `docker restart`.
trap 'exit 0' TERM
n=$(cat /tmp/starts 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > /tmp/starts
if [ "$n" -le "${CRASHES}" ]; then
  echo "sidecar-flaky: start $n of ${CRASHES} crashing ones, exiting with code 1" >&2
  exit 1
fi
echo "sidecar-flaky: start $n, staying up"
sleep 1000000 &
wait $!
