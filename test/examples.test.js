'use strict';
// The README's example runs and prints what the README says it prints.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { run } = require('./helpers');

const root = path.join(__dirname, '..');

describe('examples', () => {
  it('examples/echo.js prints the README\'s output and exits', async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const block = readme.split('<!-- echo-output -->')[1].match(/```\n([\s\S]*?)```/)[1];
    const res = await run([path.join(root, 'examples', 'echo.js')]);
    assert.strictEqual(res.stderr, '');
    assert.strictEqual(res.code, 0);
    assert.strictEqual(res.stdout, block);
  });
});
