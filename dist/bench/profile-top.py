#!/usr/bin/env python3
"""Summarises async-profiler's collapsed stacks (one line per stack: frames outer;...;inner COUNT,
each stack starting with its thread when recorded with -t) as a short flame-graph-style text:
samples per thread, the hottest frames by self and by total (inclusive) samples, and the hottest
stacks cut to their innermost frames. In itimer mode the samples are CPU time, the kernel's
included: a system call shows as its libc entry (sendto, __recvfrom, __GI_fdatasync).

    profile-top.py STACKS.collapsed [TOP=15]
"""
import collections
import re
import sys

THREAD = re.compile(r"^\[(?P<name>.*?)(?: tid=\d+)?\]$")


def short(frame):
    """java/util/HashMap.get -> HashMap.get; native frames unchanged."""
    frame = frame.replace("/", ".")
    parts = frame.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else frame


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    threads, own, total, stacks = (collections.Counter() for _ in range(4))
    samples = 0
    for line in open(path):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = stack.split(";")
        m = THREAD.match(frames[0])
        thread = re.sub(r"[-#]\d+(-\d+)?$", "", m.group("name")) if m else "?"
        frames = frames[1:] if m else frames
        samples += n
        threads[thread] += n
        own[short(frames[-1])] += n
        for frame in {short(f) for f in frames}:
            total[frame] += n
        stacks["[%s] %s" % (thread, " <- ".join(short(f) for f in frames[-4:]))] += n
    if samples == 0:
        sys.exit("no samples in " + path)

    def show(title, counter):
        print("\n%s" % title)
        for key, n in counter.most_common(top):
            print("  %5.1f  %s" % (100.0 * n / samples, key))

    print("%d samples; by thread: %s" % (samples, ", ".join(
        "%s %.0f %%" % (t, 100.0 * n / samples) for t, n in threads.most_common(6))))
    show("self %  (where the CPU time was spent)", own)
    show("total %  (including what they call)", total)
    show("%  hottest stacks, innermost 4 frames (outer <- inner)", stacks)


if __name__ == "__main__":
    main()
