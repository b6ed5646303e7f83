// The package's CommonJS entry (`require('rnn-wasm')`). The library is an ES module; Node.js
// 20.19 and 22.12 onwards load ES modules with require(), and this entry hands that on. Older
// versions cannot, and get an error that says how to load it instead.
// Used as `const { RNN, periodicDataset } = require('rnn-wasm');`.

function load(): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() is what this entry is for
    return require('./index.js');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
    const message = `rnn-wasm is an ES module, and Node.js ${process.version} cannot load an ES module with require(). `
      + "Load it with `const { RNN } = await import('rnn-wasm');` (in TypeScript, compile with \"module\": \"node16\" or \"nodenext\", "
      + "which keep import() as it is), or use Node.js 20.19, 22.12 or later, where require('rnn-wasm') works.";
    throw Object.assign(new Error(message, { cause: error }), { code: 'ERR_REQUIRE_ESM' });
  }
}

module.exports = load();
