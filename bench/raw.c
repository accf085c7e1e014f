// The ceiling for `npm run bench`: the same kernel path as the addon, from a plain C loop with
// blocking calls. Sockets get the options createSocket() and open() use (SO_REUSEADDR,
// SCTP_NODELAY, RTO 250/200/5000 ms, SCTP_RECVRCVINFO); messages go unordered with a PR-SCTP
// lifetime of 30 s, as theirs do by default (the first one without, as the addon does).
// BENCH_NODELAY=0 in the environment leaves SCTP_NODELAY off (the kernel bundles small messages).
//   raw recv PORT COUNT WARM      -> {"received":N,"seconds":S} timed from message WARM to COUNT
//   raw send PORT SIZE COUNT      (then waits 1 s, or BENCH_SEND_LINGER s, before closing)
//   raw pong PORT                 echoes every message to its sender
//   raw ping PORT SIZE COUNT WARM -> {"rtts":[microseconds...]}
//   raw sendnb PORT SIZE COUNT    like send, non-blocking with poll() on EAGAIN (as Node must):
//                                 measured as fast as send, so the blocking baseline is fair
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char* what) {
  perror(what);
  exit(1);
}

static int open_socket(int port) {
  int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
  if (fd < 0) die("socket");
  int on = 1;
  const char* nodelay_env = getenv("BENCH_NODELAY");
  int nodelay = !nodelay_env || atoi(nodelay_env) != 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &nodelay, sizeof nodelay);
  setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
  struct sctp_rtoinfo rto = {.srto_initial = 250, .srto_min = 200, .srto_max = 5000};
  setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto);
  struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
  if (bind(fd, (struct sockaddr*)&local, sizeof local) < 0) die("bind");
  if (listen(fd, 128) < 0) die("listen");
  return fd;
}

static struct sockaddr_in peer_at(int port) {
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  return to;
}

// One whole message (or notification: *notification set); returns its length.
static ssize_t receive(int fd, char* buf, size_t size, struct sockaddr_in* from, int* notification) {
  struct iovec iov = {buf, size};
  char control[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
  socklen_t fromlen = sizeof *from;
  unsigned int infolen = sizeof control, infotype = 0;
  int flags = 0;
  ssize_t n = sctp_recvv(fd, &iov, 1, (struct sockaddr*)from, &fromlen, control, &infolen,
                         &infotype, &flags);
  if (n < 0) die("sctp_recvv");
  *notification = (flags & MSG_NOTIFICATION) != 0;
  return n;
}

// What sctp_sendv() with SNDINFO and PRINFO sends, but with a control buffer that holds both:
// libsctp 1.0.19's is 8 bytes short for the two (it writes past it; stack smashing on arm64).
static int try_send(int fd, const char* buf, size_t size, struct sockaddr_in* to, int first) {
  union {
    char space[CMSG_SPACE(sizeof(struct sctp_sndinfo)) + CMSG_SPACE(sizeof(struct sctp_prinfo))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {(void*)buf, size};
  struct msghdr msg = {.msg_name = to, .msg_namelen = sizeof *to, .msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control.space, .msg_controllen = sizeof control.space};
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_SCTP;
  c->cmsg_type = SCTP_SNDINFO;
  c->cmsg_len = CMSG_LEN(sizeof(struct sctp_sndinfo));
  ((struct sctp_sndinfo*)CMSG_DATA(c))->snd_flags = SCTP_UNORDERED;
  if (first) {  // no PR-SCTP on a new association's first message (the kernel would drop it)
    msg.msg_controllen = CMSG_SPACE(sizeof(struct sctp_sndinfo));
  } else {
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = IPPROTO_SCTP;
    c->cmsg_type = SCTP_PRINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct sctp_prinfo));
    ((struct sctp_prinfo*)CMSG_DATA(c))->pr_policy = SCTP_PR_SCTP_TTL;
    ((struct sctp_prinfo*)CMSG_DATA(c))->pr_value = 30000;
  }
  return sendmsg(fd, &msg, 0);
}

static void send_one(int fd, const char* buf, size_t size, struct sockaddr_in* to, int first) {
  if (try_send(fd, buf, size, to, first) < 0) die("sendmsg");
}

// This process's CPU time so far, user and system, in microseconds (getrusage).
static void cpu_us(double* user, double* system) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  *user = u.ru_utime.tv_sec * 1e6 + u.ru_utime.tv_usec;
  *system = u.ru_stime.tv_sec * 1e6 + u.ru_stime.tv_usec;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: raw recv|send|pong|ping PORT ...\n");
    return 2;
  }
  const char* mode = argv[1];
  int port = atoi(argv[2]);
  static char buf[1 << 20];
  struct sockaddr_in from;
  int notification;
  if (!strcmp(mode, "recv")) {
    long count = atol(argv[3]), warm = atol(argv[4]), got = 0;
    int fd = open_socket(port);
    printf("ready\n");
    fflush(stdout);
    double start = 0, user0 = 0, system0 = 0, user, system;
    cpu_us(&user0, &system0);  // (warm 0: the whole run)
    while (got < count) {
      receive(fd, buf, sizeof buf, &from, &notification);
      if (notification) continue;
      if (++got == warm) {
        start = now();
        cpu_us(&user0, &system0);
      }
    }
    cpu_us(&user, &system);
    printf("{\"received\":%ld,\"seconds\":%.6f,\"cpu\":{\"user\":%.0f,\"system\":%.0f}}\n", count - warm,
           now() - start, user - user0, system - system0);
  } else if (!strcmp(mode, "send")) {
    size_t size = atol(argv[3]);
    long count = atol(argv[4]);
    int fd = open_socket(0);
    struct sockaddr_in to = peer_at(port);
    memset(buf, 'x', size);
    double user0, system0, user, system;
    cpu_us(&user0, &system0);
    for (long i = 0; i < count; i++) send_one(fd, buf, size, &to, i == 0);
    cpu_us(&user, &system);  // what sending took: the CPU per message of the sending end
    printf("{\"sent\":%ld,\"cpu\":{\"user\":%.0f,\"system\":%.0f}}\n", count, user - user0, system - system0);
    fflush(stdout);
    // Let the last messages leave before close (BENCH_SEND_LINGER seconds: a slow receiver's
    // backlog can outlast 1 s; bench/reuseport.js waits for its members, then ends the senders).
    const char* linger = getenv("BENCH_SEND_LINGER");
    sleep(linger ? atoi(linger) : 1);
  } else if (!strcmp(mode, "sendnb")) {  // experiment: non-blocking, poll() on EAGAIN
    size_t size = atol(argv[3]);
    long count = atol(argv[4]);
    int fd = open_socket(0);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct sockaddr_in to = peer_at(port);
    memset(buf, 'x', size);
    for (long i = 0; i < count; i++) {
      while (try_send(fd, buf, size, &to, i == 0) < 0) {
        struct pollfd p = {fd, POLLOUT, 0};
        poll(&p, 1, -1);
      }
    }
    sleep(1);
  } else if (!strcmp(mode, "pong")) {
    int fd = open_socket(port);
    printf("ready\n");
    fflush(stdout);
    for (int first = 1;; first = 0) {
      ssize_t n = receive(fd, buf, sizeof buf, &from, &notification);
      if (!notification) send_one(fd, buf, n, &from, first);
    }
  } else if (!strcmp(mode, "ping")) {
    size_t size = atol(argv[3]);
    long count = atol(argv[4]), warm = atol(argv[5]);
    int fd = open_socket(0);
    struct sockaddr_in to = peer_at(port);
    memset(buf, 'x', size);
    printf("{\"rtts\":[");
    for (long i = 0; i < count + warm; i++) {
      double t = now();
      send_one(fd, buf, size, &to, i == 0);
      do receive(fd, buf, sizeof buf, &from, &notification); while (notification);
      if (i >= warm) printf("%s%.1f", i > warm ? "," : "", (now() - t) * 1e6);
    }
    printf("]}\n");
  }
  return 0;
}
