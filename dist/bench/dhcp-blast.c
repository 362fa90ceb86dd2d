/* A lean DHCPv4 load generator: perfdhcp's 4-way exchange (DISCOVER, OFFER, REQUEST, ACK) as a
 * relay agent, at a fixed rate, for a fixed time, at a fraction of perfdhcp's CPU. perfdhcp takes
 * 1.3 of this machine's 2 cores at 15,000 exchanges/s (its sender spins), so a server measured
 * with it gets what is left; this one batches its system calls (sendmmsg, recvmmsg), keeps each
 * exchange in an array slot found by its transaction id, and parses only what it must (the
 * message type, yiaddr, the server identifier), leaving the server most of the machine.
 *
 *   gcc -O2 -o /tmp/dhcp-blast dhcp-blast.c
 *   /tmp/dhcp-blast SERVER RELAY RATE SECONDS [CLIENTS, default 1000000]
 *
 * It binds RELAY:67 (the server answers to giaddr:67, as to a CMTS), sends RATE DISCOVERs a second
 * for SECONDS (due ones leave together every TICK_US), answers each OFFER with a REQUEST for the
 * offered address at once, and waits GRACE_S after the last DISCOVER for late replies. Each
 * DISCOVER comes from one of CLIENTS hardware addresses drawn at random, as perfdhcp -R draws them.
 * Prints one row in ../shared/bench/dhcp-rate.sh's format:
 *   offered achieved drop-DO% drop-RA% avg-ms max-ms
 * achieved = ACKs per second of sending; drop-DO% = DISCOVERs never offered, drop-RA% = REQUESTs
 * never acknowledged (perfdhcp's two drop ratios); avg and max = REQUEST-to-ACK delay. On stderr:
 * the generator's own CPU time per 1,000 exchanges. Loopback (or the caller's namespace) only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PACKET 600
#define TICK_US 250
#define GRACE_S 2
#define DHCP_PORT 67

enum stage { FREE, DISCOVERED, REQUESTED, ACKED };

struct exchange {
  uint8_t stage;
  uint32_t client;
  uint64_t sent_ns; /* of the DISCOVER, then of the REQUEST */
};

static int sock;
static struct sockaddr_in server, relay;
static struct exchange *exchanges;
static uint32_t xid_base, total;

/* Datagrams waiting for the next sendmmsg. */
static struct mmsghdr out[BATCH];
static struct iovec out_iov[BATCH];
static unsigned char out_buf[BATCH][PACKET];
static int out_count;
static uint64_t send_failures;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next_random(void) { /* xorshift64* */
  rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
  return (uint32_t)((rng * 0x2545f4914f6cdd1du) >> 32);
}

static void flush(void) {
  int sent = 0;
  while (sent < out_count) {
    int n = sendmmsg(sock, out + sent, out_count - sent, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      send_failures += out_count - sent; /* counted as drops: their replies never come */
      break;
    }
    sent += n;
  }
  out_count = 0;
}

/* A relayed BOOTREQUEST of TYPE for exchange SEQ; REQUESTED and SERVER_ID only for a REQUEST. */
static void queue_request(uint32_t seq, int type, const unsigned char *requested,
                          const unsigned char *server_id) {
  if (out_count == BATCH) flush();
  unsigned char *p = out_buf[out_count];
  uint32_t client = exchanges[seq].client;
  memset(p, 0, 240);
  p[0] = 1, p[1] = 1, p[2] = 6, p[3] = 1;                  /* op, htype, hlen, hops */
  uint32_t xid = htonl(xid_base + seq);
  memcpy(p + 4, &xid, 4);
  memcpy(p + 24, &relay.sin_addr, 4);                      /* giaddr */
  p[28] = 0x00, p[29] = 0x0c;                              /* chaddr: 00:0c + client number */
  p[30] = client >> 24, p[31] = client >> 16, p[32] = client >> 8, p[33] = client;
  p[236] = 99, p[237] = 130, p[238] = 83, p[239] = 99;     /* magic cookie */
  unsigned char *o = p + 240;
  *o++ = 53, *o++ = 1, *o++ = type;
  if (requested) *o++ = 50, *o++ = 4, memcpy(o, requested, 4), o += 4;
  if (server_id) *o++ = 54, *o++ = 4, memcpy(o, server_id, 4), o += 4;
  *o++ = 55, *o++ = 4, *o++ = 1, *o++ = 3, *o++ = 6, *o++ = 15;
  *o++ = 255;
  size_t length = o - p < 300 ? 300 : o - p;               /* BOOTP's minimum, as clients pad */
  memset(o, 0, p + length - o);
  out_iov[out_count] = (struct iovec){p, length};
  out[out_count].msg_hdr = (struct msghdr){.msg_name = &server, .msg_namelen = sizeof server,
                                           .msg_iov = &out_iov[out_count], .msg_iovlen = 1};
  out_count++;
}

/* Statistics of the run. */
static uint64_t discovers, offers, requests, acks, naks, strays;
static uint64_t ack_delay_sum_ns, ack_delay_max_ns;

static void on_reply(const unsigned char *b, ssize_t n, uint64_t at) {
  if (n < 244 || b[0] != 2 || memcmp(b + 236, "\x63\x82\x53\x63", 4)) { strays++; return; }
  uint32_t xid;
  memcpy(&xid, b + 4, 4);
  uint32_t seq = ntohl(xid) - xid_base;
  if (seq >= total) { strays++; return; }
  int type = 0;
  const unsigned char *server_id = NULL;
  for (ssize_t i = 240; i + 1 < n && b[i] != 255;) {
    if (b[i] == 0) { i++; continue; }
    if (i + 2 + b[i + 1] > n) break;
    if (b[i] == 53 && b[i + 1] == 1) type = b[i + 2];
    if (b[i] == 54 && b[i + 1] == 4) server_id = b + i + 2;
    i += 2 + b[i + 1];
  }
  struct exchange *e = &exchanges[seq];
  if (type == 2 && e->stage == DISCOVERED && server_id) {
    offers++;
    e->stage = REQUESTED;
    e->sent_ns = at;
    queue_request(seq, 3, b + 16 /* yiaddr */, server_id);
    requests++;
  } else if (type == 5 && e->stage == REQUESTED) {
    acks++;
    e->stage = ACKED;
    uint64_t delay = at - e->sent_ns;
    ack_delay_sum_ns += delay;
    if (delay > ack_delay_max_ns) ack_delay_max_ns = delay;
  } else if (type == 6) {
    naks++;
  } else {
    strays++;
  }
}

static void receive_all(void) {
  static struct mmsghdr in[BATCH];
  static struct iovec in_iov[BATCH];
  static unsigned char in_buf[BATCH][1500];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      in_iov[i] = (struct iovec){in_buf[i], sizeof in_buf[i]};
      in[i].msg_hdr = (struct msghdr){.msg_iov = &in_iov[i], .msg_iovlen = 1};
    }
    int n = recvmmsg(sock, in, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    uint64_t at = now_ns();
    for (int i = 0; i < n; i++) on_reply(in_buf[i], in[i].msg_len, at);
    if (n < BATCH) return;
  }
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s SERVER RELAY RATE SECONDS [CLIENTS]\n", argv[0]);
    return 2;
  }
  long rate = atol(argv[3]), seconds = atol(argv[4]);
  uint32_t clients = argc > 5 ? (uint32_t)atol(argv[5]) : 1000000;
  if (rate <= 0 || seconds <= 0 || clients == 0) {
    fprintf(stderr, "RATE, SECONDS and CLIENTS must be positive\n");
    return 2;
  }
  server = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(DHCP_PORT)};
  relay = server;
  if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 ||
      inet_pton(AF_INET, argv[2], &relay.sin_addr) != 1) {
    fprintf(stderr, "SERVER and RELAY must be IPv4 addresses\n");
    return 2;
  }
  sock = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1, big = 16 << 20;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  /* A buffer that a late wake-up does not overflow; beyond rmem_max needs CAP_NET_ADMIN. */
  if (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big))
    setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  if (bind(sock, (struct sockaddr *)&relay, sizeof relay)) {
    perror("bind RELAY:67");
    return 1;
  }
  total = (uint32_t)(rate * seconds);
  exchanges = calloc(total, sizeof *exchanges);
  if (!exchanges) { perror("calloc"); return 1; }
  rng ^= (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
  xid_base = next_random();

  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000000000u;
  uint64_t stop = end + (uint64_t)GRACE_S * 1000000000u;
  struct pollfd readable = {.fd = sock, .events = POLLIN};
  for (;;) {
    uint64_t now = now_ns();
    if (now >= stop || (discovers == total && acks + naks == requests && offers == discovers))
      break;
    uint64_t due = now >= end ? total : (now - start) * (uint64_t)rate / 1000000000u;
    while (discovers < due) {
      uint32_t seq = (uint32_t)discovers++;
      exchanges[seq] = (struct exchange){DISCOVERED, next_random() % clients, now};
      queue_request(seq, 1, NULL, NULL);
    }
    flush();
    receive_all();
    flush();
    uint64_t next_tick = now + TICK_US * 1000u;
    uint64_t wait = now_ns();
    if (wait < next_tick) {
      struct timespec timeout = {0, (long)(next_tick - wait)};
      ppoll(&readable, 1, &timeout, NULL);
    }
  }
  getrusage(RUSAGE_SELF, &after);
  double cpu_ms = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1e3 +
                  (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e3 +
                  (after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e3 +
                  (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e3;
  double drop_do = discovers ? 100.0 * (discovers - offers) / discovers : 0;
  double drop_ra = requests ? 100.0 * (requests - acks) / requests : 0;
  double avg_ms = acks ? ack_delay_sum_ns / 1e6 / acks : 0;
  printf("%8ld %10.1f %9.4f %9.4f %9.3f %9.3f\n", rate, (double)acks / seconds, drop_do, drop_ra,
         avg_ms, ack_delay_max_ns / 1e6);
  fprintf(stderr,
          "dhcp-blast: %lu DISCOVERs, %lu OFFERs, %lu REQUESTs, %lu ACKs, %lu NAKs, %lu stray,"
          " %lu unsent; generator CPU %.1f ms per 1,000 exchanges\n",
          (unsigned long)discovers, (unsigned long)offers, (unsigned long)requests,
          (unsigned long)acks, (unsigned long)naks, (unsigned long)strays,
          (unsigned long)send_failures, acks ? cpu_ms * 1000 / acks : 0);
  return 0;
}
