'use strict';
// Receiving: one call into JS per readable tick. The native side (src/receive_batch.h) reads up to
// 64 messages, writes a row of fields per message into a Uint32Array it shares with us, puts their
// bytes in a few ArrayBuffers (a small message shares one with at most 7 others of its tick, 4 KiB
// in all, so one the app keeps holds little else alive; a larger one has its own), and calls
// onmessages(buffers, addresses, count) once. Each message is then delivered as if it had its own
// callback, which is what users of Node's handles count on: nextTick and promise jobs queued by
// one message's handler run before the next message (Node's own timers and immediates do the
// same, with the same function), a handler that throws is an uncaught exception and the messages
// after it still come (the native side calls again from the next one), and none comes after the
// handle is closed.
const binding = require('./binding');

const ROW = 12;
const MAX = 64;
const [BUFFER, OFFSET, LENGTH, ADDRESS, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT] =
  Array.from({ length: ROW }, (_, i) => i);
const NEXT = MAX * ROW;
const LIMIT = NEXT + 1;

// Node's runNextTicks (process._tickCallback, kept for compatibility: DEP0134, documentation-only).
// Where it is missing or wrapped (--pending-deprecation), a call carries one message: the native
// side's own callback scope then runs what each queued.
const runTicks = process._tickCallback;
const batched = typeof runTicks === 'function' && runTicks.name === 'runNextTicks';

// -> { rows, onmessages }: rows for the handle's constructor, onmessages its callback, which calls
// deliver(msg, address, rows, r) for each message, r the index of its row (fields: rows[r + PORT]).
function receiver(deliver) {
  const rows = new Uint32Array(LIMIT + 1);
  rows[LIMIT] = batched ? MAX : 1;
  function onmessages(buffers, addresses, count) {
    for (let i = rows[NEXT]; i < count; i = rows[NEXT]) {
      rows[NEXT] = i + 1;
      const r = i * ROW;
      deliver(Buffer.from(buffers[rows[r + BUFFER]], rows[r + OFFSET], rows[r + LENGTH]),
        addresses[rows[r + ADDRESS]], rows, r);
      if (i + 1 < count && rows[NEXT] === i + 1) runTicks(); // (closed: kNext is past count)
    }
  }
  return { rows, onmessages };
}

// The native handle, its callbacks given as { onmessage: deliver, ... } (see receiver()).
function socketHandle({ onmessage, ...callbacks }, name) {
  if (!onmessage) return new binding.SocketHandle(callbacks, name);
  const { rows, onmessages } = receiver(onmessage);
  return new binding.SocketHandle({ ...callbacks, onmessages }, name, rows);
}

module.exports = { socketHandle, PORT, ASSOC, STREAM, PPID, FLAGS, SSN, TSN, CONTEXT };
