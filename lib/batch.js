'use strict';
// Sending several messages with one native call and one system call (sendmmsg), for both socket
// kinds: a one-to-many socket's queue after cork()/uncork() or EAGAIN, a one-to-one socket's
// _writev().

const MAX_BATCH = 64; // messages per sendmmsg: the native side's limit
const FIELDS = 10; // values per message in a sendBatch() list: send()'s arguments but flags
const list = new Array(MAX_BATCH * FIELDS); // reused: JS runs one batch at a time

// One message, { data, address, port, info } (address null: info.assocId, or the one association
// of a one-to-one socket, says where) -> bytes | -errno.
function sendOne(handle, { data, address, port, info }) {
  return handle.send(data, address, port, info.stream, info.ppid, info.context, info.ttl,
    info.unordered, info.assocId || 0, 0, info.policy);
}

// messages[from], messages[from + 1], ... (at most `max`, 64) -> how many the kernel took, in order
// and each whole, or -errno when it took none (the first one's error, EAGAIN included).
function sendBatch(handle, messages, from = 0, max = MAX_BATCH) {
  const count = Math.min(messages.length - from, max, MAX_BATCH);
  if (count === 1) {
    const r = sendOne(handle, messages[from]);
    return r < 0 ? r : 1;
  }
  for (let i = 0, k = 0; i < count; i++) {
    const { data, address, port, info } = messages[from + i];
    list[k++] = data; list[k++] = address; list[k++] = port; list[k++] = info.stream;
    list[k++] = info.ppid; list[k++] = info.context; list[k++] = info.ttl;
    list[k++] = info.unordered; list[k++] = info.assocId || 0; list[k++] = info.policy;
  }
  try {
    return handle.sendBatch(list, count);
  } finally {
    list.fill(undefined, 0, count * FIELDS); // keeps no message alive
  }
}

// Messages waiting to be sent, first in first out, and their bytes. Taking from the front moves an
// index (the array is compacted now and then), so a queue of a million messages drains in linear
// time; Array#shift() or #splice() at the front would copy what is left each time.
class SendQueue {
  #items = [];
  #head = 0;
  bytes = 0;

  get length() { return this.#items.length - this.#head; }

  push(message) {
    this.#items.push(message);
    this.bytes += message.data.length;
  }

  // sendBatch() on the first messages.
  send(handle, max) { return sendBatch(handle, this.#items, this.#head, max); }

  // Removes the first n and returns them.
  take(n) {
    const taken = this.#items.slice(this.#head, this.#head + n);
    this.#head += taken.length;
    for (const { data } of taken) this.bytes -= data.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  // Empties it; returns what it held.
  clear() {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.bytes = 0;
    return rest;
  }
}

module.exports = { sendOne, sendBatch, SendQueue };
