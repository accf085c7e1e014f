'use strict';
// sctp-napi status [HOST PORT]: with HOST PORT, opens an association to the peer and prints what
// the kernel says of it (SCTP_STATUS, every path's SCTP_GET_PEER_ADDR_INFO, SCTP_GET_ASSOC_STATS),
// refreshed with --watch. Without, every association on this host, from /proc/net/sctp (as
// `ss --sctp` shows them, with each path's state).
const fs = require('fs');
const {
  EXIT, UsageError, int, port, sleep, interrupted, endGracefully, resolveHost, hostPort, clientSocket, connectTo,
} = require('./common');

const options = {
  watch: { type: 'boolean', short: 'w', help: 'print again every --interval until interrupted' },
  interval: { type: 'string', short: 'i', value: 'MS', help: 'time between refreshes with --watch', default: 1000 },
  timeout: { type: 'string', value: 'MS', help: 'give up connecting after MS', default: 30000 },
};

// /proc/net/sctp/assocs's ST and remaddr's STATE, as the kernel numbers them (sctp_state_t, sctp_transport state).
const ASSOC_STATES = ['closed', 'cookie-wait', 'cookie-echoed', 'established', 'shutdown-pending',
  'shutdown-sent', 'shutdown-received', 'shutdown-ack-sent'];
const PATH_STATES = ['inactive', 'potentially-failed', 'active', 'unconfirmed'];

// An address as /proc/net/sctp prints it (IPv6 written out in full: 0000:...:0001) -> its usual form (::1).
const normal = (a) => (a.includes(':') ? new URL(`http://[${a}]`).hostname.slice(1, -1) : a);

// The rows of a /proc/net/sctp table, each an object keyed by the header's names.
function table(name) {
  let text;
  try { text = fs.readFileSync(`/proc/net/sctp/${name}`, 'utf8'); } catch { return null; }
  const [header, ...rows] = text.split('\n').filter((l) => l.trim());
  return { header: header.trim().split(/\s+/), rows: rows.map((r) => r.trim()) };
}

// Every association on this host (of this network namespace): /proc/net/sctp/assocs and remaddr.
function hostAssociations() {
  const assocs = table('assocs');
  if (!assocs) return null;
  const paths = table('remaddr') || { rows: [] };
  return assocs.rows.map((row) => {
    // LADDRS <-> RADDRS are lists; the numbers before and after are single columns. A '*' marks the primary path.
    const [before, after] = row.split('<->');
    const head = before.trim().split(/\s+/);
    const [remote, tail] = after.split('\t');
    const rest = tail.trim().split(/\s+/).map(Number);
    const assocId = Number(head[6]);
    return {
      assocId, state: ASSOC_STATES[Number(head[4])] || `state-${head[4]}`, style: ['one-to-many', 'one-to-many', 'one-to-one'][Number(head[2])],
      txQueue: Number(head[7]), rxQueue: Number(head[8]), uid: Number(head[9]), inode: Number(head[10]),
      localPort: Number(head[11]), remotePort: Number(head[12]), localAddresses: head.slice(13).map(normal),
      remoteAddresses: remote.trim().split(/\s+/).map((a) => normal(a.replace(/^\*/, ''))),
      primary: normal((remote.trim().split(/\s+/).find((a) => a.startsWith('*')) || '').slice(1)),
      heartbeatInterval: rest[0], inStreams: rest[1], outStreams: rest[2], maxRetrans: rest[3],
      initRetries: rest[4], shutdownRetries: rest[5], rtxChunks: rest[6],
      paths: paths.rows.map((r) => r.split(/\s+/)).filter((r) => Number(r[1]) === assocId).map((r) => ({
        // (REM_ADDR_RTX, r[5], is always 0: the kernel does not count it)
        address: normal(r[0]), heartbeats: r[2] === '1', rtoJiffies: Number(r[3]), maxPathRetrans: Number(r[4]),
        state: PATH_STATES[Number(r[7])] || `state-${r[7]}`,
      })),
    };
  });
}

const ends = (addresses, p) => addresses.map((a) => hostPort(a, p)).join(',');
const hostText = (list) => (list.length ? list.map((a) => [
  `association ${a.assocId} (${a.style}, inode ${a.inode}): ${ends(a.localAddresses, a.localPort)} <-> ` +
    `${ends(a.remoteAddresses, a.remotePort)} ${a.state}, streams in ${a.inStreams} out ${a.outStreams}, ` +
    `tx queue ${a.txQueue} B, rx queue ${a.rxQueue} B, ${a.rtxChunks} chunks retransmitted`,
  ...a.paths.map((p) => `  path ${p.address}${p.address === a.primary ? ' (primary)' : ''}: ${p.state}, ` +
    `heartbeats ${p.heartbeats ? 'on' : 'off'}`),
].join('\n')).join('\n') : 'no SCTP associations on this host');

// One association's status, as the kernel's socket options give it.
function report(socket, assocId) {
  const status = socket.status(assocId);
  return {
    type: 'status', time: new Date().toISOString(), ...status, local: socket.address(),
    paths: socket.paths(assocId), stats: socket.stats(assocId),
  };
}

function reportText(r) {
  const peer = r.primary;
  const lines = [
    `association ${r.assocId} ${hostPort(r.local.address, r.local.port)} -> ${hostPort(peer.address, peer.port)}: ${r.state}`,
    `  streams in ${r.inStreams} out ${r.outStreams}, peer rwnd ${r.rwnd} B, unacked ${r.unackData}, pending ${r.pendingData}, fragmentation point ${r.fragmentationPoint} B`,
    ...r.paths.map((p) => `  path ${hostPort(p.address, p.port)}${p.primary ? ' (primary)' : ''}: ${p.state}, srtt ${p.srtt} ms, rto ${p.rto} ms, cwnd ${p.cwnd} B, mtu ${p.mtu}`),
  ];
  if (r.abandoned) lines.push(`  PR-SCTP abandoned: ${r.abandoned.sent} sent, ${r.abandoned.unsent} unsent`);
  if (r.stats) {
    const s = r.stats;
    lines.push(`  packets sent ${s.packetsSent} received ${s.packetsReceived}, chunks retransmitted ${s.rtxChunks}, ` +
      `SACKs sent ${s.sacksSent} received ${s.sacksReceived}, duplicate chunks ${s.dupChunksReceived}, gaps ${s.gapCount}`);
  }
  return lines.join('\n');
}

async function run(values, positionals, out) {
  const interval = int(values.interval, '--interval', 1, 3600000);
  const signal = interrupted();
  try {
    if (positionals.length === 0) { // the host's associations
      for (;;) {
        const list = hostAssociations();
        if (list === null) {
          const err = new Error('/proc/net/sctp is missing: SCTP is not loaded in this kernel');
          err.code = 'ERR_SCTP_UNSUPPORTED';
          throw err;
        }
        if (out.json) for (const a of list) out.write({ type: 'association', ...a });
        else out.write(null, hostText(list));
        if (!values.watch || signal.aborted) return EXIT.ok;
        await sleep(interval, signal);
        if (signal.aborted) return EXIT.ok;
      }
    }
    const [host, portText, ...rest] = positionals;
    if (portText === undefined) throw new UsageError('give HOST and PORT, or neither (every association on this host)');
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const peerPort = port(portText, 'PORT');
    const timeout = int(values.timeout, '--timeout', 1, 2 ** 31 - 1);
    const addresses = await resolveHost(host, 'HOST');
    const socket = clientSocket(addresses);
    try {
      let lost = null;
      socket.on('association', (e) => { if (e.state !== 'up') lost = e; });
      socket.on('peeraddrchange', (e) => out.event('peeraddrchange', e));
      const { assocId } = await connectTo(socket, addresses, peerPort, { timeout, signal });
      for (;;) {
        if (lost) {
          out.event('association', lost);
          return EXIT.failed;
        }
        let r;
        try {
          r = report(socket, assocId);
        } catch (e) { // ended between two looks: its event is on its way
          out.note(`sctp-napi status: ${e.message} (the association ended)`);
          return EXIT.failed;
        }
        out.write(r, reportText);
        if (!values.watch) break;
        await sleep(interval, signal);
        if (signal.aborted) break;
      }
      endGracefully(socket, assocId);
      return EXIT.ok;
    } finally {
      socket.close();
    }
  } finally {
    signal.release();
  }
}

module.exports = {
  summary: 'an association\'s state and every path\'s (RTT, RTO, cwnd), from the kernel; without HOST PORT, every association on this host',
  usage: '[HOST PORT] [--watch] [--interval MS]',
  details: 'With HOST PORT: opens an association to the peer and reports it (SCTP_STATUS, SCTP_GET_PEER_ADDR_INFO,\n' +
    'SCTP_GET_ASSOC_STATS). Without: every association of this host\'s sockets, from /proc/net/sctp/assocs and remaddr.',
  options,
  run,
  hostAssociations,
};
