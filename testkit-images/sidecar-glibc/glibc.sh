# What the dynamic loader prints when a binary needs a newer glibc than the image has, then the exit code it uses.
# Docker's State.Error stays empty in this case: only the container's log shows the cause.
echo "/usr/local/bin/compose-agent: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.39' not found (required by /usr/local/bin/compose-agent)" >&2
exit 1
