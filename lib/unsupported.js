'use strict';
// Where the kernel has no SCTP, socket() fails with EPROTONOSUPPORT (or ESOCKTNOSUPPORT) and the
// error for it (lib/errors.js socketError(): ERR_SCTP_UNSUPPORTED) says what to do on this machine.
const fs = require('fs');
const os = require('os');

const VM = "or run under the VM harness in sctp-napi's repository (scripts/vm.sh, 'npm run vm -- node app.js'), " +
  'which boots a Debian kernel with SCTP under qemu';

// The facts advice() needs, read from this machine.
function platform() {
  const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch { return ''; } };
  const release = read('/etc/os-release');
  const field = (name) => (release.match(new RegExp(`^${name}="?([^"\\n]*)`, 'm')) || [])[1] || '';
  return {
    kernel: os.release(),
    distro: `${field('ID')} ${field('ID_LIKE')}`.trim(),
    container: fs.existsSync('/.dockerenv') || fs.existsSync('/run/.containerenv') || Boolean(process.env.container),
    modules: fs.existsSync('/proc/modules'), // false: this kernel cannot load modules at all
  };
}

// What to do to get SCTP, for { kernel, distro (os-release ID and ID_LIKE), container, modules }.
function advice({ kernel, distro, container, modules }) {
  if (/microsoft/i.test(kernel)) {
    return `WSL2's stock kernel (${kernel}) has no SCTP: use a WSL2 kernel built with CONFIG_IP_SCTP ` +
      `(the kernel= setting in .wslconfig), ${VM}`;
  }
  if (container) {
    return `this is a container, which uses its host's kernel (${kernel}): load SCTP on the host ` +
      `('sudo modprobe sctp' there, not in the container), ${VM}`;
  }
  if (!modules) return `this kernel (${kernel}) has no SCTP and cannot load modules: ${VM}`;
  const words = distro.split(/\s+/);
  if (words.includes('ubuntu')) {
    return "load the module: 'sudo modprobe sctp' (Ubuntu keeps it in linux-modules-extra: " +
      `'sudo apt-get install linux-modules-extra-${kernel}' first if modprobe does not find it), ${VM}`;
  }
  if (words.includes('debian')) return `load the module: 'sudo modprobe sctp', ${VM}`;
  if (words.some((w) => ['fedora', 'rhel', 'centos'].includes(w))) {
    return `install the module with 'sudo dnf install kernel-modules-extra-${kernel}', remove the ` +
      "'blacklist sctp' line from /etc/modprobe.d/sctp-blacklist.conf, then 'sudo modprobe sctp', " + VM;
  }
  return `load the module: 'sudo modprobe sctp' (your distribution may package it separately), ${VM}`;
}

// What a socket() failing with `name` (EPROTONOSUPPORT, ESOCKTNOSUPPORT) means, with what to do on
// this machine; null for another error.
function unavailable(name) {
  if (name !== 'EPROTONOSUPPORT' && name !== 'ESOCKTNOSUPPORT') return null;
  return `SCTP is not available (socket ${name}): ${advice(platform())}`;
}

// err with another message, the first line of its stack too.
function retitle(err, message) {
  err.message = message;
  err.stack = err.stack.replace(/^.*/, () => `${err.name}: ${message}`);
  return err;
}

// ERR_SCTP_UNSUPPORTED: sctp-napi cannot work here, and the message says why and what to do.
function unsupportedError(message, cause) {
  const err = new Error(message, cause && { cause });
  err.code = 'ERR_SCTP_UNSUPPORTED';
  return err;
}

module.exports = { platform, advice, unavailable, retitle, unsupportedError };
