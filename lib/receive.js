'use strict';
// Receiving. The native side (src/receive_batch.h) reads up to 64 messages a readable tick, writes a
// row of fields per message into a Uint32Array it shares with us, puts their bytes in a few
// ArrayBuffers (a small message shares one with at most 7 others of its association and tick,
// 4 KiB in all, so one the app keeps holds little else alive; a larger one has its own), and then
// calls onmessages(buffers, addresses, count) once per message, with the same arguments each time:
// it delivers the message at rows[NEXT] and moves NEXT on. So each message is its own callback, as
// on Node's own handles: what one message's handler queued (nextTick, promise jobs) runs in Node's
// callback scope before the next message, a handler that throws is an uncaught exception and the
// messages after it still come, and none comes after the handle is closed. What this saves is the
// making of each message's Buffer and ten arguments in C++.
const { AsyncResource } = require('async_hooks');
const { markAsUntransferable } = require('worker_threads');
const binding = require('./binding');

const ROW = 12;
const MAX = 64;
const [BUFFER, OFFSET, LENGTH, ADDRESS, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT] =
  Array.from({ length: ROW }, (_, i) => i);
const NEXT = MAX * ROW;
const LIMIT = NEXT + 1;
const STOP = 0xffffffff; // kNext once the handle is closed

// Node's runNextTicks (process._tickCallback, kept for compatibility: DEP0134, documentation-only),
// run between held messages at the top of an immediate, as Node's processImmediate does between
// immediates. Where it is missing or wrapped (--pending-deprecation), one held message an immediate.
const runTicks = process._tickCallback;
const ticking = typeof runTicks === 'function' && runTicks.name === 'runNextTicks';

// The callbacks of a notification about one association, and where its assocId is: what a
// peeloff() hands to the new socket with the association's messages.
const ASSOC_ARG = {
  onoversize: 3, onassociation: 0, onpeeraddrchange: 0, onsendfailed: 0, onshutdown: 0,
  onremoteerror: 0, onsenderdry: 0, onstreamreset: 0, onassocreset: 0, onstreamchange: 0,
  onauthentication: 0,
};
const UNHELD = new Set(['onwritable', 'onconnection']); // not events of the reading

// The receiving half of a handle whose messages go to deliver(msg, address, fields, r) (a
// message's fields: fields[r + PORT]). A pause taken during a tick (a full readable side, an async
// iterator's bound) holds the tick's rest: it is delivered, in order, when reading resumes, and
// only then does the handle read again. An event read after held messages waits behind them
// (kernel order: the association's end after its last messages).
class Receiver {
  rows = new Uint32Array(LIMIT + 1);
  paused = false;
  held = []; // { fields, buffers, addresses, next, count, only, resource }: read, not delivered
  waiting = []; // { key, fn, self, args, resource }: the events read after held messages
  gone = new Map(); // assocId -> the Receiver of the socket it was peeled off to (this tick)
  scheduled = false;
  tick = null; // [buffers, addresses, count]: the tick being delivered, until its last message
  handle = null;
  callbacks = null; // the handle's, as wrapped by event()
  unwrapped = null; // and as given

  constructor(deliver, name) {
    this.deliver = deliver;
    this.name = name || 'SCTP_SOCKET';
    this.rows[LIMIT] = MAX;
    this.run = () => this.deliverHeld();
  }

  one(fields, buffers, addresses, i, deliver = this.deliver) {
    const r = i * ROW;
    deliver(Buffer.from(buffers[fields[r + BUFFER]], fields[r + OFFSET], fields[r + LENGTH]),
      addresses[fields[r + ADDRESS]], fields, r);
  }

  onmessages(buffers, addresses, count) {
    const rows = this.rows;
    const i = rows[NEXT];
    if (i >= count) return; // (closed: kNext is past count)
    if (i === 0) { // a new tick
      this.gone.clear();
      this.tick = [buffers, addresses, count]; // (for a peeloff() between its messages too)
      // A shared ArrayBuffer cannot go to a worker (its other messages would be detached), as
      // Node's own Buffer pool cannot: each group begins at offset 0.
      for (let r = 0; r < count * ROW; r += ROW) {
        const ab = buffers[rows[r + BUFFER]];
        if (rows[r + OFFSET] === 0 && rows[r + LENGTH] !== ab.byteLength) markAsUntransferable(ab);
      }
    }
    if (this.paused) {
      this.hold(rows.slice(0, count * ROW), buffers, addresses, i, count);
      rows[NEXT] = count;
      this.tick = null;
      return;
    }
    rows[NEXT] = i + 1;
    try {
      if (!(this.gone.size && this.gone.has(rows[i * ROW + ASSOC]))) this.one(rows, buffers, addresses, i);
    } finally {
      if (rows[NEXT] >= count) this.tick = null; // (what its last handler queues finds none left)
    }
  }

  hold(fields, buffers, addresses, next, count, only) {
    this.held.push({ fields, buffers, addresses, next, count, only, resource: new AsyncResource(this.name) });
  }

  // What was held, then the events read after it (those even if reading is paused again: nothing
  // is behind them then), until a pause or close(); each in the async context it was read in.
  deliverHeld() {
    this.scheduled = false;
    const { held, rows } = this;
    const waiting = this.waiting; // (divert() takes from it in place)
    try {
      for (let n = 0; rows[NEXT] !== STOP; n++) {
        if (n > 0 && (held.length || waiting.length)) {
          if (!ticking) return; // (the next immediate)
          runTicks(); // (here, outside any async scope: a tick that throws is just uncaught)
          if (rows[NEXT] === STOP) break;
        }
        if (held.length) {
          if (this.paused) break;
          const h = held[0];
          const i = h.next++;
          if (h.next >= h.count) held.shift();
          const assoc = h.fields[i * ROW + ASSOC];
          if (h.only !== undefined ? assoc !== h.only : this.gone.has(assoc)) continue;
          h.resource.runInAsyncScope(this.one, this, h.fields, h.buffers, h.addresses, i);
        } else if (waiting.length) {
          const w = waiting.shift();
          w.resource.runInAsyncScope(w.fn, w.self, ...w.args);
        } else {
          break;
        }
      }
    } finally {
      if (rows[NEXT] === STOP) this.drop();
      else if (held.length === 0 && waiting.length === 0) { if (!this.paused) this.resume(true); }
      else if (!this.paused || held.length === 0) this.schedule(); // (a throw, or one an immediate)
    }
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  drop() { // closed: nothing more
    this.held.length = 0;
    this.waiting.length = 0;
    this.gone.clear();
    this.tick = null;
  }

  setReading(on) {
    this.paused = !on;
    if (this.rows[NEXT] === STOP) this.drop();
    if (!on || (this.held.length === 0 && this.waiting.length === 0)) return this.resume(on);
    this.schedule(); // the handle reads again once they are delivered
    return 0;
  }

  resume(on) {
    return binding.SocketHandle.prototype.setReading.call(this.handle, on);
  }

  // The handle's callback fn for key, an event the reading brings (a notification, the end, a
  // recvmsg error): after the messages held before it; to the new socket if about an association
  // peeled off during this tick.
  event(key, fn) {
    const at = ASSOC_ARG[key];
    const receiver = this;
    return function (...args) {
      if (at !== undefined && receiver.gone.size) {
        const to = receiver.gone.get(args[at]);
        if (to) return to.rows[NEXT] === STOP ? undefined : to.callbacks[key]?.apply(to.handle, args);
      }
      // (an error of another call than recvmsg, as the poll's for a paused reader, is not held)
      if ((receiver.held.length === 0 && receiver.waiting.length === 0) ||
          (key === 'onerror' && args[1] !== 'recvmsg')) {
        return fn.apply(this, args);
      }
      receiver.waiting.push({ key, fn, self: this, args, resource: new AsyncResource(receiver.name) });
    };
  }

  // assocId was peeled off to the socket `to` receives for: what this socket read of it and has
  // not delivered (the rest of this tick, what is held, the events about it) goes there, delivered
  // from an immediate (once its listeners are on) and before anything that socket reads itself
  // (the kernel moved the rest of the association's queue to it).
  divert(assocId, to) {
    this.gone.set(assocId, to);
    if (this.tick) {
      const [buffers, addresses, count] = this.tick;
      if (this.rows[NEXT] < count) {
        to.hold(this.rows.slice(0, count * ROW), buffers, addresses, this.rows[NEXT], count, assocId);
      }
    }
    for (const h of this.held) to.hold(h.fields, h.buffers, h.addresses, h.next, h.count, assocId);
    let kept = 0; // (in place: deliverHeld() may be going through it)
    for (const w of this.waiting) {
      if (ASSOC_ARG[w.key] === undefined || w.args[ASSOC_ARG[w.key]] !== assocId) {
        this.waiting[kept++] = w;
      } else if (to.unwrapped[w.key]) {
        to.waiting.push({ ...w, fn: to.unwrapped[w.key], self: to.handle });
      }
    }
    this.waiting.length = kept;
    if (to.held.length || to.waiting.length) {
      to.resume(false); // (its own reading waits for these)
      to.schedule();
    }
  }

  // The handle for callbacks, with this receiving its messages.
  attach(callbacks, name) {
    this.unwrapped = { ...callbacks };
    for (const key of Object.keys(callbacks)) {
      if (!UNHELD.has(key)) callbacks[key] = this.event(key, callbacks[key]);
    }
    this.callbacks = callbacks;
    const handle = new binding.SocketHandle({ ...callbacks, onmessages: (b, a, n) => this.onmessages(b, a, n) },
      name, this.rows);
    this.handle = handle;
    // (the prototype's methods are read-only)
    Object.defineProperty(handle, 'setReading', { value: (on) => this.setReading(on) });
    Object.defineProperty(handle, 'close', {
      value: (...args) => {
        const result = binding.SocketHandle.prototype.close.apply(handle, args);
        this.drop(); // what was held is let go now, not when the closed handle is
        return result;
      },
    });
    receivers.set(handle, this);
    return handle;
  }
}

const receivers = new WeakMap(); // handle -> its Receiver

// The native handle, its callbacks given as { onmessage: deliver, ... } (see Receiver).
function socketHandle({ onmessage, ...callbacks }, name) {
  if (!onmessage) return new binding.SocketHandle(callbacks, name);
  return new Receiver(onmessage, name).attach(callbacks, name);
}

// child.peeloff(parent, assocId), and what the parent has read of that association and not
// delivered goes to the child first. -> the errno of the peeloff, 0 if it worked.
function peeloff(child, parent, assocId) {
  const err = child.peeloff(parent, assocId);
  const from = receivers.get(parent);
  const to = receivers.get(child);
  if (!err && from && to) from.divert(assocId, to);
  return err;
}

module.exports = { socketHandle, peeloff, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT };
