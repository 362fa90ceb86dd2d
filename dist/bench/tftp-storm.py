#!/usr/bin/env python3
"""Reboot-storm load generator for TFTP: N modems fetch cm-<mac>.cfg at most C at a time.

Each of C simulated modems has its own UDP port and fetches one file after another on it: RRQ
with blksize and tsize; OACK -> ACK 0; DATA blocks -> ACK
each; done on the short block. The RRQ (or last ACK) is sent again after --timeout, at most
--retries times, then the transfer counts as failed. Prints one JSON line: transfers/s, latency
percentiles, failures. Loopback only: the host must be in 127.0.0.0/8.

  tftp-storm.py --port 16969 --count 10000 --concurrency 200 [--blksize 1428] [--save DIR]
"""
import argparse
import asyncio
import ipaddress
import json
import os
import struct
import sys
import time


def mac_of(i):
    return "0010%08x" % i


class Modem(asyncio.DatagramProtocol):
    """One client port, reused for one transfer after another (a modem that reboots again)."""

    def __init__(self, args):
        self.args = args
        self.done = None
        self.handle = None

    def connection_made(self, transport):
        self.transport = transport

    def fetch(self, name):
        self.done = asyncio.get_running_loop().create_future()
        self.name, self.data, self.tid, self.tries, self.expected = name, bytearray(), None, 0, 1
        rrq = b"\0\1%s\0octet\0blksize\0%d\0tsize\0000\0" % (name.encode(), self.args.blksize)
        self.send(rrq, (self.args.host, self.args.port))
        return self.done

    def send(self, packet, to):
        self.last = (packet, to)
        self.transport.sendto(packet, to)
        if self.handle:
            self.handle.cancel()
        self.handle = asyncio.get_running_loop().call_later(self.args.timeout, self.retry)

    def retry(self):
        self.tries += 1
        if self.tries > self.args.retries:
            self.finish(False)
        else:
            self.send(*self.last)

    def finish(self, ok):
        if self.handle:
            self.handle.cancel()
            self.handle = None
        if not self.done.done():
            self.done.set_result(ok)

    def datagram_received(self, packet, addr):
        if self.done is None or self.done.done() or len(packet) < 4:
            return
        if self.tid is None:
            self.tid = addr
        elif addr != self.tid:
            return
        op = packet[1]
        if op == 6:  # OACK
            self.tries = 0
            self.send(b"\0\4\0\0", addr)
        elif op == 3:  # DATA
            block = (packet[2] << 8) | packet[3]
            if block == (self.expected & 0xFFFF):
                self.data += packet[4:]
                self.expected += 1
                self.tries = 0
            ack = b"\0\4" + packet[2:4]
            if block == ((self.expected - 1) & 0xFFFF) and len(packet) - 4 < self.args.blksize:
                self.transport.sendto(ack, addr)
                self.finish(True)
            else:
                self.send(ack, addr)
        elif op == 5:  # ERROR
            self.finish(False)

    def error_received(self, exc):
        pass


async def main(args):
    loop = asyncio.get_running_loop()
    latencies, failures = [], []
    queue = iter(range(args.count))

    async def worker():
        transport, modem = await loop.create_datagram_endpoint(
            lambda: Modem(args), local_addr=("127.0.0.1", 0))
        try:
            for i in queue:
                name = args.pattern.replace("{mac}", mac_of(i))
                start = time.perf_counter()
                if await modem.fetch(name):
                    latencies.append(time.perf_counter() - start)
                    if args.save:
                        with open(os.path.join(args.save, name), "wb") as f:
                            f.write(modem.data)
                else:
                    failures.append(name)
        finally:
            transport.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 2) if latencies else None

    print(json.dumps({
        "label": args.label, "transfers": len(latencies), "failed": len(failures),
        "seconds": round(elapsed, 2), "per_second": round(len(latencies) / elapsed),
        "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1.0),
    }))


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--concurrency", type=int, default=200)
    p.add_argument("--blksize", type=int, default=1428)
    p.add_argument("--timeout", type=float, default=1.0)
    p.add_argument("--retries", type=int, default=5)
    p.add_argument("--pattern", default="cm-{mac}.cfg")
    p.add_argument("--save", help="write each file received into this directory")
    p.add_argument("--label", default="")
    a = p.parse_args()
    if not ipaddress.ip_address(a.host).is_loopback:
        sys.exit("loopback only: the host must be in 127.0.0.0/8")
    if a.count > 1_000_000 or a.concurrency > 5000:
        sys.exit("bounded: at most 1,000,000 transfers and 5,000 at once")
    asyncio.run(main(a))
