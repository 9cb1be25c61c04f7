#!/usr/bin/env node
// The entry point checks the runtime before anything loads the native Kafka client, which
// would otherwise fail with an opaque ABI error on an old Node.
const [major = 0] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(
    `streamfold needs Node.js 22 or newer (this is ${process.version}). ` +
      'make setup installs Node 24 in .tools/node: export PATH="$PWD/.tools/node/bin:$PATH"\n',
  );
  process.exit(1);
}
await import('./program.js');
