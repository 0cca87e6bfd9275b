// Serves the listener over the FakeBackend until killed, for trying real clients by hand
// (kcat -b 127.0.0.1:PORT -L). Prints the port on its first line.
//   pnpm tsx --conditions=@herald/source packages/kafka/test/support/serve-fake.ts [port]

import { KafkaServer } from '../../src/index.js';
import { FakeBackend } from './fake-backend.js';

const backend = new FakeBackend({ initialRebalanceDelayMs: 300 });
backend.addTopic('orders', 3);
const log = { debug() {}, info: (o: object, m: string) => console.error(m, o), warn: (o: object, m: string) => console.error(m, o), error: (o: object, m: string) => console.error(m, o) };
const server = new KafkaServer({ backend, port: Number(process.argv[2] ?? 0), log });
const address = await server.listen();
backend.endpoint = { host: '127.0.0.1', port: address.port };
console.log(address.port);
