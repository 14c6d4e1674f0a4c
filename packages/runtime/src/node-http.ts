/**
 * node:http's values for Agora's ES modules. `import { … } from 'node:http'` in an ES module makes
 * Node build that module's namespace, which reads every export, among them the lazy WebSocket,
 * CloseEvent and MessageEvent getters, and those load Node's whole bundled undici: ~80 ms and
 * ~13 MB of RSS at every start for two constant tables (tools/test/startup-modules.test.ts).
 * process.getBuiltinModule hands over the CommonJS object, whose getters stay untouched.
 * Type-only imports of node:http are erased, so they cost nothing and stay as they are.
 */
export const http = process.getBuiltinModule('node:http');
