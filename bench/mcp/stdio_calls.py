#!/usr/bin/env python3
"""MCP gateway over stdio: start-up, call latency, and the process's size before and after a load of calls.

Usage: bench/mcp/stdio_calls.py [JAR] [CALLS]   (defaults: bootstrap/target/docker-agent.jar, 200)

Runs `java -jar JAR mcp --agent-id bench-mcp` as an assistant would, initializes, then sends CALLS tool calls one at
a time (container_list, engine_info, session_list in turn) and CALLS more 20 at a time, and prints the start-up time,
the latency percentiles, and the server's threads and resident memory (from /proc) before and after. No object is
created; the engine is only read.
"""
import json
import os
import statistics
import subprocess
import sys
import time

JAR = sys.argv[1] if len(sys.argv) > 1 else "bootstrap/target/docker-agent.jar"
CALLS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
JAVA = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
TOOLS = ["container_list", "engine_info", "session_list"]


def usage(pid):
    threads = len(os.listdir(f"/proc/{pid}/task"))
    with open(f"/proc/{pid}/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return threads, rss // 1024


def main():
    started = time.monotonic()
    server = subprocess.Popen([JAVA, "-jar", JAR, "mcp", "--agent-id", "bench-mcp"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    next_id = [0]

    def send(method, params=None, notify=False):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if not notify:
            next_id[0] += 1
            message["id"] = next_id[0]
        server.stdin.write(json.dumps(message) + "\n")
        server.stdin.flush()
        return None if notify else next_id[0]

    def answer():
        line = server.stdout.readline()
        if not line:
            raise SystemExit("the gateway ended")
        return json.loads(line)

    send("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                        "clientInfo": {"name": "bench", "version": "1"}})
    answer()
    startup = time.monotonic() - started
    send("notifications/initialized", notify=True)
    before = usage(server.pid)

    sequential = []
    for i in range(CALLS):
        t = time.monotonic()
        send("tools/call", {"name": TOOLS[i % len(TOOLS)], "arguments": {}})
        reply = answer()
        assert "result" in reply and not reply["result"]["isError"], reply
        sequential.append((time.monotonic() - t) * 1000)

    concurrent_start = time.monotonic()
    for burst in range(0, CALLS, 20):
        for i in range(20):
            send("tools/call", {"name": TOOLS[i % len(TOOLS)], "arguments": {}})
        for _ in range(20):
            reply = answer()
            assert "result" in reply and not reply["result"]["isError"], reply
    concurrent = time.monotonic() - concurrent_start
    after = usage(server.pid)

    server.stdin.close()
    code = server.wait(timeout=60)
    q = statistics.quantiles(sequential, n=100)
    print(f"start-up to initialize answer: {startup * 1000:.0f} ms")
    print(f"{CALLS} sequential calls: p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, max {max(sequential):.1f} ms")
    print(f"{CALLS} calls 20 at a time: {concurrent:.2f} s ({CALLS / concurrent:.0f} calls/s)")
    print(f"server threads / RSS before: {before[0]} / {before[1]} MiB; after: {after[0]} / {after[1]} MiB")
    print(f"exit code after stdin closed: {code}")


if __name__ == "__main__":
    main()
