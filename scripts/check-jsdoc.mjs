// Part of `npm run check`: every export of the package, and every public member of RNN, has a
// JSDoc comment with an @example, as STYLE.md asks. Lists those that do not and fails.
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const program = ts.createProgram([entry], {
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  customConditions: ['rnn-wasm-source'],
});
const checker = program.getTypeChecker();
const source = program.getSourceFile(entry);
const hasExample = (symbol) => symbol.getJsDocTags().some((tag) => tag.name === 'example');
const isPrivate = (symbol) => symbol.name.startsWith('#') || (symbol.declarations?.some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) ?? false);

const missing = [];
for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  if (!hasExample(symbol)) missing.push(exported.name);
  if (symbol.flags & ts.SymbolFlags.Class) {
    const members = [
      ...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).map((m) => [`${exported.name}#${m.name}`, m]),
      ...checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(symbol, source))
        .filter((m) => m.name !== 'prototype').map((m) => [`${exported.name}.${m.name}`, m]),
    ];
    for (const [name, member] of members) if (!isPrivate(member) && !hasExample(member)) missing.push(name);
  }
}
if (missing.length > 0) {
  console.error(`These exports have no JSDoc @example:\n  ${missing.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('check-jsdoc: every export has a JSDoc example');
}
