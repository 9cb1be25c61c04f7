// Copies the non-TypeScript files the runtime loads (Lua scripts) next to the compiled code.
import { cpSync, rmSync } from 'node:fs';

// Removed first: a script renamed in src must not linger in dist beside its successor.
rmSync('dist/state/lua', { recursive: true, force: true });
cpSync('src/state/lua', 'dist/state/lua', { recursive: true });
