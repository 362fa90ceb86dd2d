#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples as a short flame-graph-style text: samples per thread,
the hottest frames by self and by total (inclusive) samples, and the hottest stacks cut at a few
frames. jdk.ExecutionSample is where threads ran Java code; jdk.NativeMethodSample where they sat in
native code (system calls such as fsync, recvfrom, epoll_wait), reported apart.

    jfr-top.py RECORDING.jfr [TOP=15]
"""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+(?P<method>[\w$.<>/]+)\((?P<args>[^)]*)\)\s+line:")


def samples(recording, event):
    """Yields (thread, [frames, innermost first]) for every event of this type."""
    text = subprocess.run(
        ["jfr", "print", "--events", event, recording],
        check=True, capture_output=True, text=True).stdout
    for block in text.split(event + " {")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = [m.group("method") for line in block.splitlines() if (m := FRAME.match(line))]
        if frames:
            yield (thread.group(1) if thread else "?"), frames


def short(method):
    parts = method.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else method


def report(title, events, top):
    total = len(events)
    print(f"\n### {title}: {total} samples")
    if not total:
        return
    threads = collections.Counter(t for t, _ in events)
    print("by thread: " + ", ".join(f"{t} {100 * n / total:.0f} %" for t, n in threads.most_common(6)))
    self_ = collections.Counter(frames[0] for _, frames in events)
    inclusive = collections.Counter()
    for _, frames in events:
        inclusive.update(set(frames))
    print(f"\n{'self %':>7}  top frames (where the samples were)")
    for method, n in self_.most_common(top):
        print(f"{100 * n / total:7.1f}  {method}")
    print(f"\n{'total %':>7}  top methods including what they call")
    for method, n in inclusive.most_common(top):
        print(f"{100 * n / total:7.1f}  {method}")
    print(f"\n{'%':>7}  hottest stacks, innermost 4 frames (outer <- inner)")
    stacks = collections.Counter(
        (thread, " <- ".join(short(f) for f in reversed(frames[:4]))) for thread, frames in events)
    for (thread, stack), n in stacks.most_common(top):
        print(f"{100 * n / total:7.1f}  [{thread}] {stack}")


def main():
    recording = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    report("Java code (jdk.ExecutionSample)", list(samples(recording, "jdk.ExecutionSample")), top)
    report("native code (jdk.NativeMethodSample)",
           list(samples(recording, "jdk.NativeMethodSample")), min(top, 8))


if __name__ == "__main__":
    main()
