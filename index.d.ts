/// <reference types="node" />
import { EventEmitter } from 'events';

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
  /** PR-SCTP lifetime in ms; 0: fully reliable. Default 30000. */
  ttl?: number;
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
}

/** Why a peeled-off socket's association ended: a system error, with the ABORT's cause if any. */
export type EndReason = (Error & { code: string; errno: number; syscall: string; sctpCause?: number; reason?: string }) | null;

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
  primary: PeerAddress & {
    state: 'inactive' | 'potentially-failed' | 'active' | 'unconfirmed' | 'unknown';
    cwnd: number;
    srtt: number;
    rto: number;
    mtu: number;
  };
  /** PR-SCTP messages abandoned on this association (SCTP_PR_ASSOC_STATUS), where the kernel has it. */
  abandoned?: { sent: number; unsent: number };
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
export type SendCallback = (error: Error | null, bytes?: number) => void;

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
  /** On an association: `options.assocId` (required here, except on a socket from peeloff()). */
  send(msg: Message, options: SendOptions, callback?: SendCallback): boolean;
  /** On a socket from peeloff(). */
  send(msg: Message, callback?: SendCallback): boolean;

  connect(port: number, addresses: string | string[], options?: { timeout?: number; signal?: AbortSignal }): Promise<AssociationInfo>;
  eof(assocId: number): this;
  abort(assocId: number, reason?: string | NodeJS.ArrayBufferView): this;
  associations(): Array<{ assocId: number; address: string; port: number; addresses: PeerAddress[] }>;
  status(assocId: number): AssociationStatus;
  peerAddresses(assocId: number): PeerAddress[];
  localAddresses(assocId?: number): PeerAddress[];
  addAddress(address: string): this;
  removeAddress(address: string): this;
  setPrimary(assocId: number, address: string): this;
  peeloff(assocId: number): Socket;

  close(callback?: () => void): this;
  ref(): this;
  unref(): this;
  getSendQueueSize(): number;
  getSendQueueCount(): number;

  [Symbol.asyncIterator](): AsyncIterator<{ msg: Buffer; rinfo: RemoteInfo }>;
  [Symbol.asyncDispose](): Promise<void>;

  on(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  on(event: 'listening' | 'close' | 'drain', listener: () => void): this;
  /** A socket from peeloff(): its association ended (reason null after a graceful shutdown). */
  on(event: 'end', listener: (reason: EndReason) => void): this;
  on(event: 'oversize', listener: (info: Oversize) => void): this;
  on(event: 'association', listener: (info: AssociationInfo) => void): this;
  on(event: 'peeraddrchange', listener: (info: PeerAddressChange) => void): this;
  on(event: 'sendfailed', listener: (info: SendFailed) => void): this;
  on(event: 'abandoned', listener: (info: { assocId: number; count: number }) => void): this;
  on(event: 'shutdown', listener: (info: { assocId: number }) => void): this;
  on(event: 'remoteerror', listener: (info: { assocId: number; cause: number; reason: string; data: Buffer }) => void): this;
  on(event: 'error', listener: (err: Error & { code?: string; errno?: number; syscall?: string }) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
  once(event: 'message', listener: (msg: Buffer, rinfo: RemoteInfo) => void): this;
  once(event: 'listening' | 'close' | 'drain', listener: () => void): this;
  /** A socket from peeloff(): its association ended (reason null after a graceful shutdown). */
  once(event: 'end', listener: (reason: EndReason) => void): this;
  once(event: 'oversize', listener: (info: Oversize) => void): this;
  once(event: 'association', listener: (info: AssociationInfo) => void): this;
  once(event: 'peeraddrchange', listener: (info: PeerAddressChange) => void): this;
  once(event: 'sendfailed', listener: (info: SendFailed) => void): this;
  once(event: 'abandoned', listener: (info: { assocId: number; count: number }) => void): this;
  once(event: 'error', listener: (err: Error & { code?: string; errno?: number; syscall?: string }) => void): this;
  once(event: string | symbol, listener: (...args: any[]) => void): this;
}

export function createSocket(
  options: SocketType | SocketOptions,
  callback?: (msg: Buffer, rinfo: RemoteInfo) => void,
): Socket;
