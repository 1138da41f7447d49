// www/sdk/src/ids.js: the profiles and frameworks a page can be asked for (checked before any build is loaded).

/** @type {readonly import('./wire.js').Profile[]} */
export const PROFILES = ['core-min', 'core-trace', 'full-dev'];

/** @type {readonly import('./wire.js').Framework[]} */
export const FRAMEWORKS = ['vanilla-js', 'typescript-sdk', 'react', 'nextjs'];
