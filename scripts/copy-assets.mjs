// Copies the non-TypeScript files the runtime loads (Lua scripts) next to the compiled code.
import { cpSync } from 'node:fs';

cpSync('src/state/lua', 'dist/state/lua', { recursive: true });
