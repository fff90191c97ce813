/**
 * The IR, the leaf contract between the compiler and everything that runs a playbook
 * (docs/architecture.md): the zod schema of the compiled playbook and the string forms several
 * modules share (construct and timer ids, ritual state values, template extras). It imports
 * nothing of the project but the stdlib.
 */
export * from './schema.js';
export * from './ids.js';
export * from './timer-ids.js';
export * from './ritual-state.js';
export * from './template-extras.js';
export * from './member-actions.js';
