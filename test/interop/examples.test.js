'use strict';
// The README's examples run and print what the README says they print.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { run } = require('../helpers');

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('examples', () => {
  const isRoot = process.getuid && process.getuid() === 0;
  for (const [file, marker, needsRoot] of [
    ['echo.js', 'echo-output'], ['socket.js', 'socket-output'], ['stream.js', 'stream-output'],
    ['multihomed.js', 'multihomed-output', true], ['workers.js', 'workers-output'], ['cluster.js', 'cluster-output'],
  ]) {
    // documented: the README's code block after the file's <!-- ...-output --> marker
    it(`examples/${file} prints the output documented for it and exits`, async function () {
      if (needsRoot && !isRoot) this.skip(); // network namespaces: root (as in the VM)
      this.timeout(240000);
      const block = readme.split(`<!-- ${marker} -->`)[1].match(/```\n([\s\S]*?)```/)[1];
      const res = await run([path.join(root, 'examples', file)]);
      assert.strictEqual(res.stderr, '');
      assert.strictEqual(res.code, 0);
      assert.strictEqual(res.stdout, block);
    });
  }
});
