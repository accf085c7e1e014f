/// <reference types="node" />
import { EventEmitter } from 'events';
import { Duplex } from 'stream';

// ---- The original SCTP_NAPI API -------------------------------------------------------------

/** `[data, host, port]` for a message, or a string describing a receive failure. */
export type RecvResult = [data: Buffer, host: string, port: number] | string;

export interface Handle {
  /** Sends one message (unordered, PR-SCTP TTL 30 s); returns the bytes sent. */
  send(buffer: NodeJS.ArrayBufferView, host: string, port: number): number;
  /** Stops receiving and closes the socket; idempotent. */
  close(): void;
  /** The bound address and port (the real port after bindPort 0). */
  address(): AddressInfo;
  /** As in dgram: an unref'd handle does not keep the event loop alive. */
  ref(): this;
  unref(): this;
}

/**
 * Opens an SCTP one-to-many socket bound to bindHost:bindPort, delivering each message to
 * onRecv (`this` is the handle).
 */
export function open(
  bindHost: string,
  bindPort: number,
  recvMaxlen: number,
  onRecv: (this: Handle, result: RecvResult) => void,
): Handle;

// ---- createSocket() -------------------------------------------------------------------------

export type SocketType = 'sctp4' | 'sctp6';

/** Per-message send options; socket-wide defaults come from `SocketOptions.defaults`. */
export interface SendOptions {
  /** Stream number, 0..65535 (below the association's outbound stream count). Default 0. */
  stream?: number;
  /** Payload protocol identifier, 0..2^32-1; sent in network byte order. Default 0. */
  ppid?: number;
  /** Deliver as soon as it arrives, outside the stream's order. Default true. */
  unordered?: boolean;
  /** PR-SCTP lifetime in ms; 0: fully reliable. Default 30000. One of ttl, rtx, prio per message. */
  ttl?: number;
  /** PR-SCTP: at most this many retransmissions, then abandoned (0: one try). */
  rtx?: number;
  /** PR-SCTP priority (0 highest): when the send buffer is full, queued messages of a larger value are dropped for it. */
  prio?: number;
  /** An opaque number reported back with send failures. Default 0. */
  context?: number;
  /** Send on this association instead of to port/address. */
  assocId?: number;
}

export interface SocketOptions {
  type: SocketType;
  /** sctp6 only: refuse IPv4 peers. Default false (dual stack). */
  ipv6Only?: boolean;
  /** SO_REUSEADDR. Default true. */
  reuseAddr?: boolean;
  /** SO_REUSEPORT: sockets bound to the same addresses and port share new associations. Default false. */
  reusePort?: boolean;
  /** SO_RCVBUF in bytes (the kernel caps it at net.core.rmem_max). */
  recvBufferSize?: number;
  /** SO_SNDBUF in bytes (capped at net.core.wmem_max); also the largest message that can be sent. */
  sendBufferSize?: number;
  /** SCTP_NODELAY. Default true. */
  nodelay?: boolean;
  /** Retransmission timeouts in ms. Default { initial: 250, min: 200, max: 5000 }. */
  rtoInfo?: { initial?: number; min?: number; max?: number };
  /** SCTP_INITMSG for new associations; 0 keeps the kernel's value. */
  initMsg?: { outStreams?: number; maxInStreams?: number; maxAttempts?: number; maxInitTimeout?: number };
  /** The largest message delivered; longer ones are discarded and reported. Default 256 KiB. */
  maxMessageSize?: number;
  /** send() returns false while this many bytes wait in the socket's queue. Default 1 MiB. */
  sendHighWaterMark?: number;
  /** Socket-wide send defaults. Default { stream: 0, ppid: 0, unordered: true, ttl: 30000, context: 0 }. */
  defaults?: SendOptions;
  /** Heartbeat interval for peer addresses in ms; 0 turns heartbeats off (SCTP_PEER_ADDR_PARAMS). */
  heartbeatInterval?: number;
  /** Retransmissions before a path is deemed unreachable (SCTP_PEER_ADDR_PARAMS). */
  pathMaxRetrans?: number;
  /** A fixed path MTU, 512..65535 bytes, path MTU discovery off; 0: discovery (the default). */
  pathMtu?: number;
  /** SCTP_MAXSEG: the largest DATA chunk, 512..65519 bytes; 0: what the path MTU allows (the default). */
  maxSegment?: number;
  /** SCTP_AUTOCLOSE: an association idle this many seconds is shut down; 0: never. createSocket() only. */
  autoClose?: number;
  /** SCTP_ADAPTATION_LAYER: the indication (0..2^32-1) sent to peers, reported in their 'association' event. */
  adaptationLayer?: number;
  /**
   * SCTP_DELAYED_SACK: delay (1..500 ms) before a SACK, and frequency (a SACK every N packets;
   * 1 turns delayed SACK off). Linux's default: 200 ms, every 2nd packet.
   */
  delayedSack?: { delay?: number; frequency?: number };
  /** RFC 6525 stream reconfiguration offered and allowed (SCTP_RECONFIG_SUPPORTED, SCTP_ENABLE_STREAM_RESET); both ends need it. */
  streamReset?: boolean;
  /** RFC 8260 message interleaving (I-DATA); both ends need it, and net.sctp.intl_enable=1. */
  interleave?: boolean;
  /** SCTP_STREAM_SCHEDULER: which stream's message goes next. 'fc' and 'wfq' need Linux 6.2. Default 'fcfs'. */
  scheduler?: 'fcfs' | 'priority' | 'rr' | 'fc' | 'wfq';
  /** RFC 6951: the peers' UDP port; associations go over UDP. Needs Linux 5.11 and net.sctp.udp_port set. */
  udpEncapsPort?: number;
  /**
   * SCTP-AUTH (RFC 4895), on for this socket (SCTP_AUTH_SUPPORTED: no net.sctp.auth_enable needed):
   * `chunks`, the chunk types peers must authenticate (SCTP_AUTH_CHUNK); `key`, shared key #1,
   * made active (the built-in empty key #0 is deleted); our copy is zeroed once the socket has it, so a
   * Server listening a second time emits 'error' with code 'ERR_SCTP_AUTH_KEY_SPENT'. `false`: AUTH off.
   */
  auth?: boolean | AuthOptions;
  /** Aborting it closes the socket. */
  signal?: AbortSignal;
}

export interface AssociationInfo {
  assocId: number;
  state: 'up' | 'lost' | 'restart' | 'shutdown' | 'cant-start';
  address: string;
  port: number;
  inStreams: number;
  outStreams: number;
  /** The cause code of the ABORT that ended it (RFC 9260 section 3.3.10), 0 if none. */
  error: number;
  /** The cause's name ('user-initiated-abort', 'protocol-violation', ...), '' if none. */
  reason: string;
  /** On 'up' and 'restart': the peer's adaptation layer indication, when it sent one. */
  adaptation?: number;
}

/** A chunk type (0..255 but INIT 1, INIT ACK 2, SHUTDOWN COMPLETE 14, AUTH 15) or its name. */
export type AuthChunk = number | 'data' | 'sack' | 'heartbeat' | 'heartbeat-ack' | 'abort' | 'shutdown' |
  'shutdown-ack' | 'error' | 'cookie-echo' | 'cookie-ack' | 'ecne' | 'cwr' | 'i-data' | 'asconf-ack' | 'reconfig' |
  'pad' | 'forward-tsn' | 'asconf' | 'i-forward-tsn';
export interface AuthOptions { chunks?: AuthChunk[]; key?: string | NodeJS.ArrayBufferView }
/** SCTP_AUTHENTICATION_EVENT: the peer signed with another key than our active one, a deleted key is free, or the peer has no AUTH. */
export interface AuthenticationInfo { assocId: number; keyNumber: number; indication: 'new-key' | 'free-key' | 'no-auth' }
export interface StreamResetInfo {
  assocId: number;
  streams: number[];
  incoming: boolean;
  outgoing: boolean;
  /** The peer refused the request. */
  denied: boolean;
  /** No answer, or a bad one. */
  failed: boolean;
}
export interface AssocResetInfo { assocId: number; localTsn: number; remoteTsn: number; denied: boolean; failed: boolean }
/** Streams added (Linux reports how many were added each way; status() has the new counts). */
export interface StreamChangeInfo { assocId: number; inStreams: number; outStreams: number; denied: boolean; failed: boolean }

/** Per-path parameters (SCTP_PEER_ADDR_PARAMS) of one association: of `address`, or of every path. */
export interface PeerParams {
  /** One of the peer's addresses; without it, every path. */
  address?: string;
  /** Heartbeat interval in ms; 0 turns heartbeats off. */
  heartbeatInterval?: number;
  pathMaxRetrans?: number;
  /** A fixed path MTU (512..65535), discovery off; 0 turns discovery back on. */
  pathMtu?: number;
  /** Send a HEARTBEAT on the path now (needs `address`). */
  heartbeatNow?: boolean;
  /** RFC 6951: the peer's UDP port on this path (0: none). */
  udpEncapsPort?: number;
}

/** A system error as Node's own (code, errno, syscall), with the ABORT's cause when one ended an association. */
export type SystemError = Error & {
  code: string; errno: number; syscall: string; address?: string; port?: number; sctpCause?: number; reason?: string;
  /** A send on a stream the association does not have (EINVAL; the peer's doing): that stream. */
  stream?: number;
  /** ...and the association's outbound streams, as many as the peer accepts (status().outStreams). */
  outStreams?: number;
};

/**
 * A send's error: a SystemError (syscall 'send'; 'connect' when, with `interleave`, the association
 * it waited for could not start), or ERR_SOCKET_CLOSED when the socket closed before it went.
 */
export type SendError = Error & Partial<SystemError>;

/** A message longer than maxMessageSize, read to its end and dropped. */
export interface Oversize {
  size: number;
  limit: number;
  address: string;
  port: number;
  assocId: number;
}

export interface PeerAddressChange {
  assocId: number;
  address: string;
  port: number;
  state: 'available' | 'unreachable' | 'removed' | 'added' | 'made-primary' | 'confirmed' | 'potentially-failed' | 'unknown';
  error: number;
}

export interface SendFailed {
  assocId: number;
  error: number;
  /** Whether the message had been transmitted (and then abandoned) or never was. */
  sent: boolean;
  /** The undelivered bytes (of one fragment, when the kernel had fragmented the message). */
  data: Buffer;
  /** How many bytes the kernel reported undelivered; more than data.length when truncated. */
  size: number;
  /** data was cut at the socket's maxMessageSize (at least 4 KiB). */
  truncated: boolean;
  stream: number;
  ppid: number;
  context: number;
}

export interface PeerAddress {
  address: string;
  port: number;
}

export interface AssociationStatus {
  assocId: number;
  state: 'empty' | 'closed' | 'cookie-wait' | 'cookie-echoed' | 'established' | 'shutdown-pending' |
    'shutdown-sent' | 'shutdown-received' | 'shutdown-ack-sent' | 'unknown';
  rwnd: number;
  unackData: number;
  pendingData: number;
  inStreams: number;
  outStreams: number;
  fragmentationPoint: number;
  primary: PathInfo;
  /** PR-SCTP messages abandoned on this association (SCTP_PR_ASSOC_STATUS), where the kernel has it. */
  abandoned?: Abandoned;
}

/** One path (peer address) of an association: SCTP_GET_PEER_ADDR_INFO's struct sctp_paddrinfo. */
export interface PathInfo extends PeerAddress {
  state: 'inactive' | 'potentially-failed' | 'active' | 'unconfirmed' | 'unknown';
  cwnd: number;
  srtt: number;
  rto: number;
  mtu: number;
}

/** paths(): a path, and whether it is the association's primary path (SCTP_STATUS's). */
export interface Path extends PathInfo {
  primary: boolean;
}

/** SCTP_GET_ASSOC_STATS (Linux's struct sctp_assoc_stats): counts since the association began. */
export interface AssociationStats {
  /** As given: 0 on a one-to-one socket. */
  assocId: number;
  rtxChunks: number;
  /** Gap acknowledgement blocks received. */
  gapCount: number;
  /** TSNs received beyond the next one expected. */
  outOfSeqTsns: number;
  sacksSent: number;
  sacksReceived: number;
  packetsSent: number;
  packetsReceived: number;
  controlChunksSent: number;
  controlChunksReceived: number;
  orderedChunksSent: number;
  orderedChunksReceived: number;
  unorderedChunksSent: number;
  unorderedChunksReceived: number;
  /** Duplicate DATA chunks received, ordered and unordered. */
  dupChunksReceived: number;
  /**
   * The largest RTO since the last stats() call: each read starts a new period at the
   * association's rtoInfo.min. In the kernel's ticks (jiffies: ms only where HZ is 1000), unlike
   * paths()' rto; 0 before any RTO was computed.
   */
  maxRto: number;
  /** The path of the last RTO larger than the period's start (address '' and port 0 before any). */
  maxRtoAddress: PeerAddress;
}

/** PR-SCTP messages abandoned after (sent) or before (unsent) transmission: in all and per policy. */
export interface Abandoned {
  sent: number;
  unsent: number;
  ttl: { sent: number; unsent: number };
  rtx: { sent: number; unsent: number };
  prio: { sent: number; unsent: number };
}

/** SCTP_PR_STREAM_STATUS of one outbound stream. */
export interface StreamStatus {
  stream: number;
  abandoned: Abandoned;
}

export interface AddressInfo {
  address: string;
  family: 'IPv4' | 'IPv6';
  port: number;
}

/** What the kernel says of a received message (SCTP_RCVINFO). */
export interface RemoteInfo extends AddressInfo {
  size: number;
  assocId: number;
  stream: number;
  ppid: number;
  unordered: boolean;
  ssn: number;
  tsn: number;
  context: number;
}

export type Message = string | NodeJS.ArrayBufferView | ReadonlyArray<string | NodeJS.ArrayBufferView>;
export type SendCallback = (error: SendError | null, bytes?: number) => void;

export class Socket extends EventEmitter implements AsyncIterable<{ msg: Buffer; rinfo: RemoteInfo }> {
  constructor(options: SocketOptions);
  readonly type: SocketType;

  bind(port?: number, address?: string, callback?: () => void): this;
  bind(options: { port?: number; address?: string; addresses?: string[] }, callback?: () => void): this;
  bind(callback: () => void): this;
  address(): AddressInfo;

  send(msg: Message, port: number, address?: string, options?: SendOptions, callback?: SendCallback): boolean;
  send(msg: Message, port: number, address: string, callback: SendCallback): boolean;
  send(msg: Message, port: number, options: SendOptions, callback?: SendCallback): boolean;
  send(msg: Message, port: number, callback: SendCallback): boolean;
  /** On an association: `options.assocId`. */
  send(msg: Message, options: SendOptions & { assocId: number }, callback?: SendCallback): boolean;

  connect(port: number, addresses: string | string[], options?: { timeout?: number; signal?: AbortSignal }): Promise<AssociationInfo>;
  eof(assocId: number): this;
  abort(assocId: number, reason?: string | NodeJS.ArrayBufferView): this;
  associations(): Array<{ assocId: number; address: string; port: number; addresses: PeerAddress[] }>;
  status(assocId: number): AssociationStatus;
  streamStatus(assocId: number, stream: number): StreamStatus;
  peerAddresses(assocId: number): PeerAddress[];
  localAddresses(assocId?: number): PeerAddress[];
  /** One entry per peer address of the association. */
  paths(assocId: number): Path[];
  /** null where the kernel has no SCTP_GET_ASSOC_STATS. */
  stats(assocId: number): AssociationStats | null;
  addAddress(address: string): this;
  removeAddress(address: string): this;
  setPrimary(assocId: number, address: string): this;
  setPeerParams(assocId: number, params: PeerParams): this;
  /** SCTP_STREAM_SCHEDULER_VALUE: the stream's priority (scheduler 'priority') or weight ('wfq'). */
  setStreamPriority(assocId: number, stream: number, value: number): this;
  resetStreams(assocId: number, streams: number[], options?: { incoming?: boolean; outgoing?: boolean }): this;
  resetAssociation(assocId: number): this;
  addStreams(assocId: number, streams: { in?: number; out?: number }): this;
  /** SCTP-AUTH shared keys: of one association, or with no assocId of every one and those to come. */
  setAuthKey(keyNumber: number, secret: string | NodeJS.ArrayBufferView, assocId?: number): this;
  useAuthKey(keyNumber: number, assocId?: number): this;
  deleteAuthKey(keyNumber: number, assocId?: number): this;
  /** The association, branched off into a one-to-one socket of its own (a connect() still waiting for it rejects: ERR_SCTP_PEELED_OFF). */
  peeloff(assocId: number): StreamSocket;

  close(callback?: () => void): this;
  ref(): this;
  unref(): this;
  /** Sends that follow wait until as many uncork() calls; then up to 64 go per system call. */
  cork(): void;
  uncork(): void;
  getSendQueueSize(): number;
  getSendQueueCount(): number;

  [Symbol.asyncIterator](): AsyncIterator<{ msg: Buffer; rinfo: RemoteInfo }>;
  [Symbol.asyncDispose](): Promise<void>;

  on(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  on(event: 'listening' | 'close' | 'drain', listener: () => void): this;
  on(event: 'oversize', listener: (info: Oversize) => void): this;
  on(event: 'association', listener: (info: AssociationInfo) => void): this;
  on(event: 'peeraddrchange', listener: (info: PeerAddressChange) => void): this;
  on(event: 'sendfailed', listener: (info: SendFailed) => void): this;
  on(event: 'abandoned', listener: (info: { assocId: number; count: number }) => void): this;
  on(event: 'streamreset', listener: (info: StreamResetInfo) => void): this;
  on(event: 'assocreset', listener: (info: AssocResetInfo) => void): this;
  on(event: 'streamchange', listener: (info: StreamChangeInfo) => void): this;
  on(event: 'authentication', listener: (info: AuthenticationInfo) => void): this;
  on(event: 'shutdown', listener: (info: { assocId: number }) => void): this;
  on(event: 'remoteerror', listener: (info: { assocId: number; cause: number; reason: string; data: Buffer }) => void): this;
  on(event: 'error', listener: (err: SendError) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  once(event: 'listening' | 'close' | 'drain', listener: () => void): this;
  once(event: 'oversize', listener: (info: Oversize) => void): this;
  once(event: 'association', listener: (info: AssociationInfo) => void): this;
  once(event: 'peeraddrchange', listener: (info: PeerAddressChange) => void): this;
  once(event: 'sendfailed', listener: (info: SendFailed) => void): this;
  once(event: 'abandoned', listener: (info: { assocId: number; count: number }) => void): this;
  once(event: 'error', listener: (err: SendError) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export function createSocket(
  options: SocketType | SocketOptions,
  callback?: (msg: Buffer, rinfo: RemoteInfo) => void,
): Socket;

// ---- The one-to-one socket: createServer(), connect() (net-shaped) --------------------------

/** The SCTP options of a one-to-one socket: as createSocket()'s, without `type`. */
export type StreamSocketOptions = Omit<SocketOptions, 'type' | 'signal' | 'ipv6Only' | 'autoClose' | 'reusePort'> & {
  /** Aborting it destroys the socket with an AbortError. */
  signal?: AbortSignal;
  /** As net: SCTP_NODELAY (the same as `nodelay`). */
  noDelay?: boolean;
  /** As net: heartbeats, every keepAliveInitialDelay ms (30 s when 0). */
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
  /** Accepted for net's sake; SCTP has no half-open association. */
  allowHalfOpen?: boolean;
  readable?: boolean;
  writable?: boolean;
  writableHighWaterMark?: number;
};

export interface ConnectOptions extends StreamSocketOptions {
  port: number;
  /** A numeric address or a name (resolved with dns.lookup, or `lookup`). Default 'localhost'. */
  host?: string;
  /** The peer's addresses (multi-homed; numeric), instead of host. */
  addresses?: string[];
  localAddress?: string;
  /** Several local addresses (sctp_bindx). */
  localAddresses?: string[];
  localPort?: number;
  family?: 0 | 4 | 6;
  lookup?: typeof import('dns').lookup;
  /** As net: the idle timeout (setTimeout()). */
  timeout?: number;
}

/** Send options of one message on a one-to-one socket (its association is implied). */
export type StreamSendOptions = Omit<SendOptions, 'assocId'>;

/**
 * One association as a net.Socket-shaped Duplex: one write() is one SCTP message, one 'data'
 * chunk one whole message (read() too). end() is a graceful SHUTDOWN, destroy() an ABORT.
 */
export class StreamSocket extends Duplex {
  constructor(options?: StreamSocketOptions);
  connect(port: number, host?: string, connectListener?: () => void): this;
  connect(port: number, connectListener?: () => void): this;
  connect(options: ConnectOptions, connectListener?: () => void): this;

  /** One message with its own send options, in order with write()s. */
  send(msg: Message, options?: StreamSendOptions, callback?: (error?: SendError | null) => void): boolean;
  send(msg: Message, callback: (error?: SendError | null) => void): boolean;

  setTimeout(timeout: number, callback?: () => void): this;
  readonly timeout?: number;
  setNoDelay(noDelay?: boolean): this;
  /** SCTP heartbeats: on every initialDelay ms (30 s when 0), or off. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  address(): AddressInfo | {};
  ref(): this;
  unref(): this;
  resetAndDestroy(): this;

  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly remoteFamily?: 'IPv4' | 'IPv6';
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly localFamily?: 'IPv4' | 'IPv6';
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly connecting: boolean;
  readonly pending: boolean;
  readonly readyState: 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed';
  /** The association's id (0 until connected). */
  readonly assocId: number;

  status(): AssociationStatus;
  streamStatus(stream: number): StreamStatus;
  peerAddresses(): PeerAddress[];
  localAddresses(): PeerAddress[];
  paths(): Path[];
  stats(): AssociationStats | null;
  setPrimary(address: string): this;
  setPeerParams(params: PeerParams): this;
  setStreamPriority(stream: number, value: number): this;
  resetStreams(streams: number[], options?: { incoming?: boolean; outgoing?: boolean }): this;
  resetAssociation(): this;
  addStreams(streams: { in?: number; out?: number }): this;
  setAuthKey(keyNumber: number, secret: string | NodeJS.ArrayBufferView): this;
  useAuthKey(keyNumber: number): this;
  deleteAuthKey(keyNumber: number): this;
  [Symbol.asyncDispose](): Promise<void>;

  on(event: 'connect' | 'ready' | 'end' | 'timeout' | 'drain' | 'finish', listener: () => void): this;
  on(event: 'data', listener: (data: Buffer | string) => void): this;
  on(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  /** hadError: the association failed or was aborted (or destroy(err)). */
  on(event: 'close', listener: (hadError: boolean) => void): this;
  /** Peer-caused errors (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE) come only to 'error' listeners. */
  on(event: 'error', listener: (err: SystemError) => void): this;
  on(event: 'lookup', listener: (err: Error | null, address: string, family: number, host: string) => void): this;
  on(event: 'oversize', listener: (info: Oversize) => void): this;
  on(event: 'association', listener: (info: AssociationInfo) => void): this;
  on(event: 'peeraddrchange', listener: (info: PeerAddressChange) => void): this;
  on(event: 'sendfailed', listener: (info: SendFailed) => void): this;
  on(event: 'streamreset', listener: (info: StreamResetInfo) => void): this;
  on(event: 'assocreset', listener: (info: AssocResetInfo) => void): this;
  on(event: 'streamchange', listener: (info: StreamChangeInfo) => void): this;
  on(event: 'authentication', listener: (info: AuthenticationInfo) => void): this;
  on(event: 'shutdown', listener: (info: { assocId: number }) => void): this;
  on(event: 'remoteerror', listener: (info: { assocId: number; cause: number; reason: string; data: Buffer }) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'connect' | 'ready' | 'end' | 'timeout' | 'drain' | 'finish', listener: () => void): this;
  once(event: 'data', listener: (data: Buffer | string) => void): this;
  once(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  once(event: 'close', listener: (hadError: boolean) => void): this;
  once(event: 'error', listener: (err: SystemError) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export interface ServerOptions extends StreamSocketOptions {
  /** SO_REUSEPORT for every listen(): servers on the same addresses and port share new associations. */
  reusePort?: boolean;
  /** Accepted sockets start paused. */
  pauseOnConnect?: boolean;
}

export interface ListenOptions {
  port?: number;
  /** A numeric address or a name. Default '::' (dual stack; '0.0.0.0' without IPv6). */
  host?: string;
  /** Several local addresses (multi-homing: sctp_bindx). */
  addresses?: string[];
  backlog?: number;
  ipv6Only?: boolean;
  /** SO_REUSEPORT: servers bound to the same addresses and port share new associations. */
  reusePort?: boolean;
  signal?: AbortSignal;
}

/** A net.Server-shaped listener of one-to-one SCTP sockets. */
export class Server extends EventEmitter {
  constructor(options?: ServerOptions, connectionListener?: (socket: StreamSocket) => void);
  constructor(connectionListener?: (socket: StreamSocket) => void);
  listen(port?: number, host?: string, backlog?: number, callback?: () => void): this;
  listen(port?: number, host?: string, callback?: () => void): this;
  listen(port?: number, callback?: () => void): this;
  listen(options: ListenOptions, callback?: () => void): this;
  address(): AddressInfo | null;
  /** Stops accepting; 'close' once the open connections have closed too. */
  close(callback?: (err?: Error) => void): this;
  getConnections(callback: (error: Error | null, count: number) => void): this;
  maxConnections?: number;
  readonly listening: boolean;
  ref(): this;
  unref(): this;
  [Symbol.asyncDispose](): Promise<void>;

  on(event: 'connection', listener: (socket: StreamSocket) => void): this;
  on(event: 'listening' | 'close', listener: () => void): this;
  on(event: 'drop', listener: (info: object) => void): this;
  /** A failed bind or listen; ERR_SCTP_AUTH_KEY_SPENT (no errno) on a second listen() with an auth key. */
  on(event: 'error', listener: (err: Error & Partial<SystemError>) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'connection', listener: (socket: StreamSocket) => void): this;
  once(event: 'listening' | 'close', listener: () => void): this;
  once(event: 'error', listener: (err: Error & Partial<SystemError>) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export function createServer(connectionListener?: (socket: StreamSocket) => void): Server;
export function createServer(options?: ServerOptions, connectionListener?: (socket: StreamSocket) => void): Server;
export function connect(port: number, host?: string, connectListener?: () => void): StreamSocket;
export function connect(port: number, connectListener?: () => void): StreamSocket;
export function connect(options: ConnectOptions, connectListener?: () => void): StreamSocket;
export const createConnection: typeof connect;

/**
 * The names of the `diagnostics_channel` channels the sockets publish on (docs/diagnostics.md),
 * for `diagnostics_channel.subscribe(channels.associationUp, onMessage)`.
 */
export const channels: {
  readonly socketCreated: 'sctp-napi.socket.created';
  readonly socketClosed: 'sctp-napi.socket.closed';
  readonly associationUp: 'sctp-napi.association.up';
  readonly associationRestart: 'sctp-napi.association.restart';
  readonly associationDown: 'sctp-napi.association.down';
  readonly sendFailed: 'sctp-napi.send.failed';
};

/** The messages on those channels; `socket`: the object createSocket(), connect(), createServer(), open(), accept or peeloff() gave. */
export interface DiagnosticsMessages {
  'sctp-napi.socket.created': { socket: Socket | StreamSocket | Server | Handle; kind: 'one-to-many' | 'one-to-one' | 'server' };
  'sctp-napi.socket.closed': { socket: Socket | StreamSocket | Server | Handle };
  'sctp-napi.association.up': { socket: Socket | StreamSocket; assocId: number; address: string; port: number; inStreams: number; outStreams: number };
  'sctp-napi.association.restart': DiagnosticsMessages['sctp-napi.association.up'];
  'sctp-napi.association.down': { socket: Socket | StreamSocket; assocId: number; state: 'lost' | 'shutdown' | 'cant-start' | 'closed' | 'peeled-off'; error: number; reason: string };
  /** error: the kernel's error number (SCTP_SEND_FAILED_EVENT), or the Error a send() failed with (sent: false). */
  'sctp-napi.send.failed': { socket: Socket | StreamSocket; assocId: number; error: number | SystemError; sent: boolean; stream: number; ppid: number; context: number; size: number };
}
