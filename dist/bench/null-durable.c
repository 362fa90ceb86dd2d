/* The null responder (../shared/bench/null-dhcp.c) made durable the way provisiond is: an ACK
 * leaves only after a record of its lease is written and fdatasync'd, by a second thread that
 * group-commits (it waits LINGER_US for more records once one is queued, writes them, fsyncs, then
 * sends their ACKs). No DHCP work at all: beside null-dhcp and provisiond in one run, it shows what
 * fsync-before-ACK with group commit costs the measurement by itself, on this disk and with this
 * load generator. OFFERs leave at once from the receiving thread, as provisiond's do, unless
 * OFFERS is with-acks: then the journal thread sends them too, before each write (they wait the
 * linger, as ACKs do, and go out in one burst with the others: an experiment, README session 12).
 *   gcc -O2 -pthread -o /tmp/null-durable null-durable.c
 *   /tmp/null-durable 127.0.0.1 JOURNAL_FILE [LINGER_US, default 4000] [REPLIES] [OFFERS]
 * REPLIES is minimal (null-dhcp's four options), provisiond-replies (also what provisiond's default
 * config sends beyond them: T1 and T2, option 61 echoed as RFC 6842 asks, padded to the 300 octets
 * of a BOOTP message, as provisiond's are: perfdhcp parses every reply it receives), or one part
 * of that alone: t1t2, or pad.
 * The journal file is created, filled with zeros 1 MiB ahead of the writes (as provisiond's
 * journal is), and capped at 256 MiB (then written from its start again). Loopback only. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PENDING 65536
#define REPLY_MAX 600
#define RECORD_SIZE 64
#define PREALLOCATE (1 << 20)
#define JOURNAL_MAX (256L << 20)

struct ack {
  unsigned char octets[REPLY_MAX];
  int length;
  struct sockaddr_in to;
  int offer; /* an OFFER left for the journal thread: sent before the write, no record */
};

static int sock, journal;
static long linger_us = 4000;
static int provisiond_replies, with_t1t2, padded, offers_with_acks;
static struct ack queue[MAX_PENDING], batch[MAX_PENDING];
static int queued;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static long written, allocated;
static unsigned char records[MAX_PENDING * RECORD_SIZE];

static void preallocate(long end) {
  static unsigned char zeros[PREALLOCATE];
  while (allocated < end) {
    if (pwrite(journal, zeros, PREALLOCATE, allocated) != PREALLOCATE) { perror("pwrite"); exit(1); }
    allocated += PREALLOCATE;
  }
}

static void *writer(void *unused) {
  (void)unused;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (queued == 0) pthread_cond_wait(&nonempty, &lock);
    pthread_mutex_unlock(&lock);
    if (linger_us > 0) {
      struct timespec linger = {linger_us / 1000000, (linger_us % 1000000) * 1000};
      nanosleep(&linger, 0);
    }
    pthread_mutex_lock(&lock);
    int n = queued;
    memcpy(batch, queue, sizeof queue[0] * n);
    queued = 0;
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < n; i++)
      if (batch[i].offer)
        sendto(sock, batch[i].octets, batch[i].length, 0, (struct sockaddr *)&batch[i].to,
               sizeof batch[i].to);
    /* One record per ACK: its address and client, as a lease record would hold them. */
    int acks = 0;
    for (int i = 0; i < n; i++) {
      if (batch[i].offer) continue;
      unsigned char *r = records + acks++ * RECORD_SIZE;
      memset(r, 0, RECORD_SIZE);
      memcpy(r, batch[i].octets + 16, 4);  /* yiaddr */
      memcpy(r + 4, batch[i].octets + 28, 16); /* chaddr */
    }
    if (acks == 0) continue; /* OFFERs alone: nothing to make durable */
    long bytes = (long)acks * RECORD_SIZE;
    if (written + bytes > JOURNAL_MAX) written = 0;
    preallocate(written + bytes + PREALLOCATE);
    if (pwrite(journal, records, bytes, written) != bytes) { perror("pwrite"); exit(1); }
    written += bytes;
    if (fdatasync(journal)) { perror("fdatasync"); exit(1); }
    for (int i = 0; i < n; i++)
      if (!batch[i].offer)
        sendto(sock, batch[i].octets, batch[i].length, 0, (struct sockaddr *)&batch[i].to,
               sizeof batch[i].to);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s ADDRESS JOURNAL_FILE [LINGER_US [REPLIES [OFFERS]]]\n", argv[0]); return 2; }
  if (argc > 3) linger_us = atol(argv[3]);
  const char *replies = argc > 4 ? argv[4] : "minimal";
  provisiond_replies = strcmp(replies, "provisiond-replies") == 0;
  with_t1t2 = provisiond_replies || strcmp(replies, "t1t2") == 0;
  padded = provisiond_replies || strcmp(replies, "pad") == 0;
  offers_with_acks = argc > 5 && strcmp(argv[5], "with-acks") == 0;
  journal = open(argv[2], O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (journal < 0) { perror("open"); return 1; }
  preallocate(PREALLOCATE);
  if (fsync(journal)) { perror("fsync"); return 1; }
  sock = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1, big = 8 << 20;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(67)};
  inet_pton(AF_INET, argv[1], &a.sin_addr);
  if (bind(sock, (struct sockaddr *)&a, sizeof a)) { perror("bind"); return 1; }
  pthread_t thread;
  pthread_create(&thread, 0, writer, 0);
  unsigned char in[1500], out[REPLY_MAX];
  for (;;) {
    ssize_t n = recv(sock, in, sizeof in, 0);
    if (n < 244 || in[0] != 1) continue;
    int type = 0;
    for (int i = 240; i + 1 < n && in[i] != 255;) {
      if (in[i] == 0) { i++; continue; }
      if (in[i] == 53) type = in[i + 2];
      i += 2 + in[i + 1];
    }
    if (type != 1 && type != 3) continue;
    memset(out, 0, sizeof out);
    memcpy(out, in, 240);
    out[0] = 2;
    out[16] = 127; out[17] = 16; out[18] = in[32]; out[19] = in[33]; /* yiaddr from chaddr */
    unsigned char *o = out + 240;
    *o++ = 53; *o++ = 1; *o++ = type == 1 ? 2 : 5;
    *o++ = 54; *o++ = 4; inet_pton(AF_INET, argv[1], o); o += 4;
    *o++ = 51; *o++ = 4; *o++ = 0; *o++ = 0; *o++ = 0x0e; *o++ = 0x10;
    *o++ = 1; *o++ = 4; *o++ = 255; *o++ = 0; *o++ = 0; *o++ = 0;
    if (with_t1t2) {
      *o++ = 58; *o++ = 4; *o++ = 0; *o++ = 0; *o++ = 0x07; *o++ = 0x08;
      *o++ = 59; *o++ = 4; *o++ = 0; *o++ = 0; *o++ = 0x0c; *o++ = 0x4e;
    }
    if (provisiond_replies) {
      for (int i = 240; i + 1 < n && in[i] != 255;) {
        if (in[i] == 0) { i++; continue; }
        if (in[i] == 61 && o + 2 + in[i + 1] < out + REPLY_MAX - 1) {
          memcpy(o, in + i, 2 + in[i + 1]);
          o += 2 + in[i + 1];
        }
        i += 2 + in[i + 1];
      }
    }
    *o++ = 255;
    if (padded && o - out < 300) o = out + 300;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(67)};
    memcpy(&to.sin_addr, in + 24, 4); /* giaddr */
    if (type == 1 && !offers_with_acks) {
      sendto(sock, out, o - out, 0, (struct sockaddr *)&to, sizeof to);
      continue;
    }
    pthread_mutex_lock(&lock);
    if (queued < MAX_PENDING) {
      memcpy(queue[queued].octets, out, o - out);
      queue[queued].length = o - out;
      queue[queued].to = to;
      queue[queued].offer = type == 1;
      if (++queued == 1) pthread_cond_signal(&nonempty);
    }
    pthread_mutex_unlock(&lock);
  }
}
