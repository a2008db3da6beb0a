# Healthy for HEALTHY_SECONDS after each start (/tmp/ok exists), then unhealthy (/tmp/ok removed) while it keeps
# running. The sleeps run in the background so the TERM trap fires at once and `docker restart` is quick.
trap 'exit 0' TERM
touch /tmp/ok
echo "sidecar-unhealthy: healthy for ${HEALTHY_SECONDS}s"
sleep "${HEALTHY_SECONDS}" &
wait $!
rm -f /tmp/ok
echo "sidecar-unhealthy: removed /tmp/ok, the health check fails from now on"
sleep 1000000 &
wait $!
