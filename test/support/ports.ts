// The chaos harness's port picker: ports outside the ephemeral range, a slice per vitest worker.
export { freePorts } from '@herald/chaos/ports';
