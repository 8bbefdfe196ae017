#!/usr/bin/env node
// Compiles src/*.sol with the pinned solc-js (no compiler download) and writes, per contract,
// out/<Contract>.json = { contractName, abi, bytecode, deployedBytecode, compiler }.
// Imports resolve against src/ and node_modules/ only.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'src');
const outDir = path.join(root, 'out');
const nodeModules = path.join(root, 'node_modules');

const sources = {};
for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[`src/${file}`] = { content: fs.readFileSync(path.join(srcDir, file), 'utf8') };
}

function findImports(importPath) {
  const candidates = [path.join(root, importPath), path.join(nodeModules, importPath)];
  for (const candidate of candidates) {
    const resolved = path.resolve(candidate);
    if ((resolved.startsWith(root + path.sep)) && fs.existsSync(resolved)) {
      return { contents: fs.readFileSync(resolved, 'utf8') };
    }
  }
  return { error: `import not found: ${importPath}` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    // cancun: supported by every current dev node (anvil 1.7.1 defaults to a later fork).
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    viaIR: false,
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const message of output.errors || []) {
  process.stderr.write(message.formattedMessage + '\n');
}
if (errors.length > 0) {
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const [sourceName, contracts] of Object.entries(output.contracts)) {
  if (!sourceName.startsWith('src/')) continue;
  for (const [name, artifact] of Object.entries(contracts)) {
    const bytecode = artifact.evm.bytecode.object;
    if (!bytecode) continue; // abstract contracts and interfaces
    const json = {
      contractName: name,
      sourceName,
      compiler: `solc-js ${solc.version()}`,
      abi: artifact.abi,
      bytecode: '0x' + bytecode,
      deployedBytecode: '0x' + artifact.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(json, null, 2) + '\n');
    written++;
  }
}
process.stdout.write(`compiled ${written} contract(s) with solc ${solc.version()} into ${path.relative(process.cwd(), outDir) || '.'}\n`);
