'use strict';
// Node-style argument errors (the same codes and messages as Node's own validators).
const { inspect } = require('util');

function coded(Type, code, message) {
  const err = new Type(message);
  err.code = code;
  Error.captureStackTrace(err, coded);
  return err;
}

function received(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name}`;
  if (typeof value === 'object') {
    if (value.constructor && value.constructor.name) {
      return ` Received an instance of ${value.constructor.name}`;
    }
    return ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

const invalidArgType = (name, expected, value) => coded(TypeError, 'ERR_INVALID_ARG_TYPE',
  `The "${name}" argument must be ${expected}.${received(value)}`);

const invalidArgValue = (name, value, reason) => coded(TypeError, 'ERR_INVALID_ARG_VALUE',
  `The argument '${name}' ${reason}. Received ${inspect(value)}`);

const outOfRange = (name, range, value) => coded(RangeError, 'ERR_OUT_OF_RANGE',
  `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(value)}`);

// The error validateInteger() throws, or null.
function integerError(value, name, min, max) {
  if (typeof value !== 'number') return invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) return outOfRange(name, 'an integer', value);
  if (value < min || value > max) return outOfRange(name, `>= ${min} && <= ${max}`, value);
  return null;
}

function validateInteger(value, name, min, max) {
  const err = integerError(value, name, min, max);
  if (err) throw err;
  return value;
}

// A port as net takes it: a number or a numeric string, 0 (where allowed) to 65535.
function validatePort(value, name, allowZero = true) {
  const ok = (typeof value === 'number' || (typeof value === 'string' && value.trim().length > 0)) &&
    +value === (+value >>> 0) && +value <= 0xffff && (allowZero || +value !== 0);
  if (!ok) {
    throw coded(RangeError, 'ERR_SOCKET_BAD_PORT',
      `${name} should be >= ${allowZero ? 0 : 1} and < 65536.${received(value)}`);
  }
  return +value;
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value;
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value;
}

function validateAbortSignal(value, name) {
  if (value === null || typeof value !== 'object' || !('aborted' in value) ||
      typeof value.addEventListener !== 'function') {
    throw invalidArgType(name, 'an instance of AbortSignal', value);
  }
  return value;
}

module.exports = {
  coded,
  invalidArgType,
  invalidArgValue,
  outOfRange,
  integerError,
  validateInteger,
  validatePort,
  validateBoolean,
  validateFunction,
  validateObject,
  validateAbortSignal,
};
