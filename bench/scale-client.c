// Many SCTP clients in one process, for the scale run (bench/scale.js): each is a one-to-one
// (SOCK_STREAM) socket of its own, bound to LOCAL:PORT_BASE+i, so each is one association with the
// server under test. Driven by commands on stdin, one per line:
//   connect N   open N more clients, connecting (at most WINDOW handshakes in flight)
//   send N      the next N connected clients each send one message ("ping <i>") and expect the
//               server's echo of it ("echo:ping <i>") back
//   close N     the next N clients close (graceful SHUTDOWN from this side)
//   quit        close everything and exit
// After each batch of work it prints its counters as one JSON line on stdout:
//   {"connected","failed","echoed","bad","eof","closed","reset","open","bindRetries"}
// A server-side SHUTDOWN shows as end of file on the client: it closes its socket and counts "eof".
//
//   build/scale-client SERVER_ADDRESS SERVER_PORT LOCAL_ADDRESS PORT_BASE [WINDOW]
//
// Plain sockets API only (no libsctp): cc -O2 -o build/scale-client bench/scale-client.c
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

enum { FREE, CONNECTING, UP, SENT, ECHOED, DONE };

struct client {
  int fd;
  unsigned char state;
};

static struct client *clients;
static int capacity, opened, toOpen, inFlight, window = 64;
static int nextSend, nextClose;
static struct sockaddr_in server, local;
static int portBase, nextPort;
static int epfd;
static long connected, failed, echoed, bad, eofs, closed, resets, bindRetries, open_;
static int dirty;

static void die(const char *what) {
  fprintf(stderr, "scale-client: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void report(void) {
  printf("{\"connected\":%ld,\"failed\":%ld,\"echoed\":%ld,\"bad\":%ld,\"eof\":%ld,\"closed\":%ld,"
         "\"reset\":%ld,\"open\":%ld,\"bindRetries\":%ld}\n",
         connected, failed, echoed, bad, eofs, closed, resets, open_, bindRetries);
  fflush(stdout);
  dirty = 0;
}

static void finish(int i) {  // the client is over: close its socket
  if (clients[i].fd >= 0) {
    close(clients[i].fd);
    clients[i].fd = -1;
    open_--;
  }
  clients[i].state = DONE;
  dirty = 1;
}

static void openOne(void) {
  int i = opened++;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one);
  for (;;) {  // an explicit port: no ephemeral-port search whose cost grows with the ports in use
    local.sin_port = htons(nextPort++);
    if (nextPort > 65535) { errno = EADDRINUSE; die("out of local ports"); }
    if (bind(fd, (struct sockaddr *)&local, sizeof local) == 0) break;
    if (errno != EADDRINUSE) die("bind");
    bindRetries++;
  }
  clients[i].fd = fd;
  clients[i].state = CONNECTING;
  open_++;
  inFlight++;
  if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0 && errno != EINPROGRESS) {
    failed++;
    inFlight--;
    finish(i);
    return;
  }
  struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (unsigned)i };
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

static void pump(void) {  // keeps up to `window` handshakes in flight
  while (toOpen > 0 && inFlight < window && opened < capacity) {
    toOpen--;
    openOne();
  }
}

static void onEvent(int i, unsigned events) {
  struct client *c = &clients[i];
  if (c->fd < 0) return;
  if (c->state == CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0 && !(events & (EPOLLERR | EPOLLHUP)) && (events & EPOLLOUT)) {
      c->state = UP;
      connected++;
      inFlight--;
      struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.u32 = (unsigned)i };
      epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
      dirty = 1;
    } else if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
      failed++;
      inFlight--;
      finish(i);
    }
    return;
  }
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) return;
  char buf[256];
  for (;;) {
    ssize_t n = recv(c->fd, buf, sizeof buf - 1, 0);
    if (n > 0) {
      buf[n] = 0;
      char want[64];
      snprintf(want, sizeof want, "echo:ping %d", i);
      if (c->state == SENT && strcmp(buf, want) == 0) {
        c->state = ECHOED;
        echoed++;
      } else {
        bad++;
      }
      dirty = 1;
      continue;
    }
    if (n == 0) {  // the server ended the association (SHUTDOWN)
      eofs++;
      finish(i);
    } else if (errno != EAGAIN) {  // ECONNRESET: ABORT
      resets++;
      finish(i);
    }
    return;
  }
}

static void command(char *line) {
  char verb[16];
  int n = 0;
  if (sscanf(line, "%15s %d", verb, &n) < 1) return;
  if (strcmp(verb, "connect") == 0) {
    if (opened + toOpen + n > capacity) {
      fprintf(stderr, "scale-client: more than %d clients asked for\n", capacity);
      exit(2);
    }
    toOpen += n;
    pump();
  } else if (strcmp(verb, "send") == 0) {
    for (; n > 0 && nextSend < opened; nextSend++) {
      struct client *c = &clients[nextSend];
      if (c->state != UP) continue;
      char msg[32];
      int len = snprintf(msg, sizeof msg, "ping %d", nextSend);
      if (send(c->fd, msg, len, 0) == len) {
        c->state = SENT;
      } else {
        bad++;
      }
      n--;
    }
  } else if (strcmp(verb, "close") == 0) {
    for (; n > 0 && nextClose < opened; nextClose++) {
      struct client *c = &clients[nextClose];
      if (c->fd < 0) continue;
      closed++;
      finish(nextClose);
      n--;
    }
  } else if (strcmp(verb, "quit") == 0) {
    report();
    exit(0);
  }
  dirty = 1;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: scale-client SERVER_ADDRESS SERVER_PORT LOCAL_ADDRESS PORT_BASE [WINDOW]\n");
    return 2;
  }
  server.sin_family = AF_INET;
  server.sin_port = htons(atoi(argv[2]));
  local.sin_family = AF_INET;
  if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) die("server address");
  if (inet_pton(AF_INET, argv[3], &local.sin_addr) != 1) die("local address");
  portBase = nextPort = atoi(argv[4]);
  if (argc > 5) window = atoi(argv[5]);
  capacity = 65536 - portBase;

  // As root (in the VM) this raises the hard limit too; otherwise as far as the hard limit goes.
  struct rlimit rl = { 70000, 70000 };
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if ((rlim_t)capacity + 16 > rl.rlim_cur) capacity = (int)rl.rlim_cur - 16;
  clients = calloc(capacity, sizeof *clients);
  for (int i = 0; i < capacity; i++) clients[i].fd = -1;

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");
  struct epoll_event in = { .events = EPOLLIN, .data.u32 = 0xffffffffu };
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &in) < 0) die("epoll_ctl stdin");

  char line[256];
  size_t have = 0;
  struct epoll_event events[256];
  report();
  for (;;) {
    int n = epoll_wait(epfd, events, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int k = 0; k < n; k++) {
      if (events[k].data.u32 != 0xffffffffu) {
        onEvent((int)events[k].data.u32, events[k].events);
        continue;
      }
      ssize_t r = read(0, line + have, sizeof line - 1 - have);
      if (r <= 0) exit(0);  // the driver went away
      have += (size_t)r;
      line[have] = 0;
      char *nl;
      while ((nl = strchr(line, '\n')) != NULL) {
        *nl = 0;
        command(line);
        have -= (size_t)(nl + 1 - line);
        memmove(line, nl + 1, have + 1);
      }
      if (have == sizeof line - 1) have = 0;  // an overlong line: dropped
    }
    pump();
    if (dirty) report();
  }
}
