#!/usr/bin/env python3
"""A kernel-SCTP peer written with nothing but Python's socket module, for interop tests.

  peer.py recv HOST PORT COUNT              receive COUNT messages, print each as a JSON line
  peer.py send HOST PORT TO_HOST TO_PORT REPLIES MSG...
                                            send each MSG, then print REPLIES received messages
  peer.py hold HOST PORT                    bind, listen and never read (a peer that stalls)
  peer.py echo-info HOST PORT COUNT        receive COUNT messages with their SCTP_RCVINFO, print
                                            each, and echo it back on its stream with ppid + 1
  peer.py big HOST PORT TO_HOST TO_PORT SIZE
                                            send one SIZE-byte message (uint32 LE counters)
                                            with a send buffer forced large enough (needs root)
Prints {"ready": true} once bound. Notifications (none are subscribed) are skipped.
"""
import json
import socket
import struct
import sys
import time

MSG_NOTIFICATION = 0x8000
SCTP_SNDINFO, SCTP_RCVINFO, SCTP_RECVRCVINFO, SCTP_UNORDERED = 2, 3, 32, 1
RCVINFO = struct.Struct("=HHH2xIIIIi")  # sid ssn flags ppid tsn cumtsn context assoc_id
SNDINFO = struct.Struct("=HHIIi")  # sid flags ppid context assoc_id


def open_socket(host, port, rcvbuf=None):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_SEQPACKET, socket.IPPROTO_SCTP)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((host, port))
    s.listen(16)
    print(json.dumps({"ready": True}), flush=True)
    return s


def receive(s, count):
    got = 0
    while got < count:
        data, _anc, flags, addr = s.recvmsg(1 << 20)
        if flags & MSG_NOTIFICATION:
            continue
        got += 1
        print(json.dumps({"data": data.decode("latin-1"), "host": addr[0], "port": addr[1]}),
              flush=True)


def main(argv):
    mode, host, port = argv[1], argv[2], int(argv[3])
    if mode == "recv":
        receive(open_socket(host, port), int(argv[4]))
    elif mode == "send":
        s = open_socket(host, port)
        to = (argv[4], int(argv[5]))
        for text in argv[7:]:
            s.sendto(text.encode("latin-1"), to)
        receive(s, int(argv[6]))
        time.sleep(0.5)  # let the peer read before SHUTDOWN
    elif mode == "echo-info":
        s = open_socket(host, port)
        s.setsockopt(socket.IPPROTO_SCTP, SCTP_RECVRCVINFO, 1)
        got = 0
        while got < int(argv[4]):
            data, anc, flags, addr = s.recvmsg(1 << 20, 1024)
            if flags & MSG_NOTIFICATION:
                continue
            got += 1
            info = [RCVINFO.unpack(d[:RCVINFO.size]) for lvl, typ, d in anc
                    if lvl == socket.IPPROTO_SCTP and typ == SCTP_RCVINFO][0]
            sid, _ssn, rflags, ppid = info[0], info[1], info[2], socket.ntohl(info[3])
            print(json.dumps({"data": data.decode("latin-1"), "host": addr[0], "port": addr[1],
                              "stream": sid, "ppid": ppid,
                              "unordered": bool(rflags & SCTP_UNORDERED)}), flush=True)
            sndinfo = SNDINFO.pack(sid, 0, socket.htonl((ppid + 1) & 0xFFFFFFFF), 0, 0)
            s.sendmsg([data], [(socket.IPPROTO_SCTP, SCTP_SNDINFO, sndinfo)], 0, addr[:2])
        time.sleep(0.5)
    elif mode == "big":
        s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                          socket.SOCK_SEQPACKET, socket.IPPROTO_SCTP)
        size = int(argv[6])
        try:
            s.setsockopt(socket.SOL_SOCKET, 32, 2 * size)  # SO_SNDBUFFORCE
        except PermissionError:
            print(json.dumps({"error": "EPERM"}), flush=True)
            return
        s.bind((host, port))
        print(json.dumps({"ready": True}), flush=True)
        s.sendto(b"".join(struct.pack("<I", i) for i in range(0, size, 4)), (argv[4], int(argv[5])))
        time.sleep(2)
    elif mode == "hold":
        open_socket(host, port, rcvbuf=4096)
        sys.stdin.read()
        time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv)
